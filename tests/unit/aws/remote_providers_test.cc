// Providers that fetch over HTTP, against http::testing::FakeTransport: IMDSv2,
// the container endpoint, web identity, assume role, and the default chain.
#include <future>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/providers/assume_role_provider.h"
#include "pkg/aws/providers/container_provider.h"
#include "pkg/aws/providers/default_chain.h"
#include "pkg/aws/providers/imds_client.h"
#include "pkg/aws/providers/imds_provider.h"
#include "pkg/aws/providers/web_identity_provider.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/support/aws/fake_credentials_provider.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/aws/temp_dir.h"

namespace aws {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

constexpr absl::Time kNow = absl::FromUnixSeconds(1767323045);  // 2026-01-02T03:04:05Z

constexpr std::string_view kImdsCredentials = R"({
  "Code" : "Success",
  "LastUpdated" : "2026-01-02T02:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIMDS",
  "SecretAccessKey" : "imdssecret",
  "Token" : "imdstoken",
  "Expiration" : "2026-01-02T09:00:00Z"
})";

std::string describe(const http::Request& r) {
  return util::cat(http::method_name(r.method), " ", r.url);
}

class ImdsTest : public ::testing::Test {
 protected:
  std::unique_ptr<ImdsClient> client(ImdsOptions options = {}) {
    options.endpoint = "http://169.254.169.254";
    options.retry_delay = absl::ZeroDuration();
    auto c = ImdsClient::create(transport_, clock_, options);
    EXPECT_TRUE(c.ok()) << c.status();
    return std::move(c).value();
  }
  // An IMDS that issues token "tok-N" (N counts PUTs) and checks it on GETs.
  void serve_imds() {
    transport_.set_handler([this](const http::Request& r) -> util::StatusOr<http::Response> {
      const std::string path = r.url.substr(std::string("http://169.254.169.254").size());
      if (r.method == http::Method::kPut && path == "/latest/api/token") {
        if (r.headers.get("X-aws-ec2-metadata-token-ttl-seconds") != "21600") {
          return http::Response{400, {}, ""};
        }
        return http::Response{200, {}, util::cat("tok-", ++puts_)};
      }
      if (r.headers.get("X-aws-ec2-metadata-token") != util::cat("tok-", puts_)) {
        return http::Response{401, {}, ""};
      }
      if (path == "/latest/meta-data/iam/security-credentials/")
        return http::Response{200, {}, "node-role\n"};
      if (path == "/latest/meta-data/iam/security-credentials/node-role") {
        return http::Response{200, {}, std::string(kImdsCredentials)};
      }
      if (path == "/latest/meta-data/iam/info") {
        return http::Response{
            200,
            {},
            R"({"Code":"Success","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/nodes","InstanceProfileId":"AIPA"})"};
      }
      return http::Response{404, {}, ""};
    });
  }

  http::testing::FakeTransport transport_;
  util::testing::FakeClock clock_{kNow};
  int puts_ = 0;  // only touched by the handler, on the calling thread
};

