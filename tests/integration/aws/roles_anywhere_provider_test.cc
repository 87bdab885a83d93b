// RolesAnywhereProvider and X509IdentityFiles against the Roles Anywhere
// simulator over HTTP, with certificate files as a mounted Secret holds them:
// the session, rotation in place (the files replaced as kubelet does,
// atomically), a half-rotated pair that must never sign, an expired
// certificate, and the start-up refusals.
#include "pkg/aws/providers/roles_anywhere_provider.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/time/clock.h"
#include "pkg/http/http1_transport.h"
#include "pkg/util/strings.h"
#include "tests/pki/test_pki.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/support/util/fake_clock.h"

namespace integration::aws {
namespace {

using ::aws::X509FilesChange;
using pki::testing::TestPki;

constexpr std::string_view kAnchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta";
constexpr std::string_view kProfile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p";
constexpr std::string_view kRole = "arn:aws:iam::123456789012:role/kube-aws-iam-controller";

std::string serial_of(const std::string& certificate) {
  return ::aws::X509Identity::load(
             {.certificate = TestPki::instance().read(certificate + ".pem"),
              .private_key = util::SecretString(TestPki::instance().read(certificate + ".key"))},
             absl::Now())
      .value()
      ->serial();
}

class RolesAnywhereProviderTest : public ::testing::Test {
 protected:
  RolesAnywhereProviderTest() : clock_(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))) {
    sim::aws::IamConfig config;
    config.accounts = {"123456789012"};
    config.roles.push_back({.arn = std::string(kRole),
                            .max_session_duration = absl::Hours(12),
                            .trust = {std::string(sim::aws::kRolesAnywherePrincipal)}});
    config.roles_anywhere.trust_anchors.push_back(
        {.arn = std::string(kAnchor),
         .certificate_bundle = TestPki::instance().read("trust-anchor.pem")});
    config.roles_anywhere.profiles.push_back(
        {.arn = std::string(kProfile), .role_arns = {std::string(kRole)}});
    sim_ = sim::aws::AwsSimulator::create({.config = std::move(config)}, clock_).value();
    EXPECT_TRUE(sim_->start().ok());
    transport_ = http::Http1Transport::create({}).value();
    client_ =
        ::aws::RolesAnywhereClient::create(*transport_, clock_,
                                           {.trust_anchor_arn = std::string(kAnchor),
                                            .endpoint_override = sim_->roles_anywhere_endpoint(),
                                            .calls = {.max_attempts = 1}})
            .value();
    std::string pattern = (std::filesystem::temp_directory_path() / "kaic-ra-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~RolesAnywhereProviderTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Puts <name>.pem / <name>.key of the PKI (and the chain) where the provider
  // reads them, each replaced atomically, as kubelet updates a Secret volume.
  void mount(const std::string& certificate, const std::string& key) {
    for (const auto& [file, content] :
         {std::pair{"tls.crt", TestPki::instance().read(certificate + ".pem")},
          std::pair{"tls.key", TestPki::instance().read(key + ".key")},
          std::pair{"ca.crt", TestPki::instance().read("chain.pem")}}) {
      const std::filesystem::path tmp = dir_ / (std::string(file) + ".tmp");
      std::ofstream(tmp, std::ios::trunc) << content;
      std::filesystem::rename(tmp, dir_ / file);
    }
  }

  ::aws::X509Files files() const {
    return {.certificate = (dir_ / "tls.crt").string(),
            .private_key = (dir_ / "tls.key").string(),
            .chain = (dir_ / "ca.crt").string()};
  }

  util::StatusOr<std::unique_ptr<::aws::X509IdentityFiles>> load(::aws::X509Files from) {
    return ::aws::X509IdentityFiles::load(
        std::move(from), clock_, [this](const X509FilesChange& change) {
          changes_.push_back(change.loaded ? "loaded " + change.loaded->serial()
                                           : "rejected " + change.rejected.message());
        });
  }

  static ::aws::RolesAnywhereProviderOptions options() {
    return {.trust_anchor_arn = std::string(kAnchor),
            .profile_arn = std::string(kProfile),
            .role_arn = std::string(kRole),
            .session_duration = absl::Hours(1)};
  }

  // The files as mounted now, and a provider signing with them.
  void start() {
    auto loaded = load(files());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    files_ = std::move(loaded).value();
    auto provider = ::aws::RolesAnywhereProvider::create(*client_, *files_, options());
    ASSERT_TRUE(provider.ok()) << provider.status();
    provider_ = std::move(provider).value();
  }

  // The serial number of the certificate that signed the last CreateSession.
  std::string last_signer() const {
    const auto calls = sim_->calls().calls_of("CreateSession");
    return calls.empty() ? "" : calls.back().caller_arn.substr(std::string("x509:").size());
  }

  util::testing::FakeClock clock_;
  std::unique_ptr<sim::aws::AwsSimulator> sim_;
  std::unique_ptr<http::Http1Transport> transport_;
  std::unique_ptr<::aws::RolesAnywhereClient> client_;
  std::filesystem::path dir_;
  std::vector<std::string> changes_;
  std::unique_ptr<::aws::X509IdentityFiles> files_;
  std::unique_ptr<::aws::RolesAnywhereProvider> provider_;
};

TEST_F(RolesAnywhereProviderTest, SessionCredentialsFromTheMountedCertificate) {
  mount("rsa", "rsa");
  ASSERT_NO_FATAL_FAILURE(start());
  auto credentials = provider_->credentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->expiration, clock_.system_now() + absl::Hours(1));
  EXPECT_TRUE(credentials->source.starts_with("rolesanywhere:CreateSession " + std::string(kRole)));
  EXPECT_EQ(last_signer(), serial_of("rsa"));
  EXPECT_TRUE(changes_.empty());
}

TEST_F(RolesAnywhereProviderTest, ARotatedCertificateSignsTheNextSession) {
  mount("rsa", "rsa");
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(provider_->credentials().ok());
  mount("ec", "ec");
  ASSERT_TRUE(provider_->credentials().ok());
  EXPECT_EQ(last_signer(), serial_of("ec"));
  EXPECT_EQ(changes_, std::vector<std::string>{"loaded " + serial_of("ec")});
  EXPECT_EQ(files_->loaded()->serial(), serial_of("ec"));
}

TEST_F(RolesAnywhereProviderTest, AHalfRotatedPairNeverSigns) {
  mount("rsa", "rsa");
  ASSERT_NO_FATAL_FAILURE(start());
  mount("ec", "rsa");  // the new certificate, the old key: as a non-atomic writer leaves them
  ASSERT_TRUE(provider_->credentials().ok());
  EXPECT_EQ(last_signer(), serial_of("rsa"));  // the last good pair
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_TRUE(changes_[0].starts_with("rejected "));
  EXPECT_NE(changes_[0].find("the private key does not belong to certificate"), std::string::npos)
      << changes_[0];
  mount("ec", "ec");
  ASSERT_TRUE(provider_->credentials().ok());
  EXPECT_EQ(last_signer(), serial_of("ec"));
  EXPECT_EQ(sim_->calls().count("CreateSession", "Success"), 2);
  EXPECT_EQ(sim_->calls().total(), 2);  // nothing refused on the way
}

TEST_F(RolesAnywhereProviderTest, AnExpiredCertificateIsNotSentAndSaysSo) {
  mount("rsa", "rsa");
  ASSERT_NO_FATAL_FAILURE(start());
  clock_.set_system(files_->loaded()->not_after() + absl::Minutes(1));
  const util::Status status = provider_->credentials().status();
  EXPECT_EQ(status.code(), util::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find(" expired at "), std::string::npos) << status;
  EXPECT_NE(status.message().find("renew it"), std::string::npos) << status;
  EXPECT_EQ(sim_->calls().total(), 0);
}

TEST_F(RolesAnywhereProviderTest, StartUpRefusesWhatCannotSignAndNamesTheFiles) {
  mount("rsa", "ec");
  util::Status status = load(files()).status();
  EXPECT_EQ(status.code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find((dir_ / "tls.crt").string()), std::string::npos) << status;
  EXPECT_NE(status.message().find("does not belong"), std::string::npos) << status;

  auto missing = files();
  missing.certificate = (dir_ / "absent.crt").string();
  status = load(missing).status();
  EXPECT_NE(status.message().find("cannot read the certificate " + (dir_ / "absent.crt").string()),
            std::string::npos)
      << status;

  mount("rsa", "rsa");
  ASSERT_NO_FATAL_FAILURE(start());
  auto wrong_anchor = options();
  wrong_anchor.trust_anchor_arn = std::string(kProfile);
  status = ::aws::RolesAnywhereProvider::create(*client_, *files_, wrong_anchor).status();
  EXPECT_NE(status.message().find("is not a Roles Anywhere trust anchor ARN"), std::string::npos)
      << status;
}

}  // namespace
}  // namespace integration::aws
