// StsClient against http::testing::FakeTransport: the exact request bytes, and
// every error path (AWS errors, retries, timeouts, malformed answers, cancel).
#include "pkg/aws/sts_client.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/aws_error.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/util/fake_clock.h"

namespace aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

// 2026-01-02T03:04:05Z
constexpr absl::Time kNow = absl::FromUnixSeconds(1767323045);

Credentials caller(bool with_token = true) {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = util::SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  if (with_token) c.session_token = util::SecretString("FwoGZXIvYXdzEXAMPLETOKEN");
  c.source = "test";
  return c;
}

// SigV4 written out by hand for one known request, with OpenSSL directly, so
// the signer is checked against an independent computation.
std::string hex(const unsigned char* p, size_t n) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(k[p[i] >> 4]);
    out.push_back(k[p[i] & 15]);
  }
  return out;
}
std::string sha256_hex(const std::string& s) {
  unsigned char d[32];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return hex(d, 32);
}
std::string hmac_raw(const std::string& key, const std::string& data) {
  unsigned char d[32];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), d, &n);
  return std::string(reinterpret_cast<char*>(d), n);
}

constexpr std::string_view kSuccessXml =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/app/123456789012.app</Arn>
      <AssumedRoleId>AROA3XFRBF535EXAMPLE:123456789012.app</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLEASSUMED</AccessKeyId>
      <SecretAccessKey>assumedSecretKeyEXAMPLE</SecretAccessKey>
      <SessionToken>assumedSessionTokenEXAMPLE</SessionToken>
      <Expiration>2026-01-02T04:04:05Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>rid-ok</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

std::string error_xml(std::string_view code, std::string_view message, std::string_view rid) {
  return util::cat(R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">)",
                   "<Error><Type>Sender</Type><Code>", code, "</Code><Message>", message,
                   "</Message></Error><RequestId>", rid, "</RequestId></ErrorResponse>");
}

http::Response xml_response(int status, std::string body) {
  return {status, {{"Content-Type", "text/xml"}}, std::move(body)};
}

AssumeRoleRequest app_request() {
  return {.role_arn = "arn:aws:iam::123456789012:role/app",
          .role_session_name = "123456789012.app",
          .duration_seconds = 3600};
}

class StsClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<StsClient> make(StsClientOptions options = {}) {
    options.calls.observer = [this](const ApiAttempt& a) {
      util::MutexLock lock(mu_);
      outcomes_.push_back(
          util::cat(a.operation, " ", a.outcome, " ", a.http_status, " #", a.attempt));
      attempts_changed_.notify_all();
    };
    auto client = StsClient::create(transport_, clock_, std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return std::move(client).value();
  }

  // Blocks (at most 10 s of real time) until `n` attempts were observed.
  bool await_attempts(size_t n) {
    util::RealClock real;
    const util::MonotonicTime deadline = real.monotonic_now() + absl::Seconds(10);
    util::MutexLock lock(mu_);
    while (outcomes_.size() < n) {
      if (real.wait_until(attempts_changed_, mu_, deadline)) return outcomes_.size() >= n;
    }
    return true;
  }

  // Runs `call` on its own thread, stepping the fake clock through `retries`
  // backoff waits (each at most 30 s: 20 s cap + 50 % jitter). Each step
  // happens once attempt i+1 is over and the client waits again.
  template <typename F>
  auto with_retries(int retries, F call) {
    const size_t before = outcomes().size();
    auto future = std::async(std::launch::async, call);
    for (int i = 0; i < retries; ++i) {
      EXPECT_TRUE(await_attempts(before + i + 1)) << "no attempt " << i + 1;
      EXPECT_TRUE(clock_.await_waiters(1)) << "no backoff wait for retry " << i + 1;
      clock_.step(absl::Seconds(31));
    }
    return future.get();
  }

  std::vector<std::string> outcomes() {
    util::MutexLock lock(mu_);
    return outcomes_;
  }

  http::testing::FakeTransport transport_;
  util::testing::FakeClock clock_{kNow};
  util::Mutex mu_;
  util::CondVar attempts_changed_;
  std::vector<std::string> outcomes_ ABSL_GUARDED_BY(mu_);
};