TEST_F(ImdsTest, ProviderFetchesTokenRoleAndCredentials) {
  serve_imds();
  const std::unique_ptr<ImdsClient> imds = client();
  ImdsProvider provider(*imds, /*disabled=*/false);
  const util::StatusOr<Credentials> c = provider.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(c->secret_access_key.reveal(), "imdssecret");
  EXPECT_EQ(c->session_token.reveal(), "imdstoken");
  EXPECT_EQ(c->expiration, *util::parse_rfc3339("2026-01-02T09:00:00Z"));
  EXPECT_EQ(c->source, "imds (role node-role)");
  std::vector<std::string> calls;
  for (const auto& r : transport_.requests())
    calls.push_back(describe(r));
  EXPECT_THAT(
      calls, ElementsAre(
                 "PUT http://169.254.169.254/latest/api/token",
                 "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                 "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/node-role"));
}

TEST_F(ImdsTest, TokenIsCachedUntilItsTtl) {
  serve_imds();
  auto imds = client({.token_ttl = absl::Hours(6)});
  ASSERT_TRUE(imds->role_name().ok());
  ASSERT_TRUE(imds->role_name().ok());
  EXPECT_EQ(puts_, 1);
  clock_.step(absl::Hours(6) - absl::Minutes(2));
  ASSERT_TRUE(imds->role_name().ok());
  EXPECT_EQ(puts_, 1);
  clock_.step(absl::Minutes(1));  // within a minute of the TTL: a new token
  ASSERT_TRUE(imds->role_name().ok());
  EXPECT_EQ(puts_, 2);
}

TEST_F(ImdsTest, RejectedTokenIsReplacedOnce) {
  serve_imds();
  auto imds = client();
  ASSERT_TRUE(imds->role_name().ok());
  ++puts_;  // the service forgot our token (e.g. restarted): next GET gets 401
  const util::StatusOr<std::string> role = imds->role_name();
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(*role, "node-role");
}

TEST_F(ImdsTest, ATokenRefusedTwiceIsUnauthenticated) {
  transport_.set_handler([](const http::Request& r) -> util::StatusOr<http::Response> {
    if (r.method == http::Method::kPut) return http::Response{200, {}, "tok"};
    return http::Response{401, {}, ""};
  });
  const util::Status refused = client()->role_name().status();
  EXPECT_EQ(refused.code(), StatusCode::kUnauthenticated);
  ASSERT_NE(refused.detail(), nullptr);
  EXPECT_EQ(refused.detail()->http_status, 401);
  EXPECT_EQ(transport_.requests().size(), 4u);  // PUT, GET, new PUT, GET
}

TEST_F(ImdsTest, InstanceProfileArnForBaseRoleDiscovery) {
  serve_imds();
  const util::StatusOr<std::string> arn = client()->instance_profile_arn();
  ASSERT_TRUE(arn.ok()) << arn.status();
  EXPECT_EQ(*arn, "arn:aws:iam::123456789012:instance-profile/nodes");
}

TEST_F(ImdsTest, Errors) {
  transport_.push_error(util::unavailable_error("connect to 169.254.169.254:80 failed"));
  transport_.push_error(util::unavailable_error("connect to 169.254.169.254:80 failed"));
  transport_.push_error(util::unavailable_error("connect to 169.254.169.254:80 failed"));
  const util::Status down = ImdsProvider(*client(), false).credentials().status();
  EXPECT_EQ(down.code(), StatusCode::kUnavailable);
  EXPECT_EQ(down.message(), "PUT /latest/api/token: connect to 169.254.169.254:80 failed");
  EXPECT_EQ(transport_.requests().size(), 3u);  // bounded retries

  transport_.push_response({403, {}, ""});
  EXPECT_EQ(ImdsProvider(*client(), false).credentials().status().code(),
            StatusCode::kPermissionDenied);

  transport_.push_response({200, {}, "tok"});
  transport_.push_response({404, {}, ""});
  const util::Status no_role = ImdsProvider(*client(), false).credentials().status();
  EXPECT_EQ(no_role.code(), StatusCode::kNotFound);
  EXPECT_EQ(no_role.message(), "no IAM role attached to this instance");

  transport_.push_response({200, {}, "tok"});
  transport_.push_response({200, {}, "r"});
  transport_.push_response(
      {200, {}, R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"})"});
  const util::Status bad_code = ImdsProvider(*client(), false).credentials().status();
  EXPECT_THAT(bad_code.message(), HasSubstr("Code 'AssumeRoleUnauthorizedAccess': denied"));

  transport_.push_response({200, {}, "tok"});
  transport_.push_response({200, {}, "r"});
  transport_.push_response({200,
                            {},
                            R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"leak"})"
                            "garbage"});
  const util::Status malformed = ImdsProvider(*client(), false).credentials().status();
  EXPECT_EQ(malformed.code(), StatusCode::kInternal);
  EXPECT_THAT(malformed.message(), Not(HasSubstr("leak")));
}

