// The IAM Roles Anywhere simulator: CreateSession's answer and each check AWS
// documents (signature, serial, X-Amz-Date, chain, validity, profile, role
// trust, duration, quota), on a PKI made by the openssl CLI (tests/pki); and
// pkg/aws's RolesAnywhereClient against it over HTTP.
#include <gtest/gtest.h>

#include <regex>

#include "absl/time/clock.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/sigv4_x509.h"
#include "pkg/http/http1_transport.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"
#include "tests/pki/test_pki.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

using pki::testing::TestPki;

constexpr std::string_view kAnchorArn =
    "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0123abcd-ta";
constexpr std::string_view kProfileArn =
    "arn:aws:rolesanywhere:us-east-1:123456789012:profile/0123abcd-p";
constexpr std::string_view kDisabledProfileArn =
    "arn:aws:rolesanywhere:us-east-1:123456789012:profile/disabled";
constexpr std::string_view kControllerRole =
    "arn:aws:iam::123456789012:role/kube-aws-iam-controller";
constexpr std::string_view kUntrustingRole = "arn:aws:iam::123456789012:role/ra/untrusting";
constexpr std::string_view kUnlistedRole = "arn:aws:iam::123456789012:role/unlisted";

std::shared_ptr<const ::aws::X509Identity> identity(const std::string& name, bool chain = true,
                                                    absl::Time now = absl::Now()) {
  const TestPki& pki = TestPki::instance();
  auto loaded =
      ::aws::X509Identity::load({.certificate = pki.read(name + ".pem"),
                                 .private_key = util::SecretString(pki.read(name + ".key")),
                                 .chain = chain ? pki.read("chain.pem") : ""},
                                now);
  EXPECT_TRUE(loaded.ok()) << name << ": " << loaded.status();
  return loaded.ok() ? *loaded : nullptr;
}

struct Answer {
  int status = 0;
  std::string error_type;  // x-amzn-ErrorType
  rapidjson::Document body;
  std::string text(const char* pointer) const {
    const rapidjson::Value* v = &body;
    for (std::string_view part : util::split(std::string_view(pointer).substr(1), '/')) {
      if (v->IsArray()) {
        v = &(*v)[std::stoi(std::string(part))];
      } else if (v->IsObject() && v->HasMember(std::string(part).c_str())) {
        v = &(*v)[std::string(part).c_str()];
      } else {
        return "";
      }
    }
    return v->IsString() ? v->GetString() : "";
  }
};