TEST_F(StsClientTest, AssumeRoleSendsExactlyTheSignedForm) {
  auto client = make();
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  const util::StatusOr<AssumeRoleResult> result = client->assume_role(app_request(), caller());
  ASSERT_TRUE(result.ok()) << result.status();

  const std::vector<http::Request> sent = transport_.requests();
  ASSERT_EQ(sent.size(), 1u);
  const http::Request& r = sent[0];
  EXPECT_EQ(r.method, http::Method::kPost);
  EXPECT_EQ(r.url, "https://sts.amazonaws.com/");
  const std::string body =
      "Action=AssumeRole&Version=2011-06-15"
      "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp"
      "&RoleSessionName=123456789012.app&DurationSeconds=3600";
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.headers.get("X-Amz-Date"), "20260102T030405Z");
  EXPECT_EQ(r.headers.get("X-Amz-Security-Token"), "FwoGZXIvYXdzEXAMPLETOKEN");
  EXPECT_EQ(r.headers.get("User-Agent"), "kube-aws-iam-controller");

  const std::string canonical =
      util::cat("POST\n/\n\n", "content-type:application/x-www-form-urlencoded; charset=utf-8\n",
                "host:sts.amazonaws.com\n", "x-amz-date:20260102T030405Z\n",
                "x-amz-security-token:FwoGZXIvYXdzEXAMPLETOKEN\n\n",
                "content-type;host;x-amz-date;x-amz-security-token\n", sha256_hex(body));
  const std::string to_sign =
      util::cat("AWS4-HMAC-SHA256\n20260102T030405Z\n", "20260102/us-east-1/sts/aws4_request\n",
                sha256_hex(canonical));
  std::string key = hmac_raw("AWS4wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20260102");
  key = hmac_raw(key, "us-east-1");
  key = hmac_raw(key, "sts");
  key = hmac_raw(key, "aws4_request");
  const std::string mac = hmac_raw(key, to_sign);
  EXPECT_EQ(
      r.headers.get("Authorization"),
      util::cat("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/us-east-1/sts/aws4_request, "
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=",
                hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size())));

  EXPECT_EQ(result->credentials.access_key_id, "ASIAEXAMPLEASSUMED");
  EXPECT_EQ(result->credentials.secret_access_key.reveal(), "assumedSecretKeyEXAMPLE");
  EXPECT_EQ(result->credentials.session_token.reveal(), "assumedSessionTokenEXAMPLE");
  EXPECT_EQ(result->credentials.expiration, *util::parse_rfc3339("2026-01-02T04:04:05Z"));
  EXPECT_EQ(result->credentials.source, "sts:AssumeRole arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(result->assumed_role_user.arn,
            "arn:aws:sts::123456789012:assumed-role/app/123456789012.app");
  EXPECT_EQ(result->request_id, "rid-ok");
  EXPECT_THAT(outcomes(), ElementsAre("AssumeRole OK 200 #1"));
}

TEST_F(StsClientTest, RegionalOverrideAndLongTermKeys) {
  auto client =
      make({.endpoint = {.region = "eu-west-1", .endpoint_override = "http://127.0.0.1:4566"}});
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  ASSERT_TRUE(client->assume_role(app_request(), caller(/*with_token=*/false)).ok());
  const http::Request r = *transport_.last_request();
  EXPECT_EQ(r.url, "http://127.0.0.1:4566/");
  EXPECT_FALSE(r.headers.get("X-Amz-Security-Token").has_value());
  EXPECT_THAT(std::string(*r.headers.get("Authorization")),
              HasSubstr("Credential=AKIDEXAMPLE/20260102/eu-west-1/sts/aws4_request, "
                        "SignedHeaders=content-type;host;x-amz-date, "));
}

TEST_F(StsClientTest, AccessDeniedIsTerminalAndReadsWellInAnEvent) {
  auto client = make();
  transport_.push_response(xml_response(
      403, error_xml("AccessDenied",
                     "User: arn:aws:iam::123456789012:user/ctl is not authorized to perform: "
                     "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app",
                     "1234")));
  const util::Status status = client->assume_role(app_request(), caller()).status();
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "AccessDenied: User: arn:aws:iam::123456789012:user/ctl is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app (request id 1234)");
  EXPECT_EQ(aws_error_code(status), "AccessDenied");
  EXPECT_EQ(transport_.requests().size(), 1u);
  EXPECT_THAT(outcomes(), ElementsAre("AssumeRole AccessDenied 403 #1"));
}

