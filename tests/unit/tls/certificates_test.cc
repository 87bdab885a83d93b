// A CA of the process's own and the serving certificates it signs, checked
// with OpenSSL's own verifier as a TLS client runs it (chain, purpose
// sslserver, host name or IP), and the key pairs a handshake presents.
#include "pkg/tls/certificates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "pkg/tls/key_pair.h"
#include "pkg/util/openssl_ptr.h"

namespace tls {
namespace {

using ::testing::HasSubstr;
using util::openssl::BioPtr;
using util::openssl::X509Ptr;
using util::openssl::X509StoreCtxPtr;
using util::openssl::X509StorePtr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

X509Ptr x509_of(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// What a TLS client decides about `leaf` for `host` trusting `bundle` at `at`:
// "" when it accepts, else OpenSSL's reason.
std::string verify(const std::vector<Certificate>& bundle, const Certificate& leaf,
                   const std::string& host, absl::Time at) {
  X509StorePtr store(X509_STORE_new());
  for (const Certificate& ca : bundle)
    X509_STORE_add_cert(store.get(), x509_of(ca.pem).get());
  X509Ptr certificate = x509_of(leaf.pem);
  X509StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(at));
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  if (X509_verify_cert(context.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

TEST(CertificatesTest, AServingCertificateVerifiesForItsHostsAgainstItsCaOnly) {
  auto ca = make_certificate_authority("webhook-ca", kNow, absl::Hours(24 * 365));
  ASSERT_TRUE(ca.ok()) << ca.status().to_string();
  const std::vector<std::string> hosts = {"webhook.tools.svc", "webhook.tools.svc.cluster.local",
                                          "127.0.0.1"};
  auto serving = issue_serving_certificate(*ca, hosts, kNow, absl::Hours(24 * 90));
  ASSERT_TRUE(serving.ok()) << serving.status().to_string();

  EXPECT_EQ(verify({ca->certificate}, serving->certificate, "webhook.tools.svc", kNow), "");
  EXPECT_EQ(verify({ca->certificate}, serving->certificate, "127.0.0.1", kNow), "");
  EXPECT_EQ(verify({ca->certificate}, serving->certificate, "other.tools.svc", kNow),
            "hostname mismatch");
  auto other = make_certificate_authority("other-ca", kNow, absl::Hours(24));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(verify({other->certificate}, serving->certificate, "webhook.tools.svc", kNow),
            "unable to get local issuer certificate");
  EXPECT_EQ(verify({other->certificate, ca->certificate}, serving->certificate, "webhook.tools.svc",
                   kNow),
            "")
      << "a bundle of two CAs (a rotation's overlap) trusts either's certificates";
  EXPECT_EQ(verify({ca->certificate}, serving->certificate, "webhook.tools.svc",
                   kNow + absl::Hours(24 * 91)),
            "certificate has expired");
  EXPECT_EQ(serving->certificate.not_after, kNow + absl::Hours(24 * 90));
  EXPECT_EQ(serving->certificate.not_before, kNow - absl::Hours(1)) << "backdated for clock skew";
}

TEST(CertificatesTest, AServingCertificateNeverOutlivesItsCa) {
  auto ca = make_certificate_authority("webhook-ca", kNow, absl::Hours(10));
  ASSERT_TRUE(ca.ok());
  auto serving = issue_serving_certificate(*ca, std::vector<std::string>{"a.b.svc"}, kNow,
                                           absl::Hours(24 * 90));
  ASSERT_TRUE(serving.ok());
  EXPECT_EQ(serving->certificate.not_after, ca->certificate.not_after);
}

TEST(CertificatesTest, BundlesRoundTripAndFingerprintsTellCertificatesApart) {
  auto a = make_certificate_authority("a", kNow, absl::Hours(1));
  auto b = make_certificate_authority("b", kNow, absl::Hours(2));
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<Certificate> bundle = {a->certificate, b->certificate};
  auto parsed = parse_certificates(bundle_pem(bundle));
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 2U);
  EXPECT_EQ((*parsed)[0].fingerprint, a->certificate.fingerprint);
  EXPECT_EQ((*parsed)[1].fingerprint, b->certificate.fingerprint);
  EXPECT_NE(a->certificate.fingerprint, b->certificate.fingerprint);
  EXPECT_EQ((*parsed)[1].not_after, kNow + absl::Hours(2));
  EXPECT_EQ(parse_certificates("not pem").status().code(), util::StatusCode::kInvalidArgument);
}

TEST(CertificatesTest, ABadHostIsRefused) {
  auto ca = make_certificate_authority("ca", kNow, absl::Hours(1));
  ASSERT_TRUE(ca.ok());
  auto serving =
      issue_serving_certificate(*ca, std::vector<std::string>{"bad host"}, kNow, absl::Hours(1));
  EXPECT_EQ(serving.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_THAT(serving.status().message(), HasSubstr("'bad host' is neither a DNS name nor an IP"));
}

TEST(CertificatesTest, AnIssuedPairIsAKeyPairAndAForeignKeyIsNot) {
  auto ca = make_certificate_authority("ca", kNow, absl::Hours(1));
  ASSERT_TRUE(ca.ok());
  auto serving =
      issue_serving_certificate(*ca, std::vector<std::string>{"a.svc"}, kNow, absl::Hours(1));
  ASSERT_TRUE(serving.ok());
  auto pair = parse_key_pair(serving->certificate.pem, serving->key_pem);
  ASSERT_TRUE(pair.ok()) << pair.status().to_string();
  EXPECT_EQ((*pair)->chain.size(), 1U);
  auto mismatched = parse_key_pair(serving->certificate.pem, ca->key_pem);
  EXPECT_EQ(mismatched.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("the key is not the certificate's"));
}

}  // namespace
}  // namespace tls
