// What one STS AssumeRole costs this process besides the network: building
// and signing the request, and parsing the response.
#include <benchmark/benchmark.h>

#include <string>

#include "pkg/aws/sigv4.h"
#include "pkg/aws/sts_response.h"
#include "pkg/aws/sts_types.h"

namespace {

aws::Credentials caller() {
  aws::Credentials c;
  c.access_key_id = "ASIAIOSFODNN7EXAMPLE";
  c.secret_access_key = util::SecretString("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  // Session tokens of assumed roles are several hundred bytes.
  c.session_token = util::SecretString(std::string(700, 'T'));
  c.source = "bench";
  return c;
}

aws::AssumeRoleRequest request() {
  return {.role_arn = "arn:aws:iam::123456789012:role/team/app/my-role",
          .role_session_name = "123456789012.t.a.my-role",
          .duration_seconds = 3600};
}

// Form encoding + SigV4 over the resulting http::Request (what StsClient does per attempt).
void bm_sign_assume_role_request(benchmark::State& state) {
  const aws::Credentials creds = caller();
  const absl::Time now = absl::FromUnixSeconds(1767323045);
  const aws::sigv4::SigningOptions options{.region = "us-east-1", .service = "sts"};
  for (auto _ : state) {
    http::Request r;
    r.method = http::Method::kPost;
    r.url = "https://sts.amazonaws.com/";
    r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    r.body = request().to_form();
    const util::Status status = aws::sigv4::sign_request(r, creds, now, options);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(bm_sign_assume_role_request);

// The signature alone (derive key + HMAC over a prepared canonical request).
void bm_signature_prepared(benchmark::State& state) {
  const aws::Credentials creds = caller();
  const absl::Time now = absl::FromUnixSeconds(1767323045);
  aws::sigv4::SignableRequest req;
  req.method = "POST";
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"Host", "sts.amazonaws.com"}};
  req.payload_hash = aws::sigv4::hex_sha256(request().to_form());
  for (auto _ : state) {
    auto result = aws::sigv4::sign(req, creds, now, {.region = "us-east-1", .service = "sts"});
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(bm_signature_prepared);

const std::string& response_xml() {
  static const std::string kXml =
      std::string(R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/my-role/123456789012.t.a.my-role</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:123456789012.t.a.my-role</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>)") +
      std::string(700, 'T') + R"(</SessionToken>
      <Expiration>2026-01-02T04:04:05Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
)";
  return kXml;
}

void bm_parse_assume_role_response(benchmark::State& state) {
  const std::string& xml = response_xml();
  for (auto _ : state) {
    auto result = aws::parse_assume_role_response(xml);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * xml.size()));
}
BENCHMARK(bm_parse_assume_role_response);

constexpr std::string_view kError =
    R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>1234</RequestId>
</ErrorResponse>)";

void bm_parse_error_response(benchmark::State& state) {
  for (auto _ : state) {
    auto result = aws::parse_error_response(kError);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(bm_parse_error_response);

}  // namespace

BENCHMARK_MAIN();