class RolesAnywhereTest : public ::testing::Test {
 protected:
  RolesAnywhereTest() : clock_(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))) {
    IamConfig config = test_config();
    for (auto [arn, trust] : {std::pair{kControllerRole, std::string(kRolesAnywherePrincipal)},
                              std::pair{kUntrustingRole, std::string(kAliceArn)},
                              std::pair{kUnlistedRole, std::string(kRolesAnywherePrincipal)}}) {
      RoleConfig role;
      role.arn = std::string(arn);
      role.trust = {trust};
      role.max_session_duration = absl::Hours(12);
      config.roles.insert(config.roles.begin(), role);
    }
    config.roles_anywhere.trust_anchors.push_back(
        {.arn = std::string(kAnchorArn),
         .certificate_bundle = TestPki::instance().read("trust-anchor.pem")});
    config.roles_anywhere.profiles.push_back(
        {.arn = std::string(kProfileArn),
         .role_arns = {std::string(kControllerRole), "arn:aws:iam::123456789012:role/ra/*"},
         .duration = absl::Hours(6)});
    config.roles_anywhere.profiles.push_back({.arn = std::string(kDisabledProfileArn),
                                              .role_arns = {std::string(kControllerRole)},
                                              .enabled = false});
    sim_ = AwsSimulator::create({.config = std::move(config)}, clock_).value();
  }

  static std::string body(std::string_view role, std::optional<int> seconds = 3600,
                          std::string_view profile = kProfileArn,
                          std::string_view anchor = kAnchorArn) {
    return util::cat("{", seconds ? util::cat("\"durationSeconds\":", *seconds, ",") : "",
                     "\"profileArn\":\"", profile, "\",\"roleArn\":\"", role,
                     "\",\"trustAnchorArn\":\"", anchor, "\"}");
  }

  // A CreateSession request signed by `signer` at `when` (default: now).
  SimRequest signed_request(const ::aws::X509Identity& signer, const std::string& json,
                            std::optional<absl::Time> when = std::nullopt) {
    ::aws::sigv4::SignableRequest signable{
        .method = "POST",
        .path = "/sessions",
        .headers = {{"Host", "rolesanywhere.us-east-1.amazonaws.com"},
                    {"Content-Type", "application/json"}},
        .payload_hash = ::aws::sigv4::hex_sha256(json)};
    auto signed_result =
        ::aws::sigv4::sign_x509(signable, signer, when.value_or(clock_.system_now()), "us-east-1");
    EXPECT_TRUE(signed_result.ok()) << signed_result.status();
    SimRequest request{
        .method = "POST", .raw_path = "/sessions", .headers = signable.headers, .body = json};
    for (const auto& header : signed_result->headers)
      request.headers.push_back(header);
    return request;
  }

  Answer answer(const SimRequest& request) {
    const SimResponse response = sim_->roles_anywhere().handle(request);
    Answer out;
    out.status = response.status;
    for (const auto& [name, value] : response.headers) {
      if (name == "x-amzn-ErrorType") out.error_type = value;
    }
    out.body.Parse(response.body.c_str());
    return out;
  }

  Answer create_session(const std::string& certificate, std::string_view role) {
    return answer(signed_request(*identity(certificate), body(role)));
  }

  util::testing::FakeClock clock_;
  std::unique_ptr<AwsSimulator> sim_;
};

TEST_F(RolesAnywhereTest, ASessionHasAwsShapeAndItsCredentialsWorkWithSts) {
  const auto signer = identity("rsa");
  const Answer a = answer(signed_request(*signer, body(kControllerRole)));
  ASSERT_EQ(a.status, 201) << a.text("/message");
  EXPECT_EQ(a.text("/credentialSet/0/roleArn"), kControllerRole);
  EXPECT_EQ(a.text("/credentialSet/0/sourceIdentity"), "rsa");
  EXPECT_EQ(a.text("/credentialSet/0/credentials/expiration"),
            util::format_rfc3339(clock_.system_now() + absl::Hours(1)));
  const std::string session = a.text("/credentialSet/0/assumedRoleUser/arn");
  EXPECT_TRUE(std::regex_match(
      session,
      std::regex("arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/[0-9a-f]+")))
      << session;
  EXPECT_TRUE(
      std::regex_match(a.text("/subjectArn"),
                       std::regex("arn:aws:rolesanywhere:us-east-1:123456789012:subject/.+")));
  EXPECT_TRUE(std::regex_match(a.text("/credentialSet/0/credentials/accessKeyId"),
                               std::regex("ASIA[A-Z2-7]{16}")));

  const StsAnswer me = [&] {
    ::aws::Credentials issued;
    issued.access_key_id = a.text("/credentialSet/0/credentials/accessKeyId");
    issued.secret_access_key =
        util::SecretString(a.text("/credentialSet/0/credentials/secretAccessKey"));
    issued.session_token = util::SecretString(a.text("/credentialSet/0/credentials/sessionToken"));
    return read_answer(sim_->sts().handle(
        signed_sts_request({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, issued,
                           clock_.system_now())));
  }();
  EXPECT_EQ(me.get("Arn"), session);

  const std::vector<CallRecord> calls = sim_->calls().calls_of("CreateSession");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].service, "rolesanywhere");
  EXPECT_EQ(calls[0].result, "Success");
  EXPECT_EQ(calls[0].caller_arn, "x509:" + signer->serial());
  EXPECT_EQ(calls[0].role_arn, kControllerRole);
}

