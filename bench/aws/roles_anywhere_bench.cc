// What one IAM Roles Anywhere CreateSession costs this process besides the
// network: SigV4-X509 signing with the certificate's key (RSA 2048 or ECDSA
// P-256, from tests/pki/make_test_pki.sh), and parsing the answer.
#include <benchmark/benchmark.h>

#include <string>

#include "absl/time/clock.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/sigv4_x509.h"
#include "tests/pki/test_pki.h"

namespace {

std::shared_ptr<const aws::X509Identity> identity(const std::string& name) {
  const pki::testing::TestPki& pki = pki::testing::TestPki::instance();
  return aws::X509Identity::load({.certificate = pki.read(name + ".pem"),
                                  .private_key = util::SecretString(pki.read(name + ".key")),
                                  .chain = pki.read("chain.pem")},
                                 absl::Now())
      .value();
}

// A CreateSession request signed as the client signs it per attempt.
void bm_sign_create_session(benchmark::State& state, const std::string& key) {
  const auto signer = identity(key);
  const absl::Time now = absl::Now();
  const std::string body =
      R"({"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",)"
      R"("roleArn":"arn:aws:iam::123456789012:role/team/app/my-role","trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"})";
  for (auto _ : state) {
    http::Request r;
    r.method = http::Method::kPost;
    r.url = "https://rolesanywhere.us-east-1.amazonaws.com/sessions";
    r.headers.add("Content-Type", "application/json");
    r.body = body;
    const util::Status status = aws::sigv4::sign_request_x509(r, *signer, now, "us-east-1");
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK_CAPTURE(bm_sign_create_session, rsa2048, std::string("rsa"));
BENCHMARK_CAPTURE(bm_sign_create_session, ecdsa_p256, std::string("ec"));

void bm_parse_create_session_response(benchmark::State& state) {
  const std::string json =
      R"({"credentialSet":[{"assumedRoleUser":{"arn":"arn:aws:sts::123456789012:assumed-role/my-role/2bce94d08e195601633c2a95022eb1c24d79a367","assumedRoleId":"AROAEXAMPLEID0000000:2bce94d08e195601633c2a95022eb1c24d79a367"},"credentials":{"accessKeyId":"ASIAEXAMPLEKEYID0000","expiration":"2026-12-06T10:00:00Z","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","sessionToken":")" +
      std::string(700, 'T') +
      R"("},"packedPolicySize":0,"roleArn":"arn:aws:iam::123456789012:role/my-role","sourceIdentity":"CN=app"}],"subjectArn":"arn:aws:rolesanywhere:us-east-1:123456789012:subject/s"})";
  for (auto _ : state) {
    auto result = aws::parse_create_session_response(json);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(bm_parse_create_session_response);

}  // namespace