TEST_F(ImdsTest, RetriesWaitOnTheClock) {
  auto c = ImdsClient::create(transport_, clock_, {.retry_delay = absl::Milliseconds(200)});
  ASSERT_TRUE(c.ok());
  transport_.push_response({503, {}, ""});
  transport_.push_response({200, {}, "tok"});
  transport_.push_response({200, {}, "role-x"});
  auto future = std::async(std::launch::async, [&] { return (*c)->role_name(); });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_EQ(transport_.requests().size(), 1u);
  clock_.step(absl::Milliseconds(200));
  const util::StatusOr<std::string> role = future.get();
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(*role, "role-x");
}

TEST_F(ImdsTest, DisabledAndEndpointFromEnvironment) {
  EXPECT_TRUE(imds_disabled(fixed_env({{"AWS_EC2_METADATA_DISABLED", "TRUE"}})));
  EXPECT_FALSE(imds_disabled(fixed_env({})));
  const util::Status disabled = ImdsProvider(*client(), true).credentials().status();
  EXPECT_EQ(disabled.code(), StatusCode::kNotFound);
  EXPECT_TRUE(transport_.requests().empty());
  EXPECT_EQ(imds_options_from_env(
                fixed_env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/"}}))
                .endpoint,
            "http://127.0.0.1:9");
  EXPECT_EQ(imds_options_from_env(fixed_env({})).endpoint, "http://169.254.169.254");
  EXPECT_FALSE(ImdsClient::create(transport_, clock_, {.endpoint = "169.254.169.254"}).ok());
}

constexpr std::string_view kContainerJson =
    R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"contsecret","Token":"conttoken","Expiration":"2026-01-02T09:00:00Z","RoleArn":"arn:aws:iam::1:role/task"})";

class ContainerTest : public ::testing::Test {
 protected:
  util::StatusOr<Credentials> fetch(std::unordered_map<std::string, std::string> env) {
    ContainerProvider provider(
        transport_, clock_,
        {.env = fixed_env(std::move(env)), .retry_delay = absl::ZeroDuration()});
    return provider.credentials();
  }
  http::testing::FakeTransport transport_;
  util::testing::FakeClock clock_{kNow};
  testing::TempDir dir_;
};