TEST_F(RolesAnywhereTest, EcdsaCertificatesSignToo) {
  EXPECT_EQ(create_session("ec", kControllerRole).status, 201);
}

TEST_F(RolesAnywhereTest, TheSessionLastsTheSmallerOfTheRequestAndTheProfile) {
  const auto signer = identity("rsa");
  for (auto [asked, lasts] : {std::pair{std::optional<int>(900), absl::Seconds(900)},
                              std::pair{std::optional<int>(43200), absl::Hours(6)},
                              std::pair{std::optional<int>(), absl::Hours(6)}}) {
    const Answer a = answer(signed_request(*signer, body(kControllerRole, asked)));
    ASSERT_EQ(a.status, 201) << a.text("/message");
    EXPECT_EQ(a.text("/credentialSet/0/credentials/expiration"),
              util::format_rfc3339(clock_.system_now() + lasts));
  }
  for (int invalid : {899, 43201}) {
    const Answer a = answer(signed_request(*signer, body(kControllerRole, invalid)));
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.error_type, "ValidationException");
  }
}

TEST_F(RolesAnywhereTest, RefusesWhatAwsRefuses) {
  const auto rsa = identity("rsa");
  const auto unchained = identity("rsa", /*chain=*/false);
  const auto rogue = identity("rogue", /*chain=*/false);
  struct Row {
    std::string what;
    SimRequest request;
    int status;
    std::string type, says;
  };
  std::vector<Row> rows;
  rows.push_back({"a certificate of another CA", signed_request(*rogue, body(kControllerRole)), 403,
                  "AccessDeniedException", "Untrusted certificate"});
  rows.push_back({"no chain to the anchor", signed_request(*unchained, body(kControllerRole)), 403,
                  "AccessDeniedException", "Untrusted certificate"});
  rows.push_back(
      {"X-Amz-Date 6 minutes old",
       signed_request(*rsa, body(kControllerRole), clock_.system_now() - absl::Minutes(6)), 403,
       "AccessDeniedException", "Signature expired"});
  SimRequest tampered = signed_request(*rsa, body(kControllerRole));
  tampered.body = body(kControllerRole, 7200);
  rows.push_back({"a body changed after signing", tampered, 403, "AccessDeniedException",
                  "Signature validation failed"});
  SimRequest wrong_serial = signed_request(*rsa, body(kControllerRole));
  for (auto& [name, value] : wrong_serial.headers) {
    if (name == "Authorization")
      value.replace(value.find(rsa->serial()), rsa->serial().size(), "42");
  }
  rows.push_back({"a credential that is not the serial", wrong_serial, 403, "AccessDeniedException",
                  "is not the certificate's serial number"});
  SimRequest wrong_algorithm = signed_request(*rsa, body(kControllerRole));
  for (auto& [name, value] : wrong_algorithm.headers) {
    if (name == "Authorization") value.replace(0, 20, "AWS4-X509-ECDSA-SHA256");
  }
  rows.push_back({"ECDSA named for an RSA key", wrong_algorithm, 403, "AccessDeniedException",
                  "does not match the certificate's key"});
  rows.push_back({"a role the profile does not list", signed_request(*rsa, body(kUnlistedRole)),
                  403, "AccessDeniedException", "the profile does not list it"});
  rows.push_back({"a role that does not trust Roles Anywhere",
                  signed_request(*rsa, body(kUntrustingRole)), 403, "AccessDeniedException",
                  "does not trust rolesanywhere.amazonaws.com"});
  rows.push_back({"a disabled profile",
                  signed_request(*rsa, body(kControllerRole, 3600, kDisabledProfileArn)), 403,
                  "AccessDeniedException", "is disabled"});
  rows.push_back(
      {"an unknown trust anchor",
       signed_request(*rsa, body(kControllerRole, 3600, kProfileArn,
                                 "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/x")),
       404, "ResourceNotFoundException", "not found"});
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    const Answer a = answer(row.request);
    EXPECT_EQ(a.status, row.status);
    EXPECT_EQ(a.error_type, row.type);
    EXPECT_NE(a.text("/message").find(row.says), std::string::npos) << a.text("/message");
  }
  EXPECT_EQ(sim_->calls().count("CreateSession", "Success"), 0);
}