TEST_F(StsClientTest, ValidationErrorsAreTerminal) {
  auto client = make();
  transport_.push_response(xml_response(
      400,
      error_xml("ValidationError",
                "1 validation error detected: Value 'a b' at 'roleSessionName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
                "r1")));
  transport_.push_response(xml_response(
      400, error_xml("ValidationError",
                     "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                     "assumed by role chaining.",
                     "r2")));
  AssumeRoleRequest bad_name = app_request();
  bad_name.role_session_name = "a b";
  const util::Status name = client->assume_role(bad_name, caller()).status();
  EXPECT_EQ(name.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(name.message(), HasSubstr("ValidationError: 1 validation error detected"));
  AssumeRoleRequest long_duration = app_request();
  long_duration.duration_seconds = 7200;
  const util::Status duration = client->assume_role(long_duration, caller()).status();
  EXPECT_EQ(duration.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(duration.message(), HasSubstr("exceeds the 1 hour session limit"));
  EXPECT_EQ(aws_error_code(duration), "ValidationError");
  EXPECT_TRUE(is_role_chaining_limit_error(duration));
  EXPECT_FALSE(is_role_chaining_limit_error(name));
  // Only STS's own answer counts, not text that merely mentions it.
  EXPECT_FALSE(is_role_chaining_limit_error(
      util::invalid_argument_error("ValidationError: exceeds the limit of role chaining")));
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST_F(StsClientTest, ThrottlingIsRetriedThenSucceeds) {
  auto client = make();
  transport_.push_response(xml_response(400, error_xml("Throttling", "Rate exceeded", "t1")));
  transport_.push_response(xml_response(400, error_xml("Throttling", "Rate exceeded", "t2")));
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  const auto result = with_retries(2, [&] { return client->assume_role(app_request(), caller()); });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(transport_.requests().size(), 3u);
  EXPECT_THAT(outcomes(), ElementsAre("AssumeRole Throttling 400 #1",
                                      "AssumeRole Throttling 400 #2", "AssumeRole OK 200 #3"));
  // Each attempt is signed at its own time: the clock moved 31 s per retry.
  EXPECT_EQ(transport_.requests()[2].headers.get("X-Amz-Date"), "20260102T030507Z");
}

TEST_F(StsClientTest, ThrottlingUntilAttemptsAreExhausted) {
  auto client = make({.calls = {.max_attempts = 3}});
  for (int i = 0; i < 3; ++i) {
    transport_.push_response(
        xml_response(400, error_xml("Throttling", "Rate exceeded", util::cat("t", i))));
  }
  const util::Status status =
      with_retries(2, [&] { return client->assume_role(app_request(), caller()); }).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "Throttling: Rate exceeded (request id t2); gave up after 3 attempts");
  EXPECT_EQ(aws_error_code(status), "Throttling");
  EXPECT_EQ(transport_.requests().size(), 3u);
}

TEST_F(StsClientTest, ServerErrorsAndTimeoutsAreRetried) {
  auto client = make({.calls = {.max_attempts = 4}});
  transport_.push_response({500, {}, "<html>Internal Server Error</html>"});
  transport_.push_error(util::deadline_exceeded_error("timeout after 10s"));
  transport_.push_error(util::unavailable_error("connect to sts.amazonaws.com:443 failed"));
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  const auto result = with_retries(3, [&] { return client->assume_role(app_request(), caller()); });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(outcomes(), ElementsAre("AssumeRole HTTP500 500 #1", "AssumeRole Timeout 0 #2",
                                      "AssumeRole ConnectionError 0 #3", "AssumeRole OK 200 #4"));
}

TEST_F(StsClientTest, ServerErrorUntilExhausted) {
  auto client = make({.calls = {.max_attempts = 2}});
  transport_.push_response(xml_response(503, error_xml("ServiceUnavailable", "try later", "u1")));
  transport_.push_response({502, {}, "Bad Gateway"});
  const util::Status status =
      with_retries(1, [&] { return client->assume_role(app_request(), caller()); }).status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "STS AssumeRole: HTTP 502 without an AWS error document; gave up after 2 attempts");
}

TEST_F(StsClientTest, TimeoutUntilExhausted) {
  auto client = make({.calls = {.max_attempts = 2}});
  transport_.push_error(util::deadline_exceeded_error("timeout after 10s"));
  transport_.push_error(util::deadline_exceeded_error("timeout after 10s"));
  const util::Status status =
      with_retries(1, [&] { return client->assume_role(app_request(), caller()); }).status();
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status.message(), "STS AssumeRole: timeout after 10s; gave up after 2 attempts");
  EXPECT_EQ(aws_error_code(status), "");
}