TEST_F(ContainerTest, RelativeUriWithToken) {
  transport_.push_response({200, {}, std::string(kContainerJson)});
  const util::StatusOr<Credentials> c =
      fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
             {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "bearer-x"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIACONT");
  EXPECT_EQ(c->session_token.reveal(), "conttoken");
  const http::Request r = *transport_.last_request();
  EXPECT_EQ(describe(r), "GET http://169.254.170.2/v2/credentials/abc");
  EXPECT_EQ(r.headers.get("Authorization"), "bearer-x");
}

TEST_F(ContainerTest, FullUriWithTokenFileReReadEachTime) {
  const std::string token_file = dir_.write("token", "first-token\n");
  std::unordered_map<std::string, std::string> env = {
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
      {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored"}};
  transport_.push_response({200, {}, std::string(kContainerJson)});
  transport_.push_response({200, {}, std::string(kContainerJson)});
  ASSERT_TRUE(fetch(env).ok());
  EXPECT_EQ(transport_.last_request()->headers.get("Authorization"), "first-token");
  dir_.write("token", "second-token");
  ASSERT_TRUE(fetch(env).ok());
  EXPECT_EQ(transport_.last_request()->headers.get("Authorization"), "second-token");
}

TEST_F(ContainerTest, FullUriHostsAsTheSdksAllow) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "169.254.170.2",
                           "169.254.170.23", "fd00:ec2::23"}) {
    EXPECT_TRUE(container_host_allowed(host)) << host;
  }
  for (const char* host : {"example.com", "10.0.0.1", "169.254.169.254", "fd00:ec2::24", ""}) {
    EXPECT_FALSE(container_host_allowed(host)) << host;
  }
  EXPECT_EQ(url_host("http://[::1]:8080/x"), "::1");
  EXPECT_EQ(url_host("http://user@LOCALHOST:1/x"), "localhost");
  const util::Status remote =
      fetch({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://evil.example.com/creds"}}).status();
  EXPECT_EQ(remote.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(remote.message(), HasSubstr("host 'evil.example.com' is not allowed"));
  transport_.push_response({200, {}, std::string(kContainerJson)});
  EXPECT_TRUE(fetch({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:34567/creds"}}).ok());
}

TEST_F(ContainerTest, Errors) {
  EXPECT_EQ(fetch({}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1"}})
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"},
                   {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/token"}})
                .status()
                .code(),
            StatusCode::kFailedPrecondition);

  transport_.push_response({403, {}, R"({"code":"AccessDeniedException","message":"bad token"})"});
  const util::Status denied = fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"},
                                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret-bearer"}})
                                  .status();
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.message(),
            "GET http://169.254.170.2/v2: HTTP 403: AccessDeniedException bad token");
  EXPECT_THAT(denied.message(), Not(HasSubstr("secret-bearer")));
  ASSERT_NE(denied.detail(), nullptr);
  EXPECT_EQ(denied.detail()->http_status, 403);
  // The same table as every other client: 401 is "who are you", not "no".
  transport_.push_response({401, {}, ""});
  EXPECT_EQ(fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"}}).status().code(),
            StatusCode::kUnauthenticated);

  transport_.clear();
  for (int i = 0; i < 3; ++i)
    transport_.push_response({500, {}, "oops"});
  const util::Status down = fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"}}).status();
  EXPECT_EQ(down.code(), StatusCode::kUnavailable);
  EXPECT_EQ(transport_.requests().size(), 3u);

  transport_.push_response({200, {}, R"({"AccessKeyId":"A"})"});
  EXPECT_THAT(fetch({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2"}}).status().message(),
              HasSubstr("credentials response has no SecretAccessKey"));
}

constexpr std::string_view kWebIdentityXml =
    R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials><AccessKeyId>ASIAIRSA</AccessKeyId><SecretAccessKey>irsasecret</SecretAccessKey>
    <SessionToken>irsatoken</SessionToken><Expiration>2026-01-02T04:04:05Z</Expiration></Credentials>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>w</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)";

class StsProvidersTest : public ::testing::Test {
 protected:
  StsProvidersTest() { sts_ = std::move(StsClient::create(transport_, clock_, {}).value()); }
  http::testing::FakeTransport transport_;
  util::testing::FakeClock clock_{kNow};
  std::unique_ptr<StsClient> sts_;
  testing::TempDir dir_;
};

TEST_F(StsProvidersTest, WebIdentityReadsTheTokenFileEachTime) {
  const std::string token_file = dir_.write("token", "eyJ.first.sig\n");
  WebIdentityProvider provider(fixed_env({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"},
                                          {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}}),
                               *sts_);
  transport_.push_response({200, {}, std::string(kWebIdentityXml)});
  transport_.push_response({200, {}, std::string(kWebIdentityXml)});
  const util::StatusOr<Credentials> c = provider.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIAIRSA");
  EXPECT_EQ(c->source, "web identity arn:aws:iam::123456789012:role/irsa");
  EXPECT_THAT(transport_.last_request()->body,
              HasSubstr("&RoleSessionName=kube-aws-iam-controller&WebIdentityToken=eyJ.first.sig"));
  dir_.write("token", "eyJ.second.sig");
  ASSERT_TRUE(provider.credentials().ok());
  EXPECT_THAT(transport_.last_request()->body, HasSubstr("WebIdentityToken=eyJ.second.sig"));
}

TEST_F(StsProvidersTest, WebIdentityConfigurationErrors) {
  EXPECT_EQ(WebIdentityProvider(fixed_env({}), *sts_).credentials().status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      WebIdentityProvider(fixed_env({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/x"}}), *sts_)
          .credentials()
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_THAT(WebIdentityProvider(fixed_env({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:user/x"},
                                             {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}}),
                                  *sts_)
                  .credentials()
                  .status()
                  .message(),
              HasSubstr("AWS_ROLE_ARN: invalid role ARN"));
  EXPECT_EQ(WebIdentityProvider(fixed_env({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/x"},
                                           {"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent"}}),
                                *sts_)
                .credentials()
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(StsProvidersTest, AssumeRoleUsesTheSourceAsCaller) {
  testing::FakeCredentialsProvider base("base");
  base.set(testing::test_credentials("BASE", kNow + absl::Hours(1)));
  AssumeRoleProvider intermediate(
      base, *sts_,
      {.role = *RoleArn::parse("arn:aws:iam::123456789012:role/team/intermediate"),
       .duration_seconds = 3600,
       .external_id = "cluster-1"});
  EXPECT_EQ(intermediate.name(), "assume-role arn:aws:iam::123456789012:role/team/intermediate");
  transport_.push_response({200, {}, R"(<AssumeRoleResponse><AssumeRoleResult><Credentials>
    <AccessKeyId>ASIAMID</AccessKeyId><SecretAccessKey>midsecret</SecretAccessKey>
    <SessionToken>midtoken</SessionToken><Expiration>2026-01-02T04:04:05Z</Expiration>
    </Credentials></AssumeRoleResult></AssumeRoleResponse>)"});
  const util::StatusOr<Credentials> c = intermediate.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIAMID");
  const http::Request r = *transport_.last_request();
  EXPECT_EQ(r.body,
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteam%2Fintermediate"
            "&RoleSessionName=123456789012.team.intermediate&DurationSeconds=3600"
            "&ExternalId=cluster-1");
  EXPECT_THAT(std::string(*r.headers.get("Authorization")), HasSubstr("Credential=AKIDBASE/"));
  EXPECT_EQ(r.headers.get("X-Amz-Security-Token"), "token-BASE");

  base.set(util::unavailable_error("imds: down"));
  EXPECT_EQ(intermediate.credentials().status(), util::unavailable_error("base: imds: down"));
}

TEST_F(StsProvidersTest, DefaultChainPrefersTheEnvironmentAndExplainsFailures) {
  const std::unique_ptr<ImdsClient> imds =
      ImdsClient::create(transport_, clock_,
                         {.endpoint = "http://127.0.0.1:9", .retry_delay = absl::ZeroDuration()})
          .value();
  CredentialsProviderPtr chain =
      default_chain(transport_, clock_, *sts_, *imds,
                    {.env = fixed_env({{"HOME", dir_.path().string()},
                                       {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                       {"AWS_SECRET_ACCESS_KEY", "s"}})});
  EXPECT_EQ(chain->credentials()->access_key_id, "AKIDENV");
  EXPECT_TRUE(transport_.requests().empty());

  CredentialsProviderPtr nothing = default_chain(transport_, clock_, *sts_, *imds,
                                                 {.env = fixed_env({{"HOME", "/nonexistent"}}),
                                                  .container_retry_delay = absl::ZeroDuration()});
  for (int i = 0; i < 3; ++i)
    transport_.push_error(util::unavailable_error("connect to 127.0.0.1:9 failed"));
  const util::Status status = nothing->credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "no credentials: environment: AWS_ACCESS_KEY_ID not set; shared files: neither "
            "/nonexistent/.aws/credentials nor /nonexistent/.aws/config exists; web identity: "
            "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE not set; container: "
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not "
            "set; imds: PUT /latest/api/token: connect to 127.0.0.1:9 failed");
}

}  // namespace
}  // namespace aws