TEST_F(RolesAnywhereTest, AnExpiredCertificateIsRefusedAtTheTimeItIsUsed) {
  const auto rsa = identity("rsa");
  clock_.set_system(rsa->not_after() + absl::Hours(1));
  const Answer a = answer(signed_request(*rsa, body(kControllerRole)));
  EXPECT_EQ(a.status, 403);
  EXPECT_NE(a.text("/message").find("certificate has expired"), std::string::npos)
      << a.text("/message");
}

TEST_F(RolesAnywhereTest, TheAccountQuotaAnswersThrottlingException) {
  sim_->set_roles_anywhere_cost_model({.account_rps = 1, .account_burst = 1});
  const auto rsa = identity("rsa");
  EXPECT_EQ(answer(signed_request(*rsa, body(kControllerRole))).status, 201);
  const Answer throttled = answer(signed_request(*rsa, body(kControllerRole)));
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.error_type, "ThrottlingException");
  clock_.step(absl::Seconds(1));
  EXPECT_EQ(answer(signed_request(*rsa, body(kControllerRole))).status, 201);
}

// pkg/aws's client over HTTP: the answer parsed, errors mapped, throttling retried.
TEST_F(RolesAnywhereTest, TheClientGetsCredentialsAndMeaningfulErrors) {
  ASSERT_TRUE(sim_->start().ok());
  auto transport = http::Http1Transport::create({});
  ASSERT_TRUE(transport.ok());
  // The client signs and backs off in real time (the simulator's clock started at it).
  util::RealClock real_clock;
  std::vector<std::string> outcomes;
  auto client = ::aws::RolesAnywhereClient::create(
      **transport, real_clock,
      {.trust_anchor_arn = std::string(kAnchorArn),
       .endpoint_override = sim_->roles_anywhere_endpoint(),
       .calls = {
           .backoff = {absl::Milliseconds(1), absl::Milliseconds(1), 1.0, 0.0},
           .observer = [&](const ::aws::ApiAttempt& a) { outcomes.emplace_back(a.outcome); }}});
  ASSERT_TRUE(client.ok()) << client.status();
  const auto rsa = identity("rsa");
  const ::aws::CreateSessionRequest request{.trust_anchor_arn = std::string(kAnchorArn),
                                            .profile_arn = std::string(kProfileArn),
                                            .role_arn = std::string(kControllerRole),
                                            .duration = absl::Hours(1)};
  auto session = (*client)->create_session(request, *rsa);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->credentials.expiration, clock_.system_now() + absl::Hours(1));  // fake clock
  EXPECT_EQ(session->source_identity, "rsa");
  EXPECT_TRUE(session->assumed_role_arn.starts_with(
      "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/"));

  auto refused = (*client)->create_session(request, *identity("rogue", false));
  EXPECT_EQ(refused.status().code(), util::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      refused.status().message().starts_with("AccessDeniedException: Untrusted certificate"))
      << refused.status();

  sim_->set_roles_anywhere_cost_model({.account_rps = 1, .account_burst = 1});
  outcomes.clear();
  EXPECT_TRUE((*client)->create_session(request, *rsa).ok());
  auto throttled = (*client)->create_session(request, *rsa);  // three attempts, all throttled
  EXPECT_EQ(throttled.status().code(), util::StatusCode::kUnavailable);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"OK", "ThrottlingException", "ThrottlingException",
                                                "ThrottlingException"}));
}

}  // namespace
}  // namespace sim::aws::testing