TEST_F(StsClientTest, MalformedAndUnexpectedAnswersAreNotRetried) {
  auto client = make();
  transport_.push_response(xml_response(200,
                                        "<AssumeRoleResponse><AssumeRoleResult>"
                                        "<Credentials><SecretAccessKey>s3cr3t"));
  transport_.push_response({200, {{"Content-Type", "text/html"}}, "<html>captive portal</html>"});
  transport_.push_response({400, {}, "Bad Request"});
  const util::Status truncated = client->assume_role(app_request(), caller()).status();
  EXPECT_EQ(truncated.code(), StatusCode::kInternal);
  EXPECT_EQ(truncated.message(),
            "malformed STS AssumeRole response: not well-formed XML; HTTP 200");
  EXPECT_THAT(truncated.message(), Not(HasSubstr("s3cr3t")));
  const util::Status html = client->assume_role(app_request(), caller()).status();
  EXPECT_EQ(html.code(), StatusCode::kInternal);
  EXPECT_THAT(html.message(), HasSubstr("root element is <html>"));
  const util::Status plain_400 = client->assume_role(app_request(), caller()).status();
  EXPECT_EQ(plain_400.code(), StatusCode::kInternal);
  EXPECT_EQ(plain_400.message(), "STS AssumeRole: HTTP 400 without an AWS error document");
  EXPECT_EQ(transport_.requests().size(), 3u);
  EXPECT_THAT(outcomes(),
              ElementsAre("AssumeRole MalformedResponse 200 #1",
                          "AssumeRole MalformedResponse 200 #1", "AssumeRole HTTP400 400 #1"));
}

TEST_F(StsClientTest, StopDuringBackoffCancels) {
  auto client = make();
  transport_.push_response(xml_response(400, error_xml("Throttling", "Rate exceeded", "t1")));
  std::stop_source stop;
  auto future = std::async(std::launch::async, [&] {
    return client->assume_role(app_request(), caller(), stop.get_token());
  });
  ASSERT_TRUE(clock_.await_waiters(1));
  stop.request_stop();
  const util::Status status = future.get().status();
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(StsClientTest, IncompleteCallerCredentialsAreRefusedBeforeSending) {
  auto client = make();
  Credentials empty;
  empty.source = "environment";
  const util::Status status = client->assume_role(app_request(), empty).status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("credentials from environment lack"));
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(StsClientTest, WebIdentityIsUnsignedAndKeepsTheTokenOutOfErrors) {
  auto client = make();
  transport_.push_response(xml_response(
      400, error_xml("InvalidIdentityToken",
                     "Couldn't retrieve verification key from your identity provider", "w1")));
  AssumeRoleWithWebIdentityRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/irsa";
  request.role_session_name = "kaic";
  request.web_identity_token = util::SecretString("eyJhbGciOiJSUzI1NiJ9.SECRET.sig");
  const util::Status status = client->assume_role_with_web_identity(request).status();
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), Not(HasSubstr("SECRET")));
  const http::Request r = *transport_.last_request();
  EXPECT_FALSE(r.headers.get("Authorization").has_value());
  EXPECT_EQ(r.body,
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Firsa&RoleSessionName=kaic"
            "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.SECRET.sig");
}

TEST_F(StsClientTest, GetCallerIdentity) {
  auto client = make();
  transport_.push_response(xml_response(
      200, R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>
  <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>gci</RequestId></ResponseMetadata></GetCallerIdentityResponse>)"));
  const util::StatusOr<CallerIdentity> who = client->get_caller_identity(caller());
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->arn, "arn:aws:iam::123456789012:user/Alice");
  EXPECT_EQ(transport_.last_request()->body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_TRUE(transport_.last_request()->headers.get("Authorization").has_value());
}

TEST_F(StsClientTest, RateLimitWaitsOnTheClock) {
  // qps 1, burst 1: the second call must wait ~1 s of (fake) time for a token.
  auto client = make({.calls = {.qps = 1, .burst = 1}});
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  transport_.push_response(xml_response(200, std::string(kSuccessXml)));
  ASSERT_TRUE(client->assume_role(app_request(), caller()).ok());
  auto second =
      std::async(std::launch::async, [&] { return client->assume_role(app_request(), caller()); });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_EQ(transport_.requests().size(), 1u);
  clock_.step(absl::Seconds(1));
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(transport_.requests().size(), 2u);
}

TEST(StsClientCreateTest, ValidatesOptions) {
  http::testing::FakeTransport transport;
  util::testing::FakeClock clock;
  EXPECT_EQ(StsClient::create(transport, clock, {.calls = {.max_attempts = 0}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StsClient::create(transport, clock, {.calls = {.burst = 0}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(StsClient::create(transport, clock, {.timeout = absl::ZeroDuration()}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      StsClient::create(transport, clock, {.endpoint = {.region = "bad region"}}).status().code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace aws
