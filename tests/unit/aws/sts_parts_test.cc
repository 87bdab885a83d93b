// The pure parts of the STS client: endpoint resolution, form encoding,
// response and error parsing, error mapping.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/aws_error.h"
#include "pkg/aws/sts_endpoint.h"
#include "pkg/aws/sts_response.h"
#include "pkg/aws/sts_types.h"
#include "pkg/util/rfc3339.h"

namespace aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

TEST(StsEndpointTest, Resolution) {
  struct Row {
    StsEndpointOptions options;
    std::string url;
    std::string region;
  };
  const Row rows[] = {
      {{}, "https://sts.amazonaws.com", "us-east-1"},
      {{.region = "aws-global"}, "https://sts.amazonaws.com", "us-east-1"},
      {{.region = "eu-central-1"}, "https://sts.eu-central-1.amazonaws.com", "eu-central-1"},
      {{.region = "cn-north-1"}, "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"},
      {{.region = "us-gov-west-1"}, "https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
      {{.region = "us-iso-east-1"}, "https://sts.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
      {{.region = "us-isob-east-1"}, "https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
      {{.region = "eu-isoe-west-1"}, "https://sts.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
      {{.region = "us-isof-south-1"},
       "https://sts.us-isof-south-1.csp.hci.ic.gov",
       "us-isof-south-1"},
      {{.region = "eusc-de-east-1"}, "https://sts.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
      {{.use_fips = true}, "https://sts-fips.us-east-1.amazonaws.com", "us-east-1"},
      {{.region = "us-west-2", .use_fips = true},
       "https://sts-fips.us-west-2.amazonaws.com",
       "us-west-2"},
      {{.region = "us-gov-east-1", .use_fips = true},
       "https://sts.us-gov-east-1.amazonaws.com",
       "us-gov-east-1"},
      {{.endpoint_override = "http://127.0.0.1:8080/"}, "http://127.0.0.1:8080", "us-east-1"},
      {{.region = "eu-west-1", .endpoint_override = "http://127.0.0.1:1"},
       "http://127.0.0.1:1",
       "eu-west-1"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<StsEndpoint> endpoint = resolve_sts_endpoint(row.options);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status();
    EXPECT_EQ(endpoint->url, row.url);
    EXPECT_EQ(endpoint->signing_region, row.region) << row.url;
  }
}

TEST(StsEndpointTest, Errors) {
  EXPECT_THAT(resolve_sts_endpoint({.region = "us-east-1/evil"}).status().message(),
              HasSubstr("invalid AWS region"));
  EXPECT_THAT(resolve_sts_endpoint({.region = "cn-north-1", .use_fips = true}).status().message(),
              HasSubstr("no FIPS STS endpoint in partition aws-cn"));
  EXPECT_THAT(resolve_sts_endpoint({.endpoint_override = "127.0.0.1:80"}).status().message(),
              HasSubstr("want http(s)://"));
  EXPECT_THAT(resolve_sts_endpoint({.endpoint_override = "http://h/path"}).status().message(),
              HasSubstr("no path"));
}

TEST(StsFormTest, AssumeRoleWithEveryParameter) {
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::123456789012:role/team/app";
  request.role_session_name = "123456789012.team.app";
  request.duration_seconds = 3600;
  request.external_id = "ns/name";
  request.policy = R"({"Version":"2012-10-17"})";
  request.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::1:policy/p"};
  request.tags = {{"kubernetes-namespace", "default"}, {"cluster", "a b"}};
  request.transitive_tag_keys = {"cluster"};
  request.source_identity = "kaic@x";
  EXPECT_EQ(request.to_form(),
            "Action=AssumeRole&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fteam%2Fapp"
            "&RoleSessionName=123456789012.team.app&DurationSeconds=3600&ExternalId=ns%2Fname"
            "&Policy=%7B%22Version%22%3A%222012-10-17%22%7D"
            "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
            "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A1%3Apolicy%2Fp"
            "&Tags.member.1.Key=kubernetes-namespace&Tags.member.1.Value=default"
            "&Tags.member.2.Key=cluster&Tags.member.2.Value=a%20b"
            "&TransitiveTagKeys.member.1=cluster&SourceIdentity=kaic%40x");
}

TEST(StsFormTest, MinimalAssumeRoleAndWebIdentity) {
  AssumeRoleRequest request{.role_arn = "arn:aws:iam::123456789012:role/r",
                            .role_session_name = "s"};
  EXPECT_EQ(request.to_form(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole"
            "%2Fr&RoleSessionName=s");
  AssumeRoleWithWebIdentityRequest web;
  web.role_arn = "arn:aws:iam::123456789012:role/r";
  web.role_session_name = "s";
  web.web_identity_token = util::SecretString("eyJ.a+b/c=");
  web.duration_seconds = 900;
  web.provider_id = "www.amazon.com";
  EXPECT_EQ(web.to_form(),
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr&RoleSessionName=s"
            "&WebIdentityToken=eyJ.a%2Bb%2Fc%3D&DurationSeconds=900&ProviderId=www.amazon.com");
}

constexpr std::string_view kAssumeRoleXml =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>DevUser123</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
)";

TEST(StsResponseTest, ParsesAssumeRole) {
  const util::StatusOr<AssumeRoleResult> result = parse_assume_role_response(kAssumeRoleXml);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(result->credentials.secret_access_key.reveal(),
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(result->credentials.session_token.reveal(), "AQoDYXdzEPT//////////wEXAMPLEtc764");
  EXPECT_EQ(result->credentials.expiration, *util::parse_rfc3339("2019-11-09T13:34:41Z"));
  EXPECT_EQ(result->assumed_role_user.arn, "arn:aws:sts::123456789012:assumed-role/demo/John");
  EXPECT_EQ(result->assumed_role_user.assumed_role_id, "ARO123EXAMPLE123:John");
  EXPECT_EQ(result->packed_policy_size, 6);
  EXPECT_EQ(result->source_identity, "DevUser123");
  EXPECT_EQ(result->request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(StsResponseTest, ParsesWebIdentityAndCallerIdentity) {
  const util::StatusOr<AssumeRoleWithWebIdentityResult> web =
      parse_assume_role_with_web_identity_response(
          R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
    <Credentials><SessionToken>tok</SessionToken><SecretAccessKey>sec</SecretAccessKey>
      <Expiration>2026-01-02T03:04:05Z</Expiration><AccessKeyId>ASIAWEB</AccessKeyId></Credentials>
    <Provider>arn:aws:iam::1:oidc-provider/oidc.eks</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>rid-web</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>)");
  ASSERT_TRUE(web.ok()) << web.status();
  EXPECT_EQ(web->credentials.access_key_id, "ASIAWEB");
  EXPECT_EQ(web->subject_from_web_identity_token, "system:serviceaccount:ns:sa");
  EXPECT_EQ(web->audience, "sts.amazonaws.com");
  EXPECT_EQ(web->provider, "arn:aws:iam::1:oidc-provider/oidc.eks");
  EXPECT_EQ(web->request_id, "rid-web");

  const util::StatusOr<CallerIdentity> who = parse_get_caller_identity_response(
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
   <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)");
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->arn, "arn:aws:iam::123456789012:user/Alice");
  EXPECT_EQ(who->account, "123456789012");
  EXPECT_EQ(who->user_id, "AKIAI44QH8DHBEXAMPLE");
}

TEST(StsResponseTest, MalformedDocumentsNeverQuoteTheBody) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
  struct Row {
    std::string body;
    std::string want;
  };
  const Row rows[] = {
      {"", "not well-formed XML"},
      {"<AssumeRoleResponse><unclosed>" + secret, "not well-formed XML"},
      {"<html><body>Proxy login</body></html>",
       "root element is <html>, want <AssumeRoleResponse>"},
      {"<AssumeRoleResponse></AssumeRoleResponse>", "no <AssumeRoleResult>"},
      {"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>", "no <Credentials>"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
       "<SecretAccessKey>" +
           secret +
           "</SecretAccessKey><Expiration>2019-11-09T13:34:41Z"
           "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
       "no Credentials/SessionToken"},
      {"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
       "<SecretAccessKey>" +
           secret +
           "</SecretAccessKey><SessionToken>t</SessionToken>"
           "<Expiration>tomorrow</Expiration></Credentials></AssumeRoleResult></"
           "AssumeRoleResponse>",
       "Credentials/Expiration 'tomorrow' is not RFC 3339"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<AssumeRoleResult> result = parse_assume_role_response(row.body);
    ASSERT_FALSE(result.ok()) << row.body;
    EXPECT_EQ(result.status().code(), StatusCode::kInternal);
    EXPECT_THAT(result.status().message(), HasSubstr(row.want));
    EXPECT_THAT(result.status().message(), Not(HasSubstr(secret)));
  }
}

TEST(StsResponseTest, ParsesErrorResponse) {
  const std::optional<AwsError> error = parse_error_response(
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/y</Message>
  </Error>
  <RequestId>1234</RequestId>
</ErrorResponse>)");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->type, "Sender");
  EXPECT_EQ(error->code, "AccessDenied");
  EXPECT_EQ(error->request_id, "1234");
  const util::Status status = aws_error_status(*error, 403);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "AccessDenied: User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/y (request id 1234)");
  EXPECT_EQ(aws_error_code(status), "AccessDenied");

  EXPECT_FALSE(parse_error_response("<html/>").has_value());
  EXPECT_FALSE(parse_error_response("not xml").has_value());
  EXPECT_FALSE(parse_error_response("<ErrorResponse><Error/></ErrorResponse>").has_value());
}

TEST(AwsErrorTest, CodeMapping) {
  struct Row {
    std::string_view code;
    int http;
    StatusCode want;
  };
  const Row rows[] = {
      {"AccessDenied", 403, StatusCode::kPermissionDenied},
      {"ValidationError", 400, StatusCode::kInvalidArgument},
      {"MalformedPolicyDocument", 400, StatusCode::kInvalidArgument},
      {"PackedPolicyTooLarge", 400, StatusCode::kInvalidArgument},
      {"ExpiredToken", 400, StatusCode::kUnauthenticated},
      {"InvalidClientTokenId", 403, StatusCode::kUnauthenticated},
      {"SignatureDoesNotMatch", 403, StatusCode::kUnauthenticated},
      {"InvalidIdentityToken", 400, StatusCode::kUnauthenticated},
      {"RegionDisabledException", 403, StatusCode::kFailedPrecondition},
      {"Throttling", 400, StatusCode::kUnavailable},
      {"ThrottlingException", 400, StatusCode::kUnavailable},
      {"RequestLimitExceeded", 400, StatusCode::kUnavailable},
      {"IDPCommunicationError", 400, StatusCode::kUnavailable},
      {"InternalFailure", 500, StatusCode::kUnavailable},
      {"SomethingNew", 503, StatusCode::kUnavailable},
      {"SomethingNew", 429, StatusCode::kUnavailable},
      {"SomethingNew", 400, StatusCode::kInvalidArgument},
      {"SomethingNew", 403, StatusCode::kPermissionDenied},
      {"SomethingNew", 302, StatusCode::kUnknown},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(status_code_for_aws_error(row.code, row.http), row.want) << row.code;
  }
}

TEST(AwsErrorTest, CodeRoundTripAndNonAwsMessages) {
  EXPECT_EQ(
      aws_error_code(aws_error_status({.code = "Throttling", .message = "Rate exceeded"}, 400)),
      "Throttling");
  EXPECT_EQ(aws_error_status({.code = "Throttling", .message = "Rate exceeded"}, 400).message(),
            "Throttling: Rate exceeded");
  EXPECT_EQ(aws_error_status({.code = "Oops", .request_id = "r"}, 500).message(),
            "Oops: HTTP 500 (request id r)");
  EXPECT_EQ(aws_error_code(util::unavailable_error("STS AssumeRole: connect failed")), "");
  EXPECT_EQ(aws_error_code(util::unavailable_error("connection refused")), "");
  EXPECT_EQ(aws_error_code(util::Status()), "");
  const util::Status appended =
      append_context(aws_error_status({.code = "Throttling", .message = "m"}, 400), "gave up");
  EXPECT_EQ(appended.message(), "Throttling: m; gave up");
  EXPECT_EQ(aws_error_code(appended), "Throttling");
}

TEST(AwsErrorTest, TheErrorsFieldsTravelWithTheStatus) {
  const util::Status throttled = append_context(
      util::annotate(aws_error_status({.code = "Throttling", .message = "Rate exceeded",
                                       .request_id = "r-1"},
                                      400),
                     "STS AssumeRole"),
      "gave up after 3 attempts");
  ASSERT_NE(throttled.detail(), nullptr);
  EXPECT_EQ(throttled.detail()->http_status, 400);
  EXPECT_EQ(throttled.detail()->server_message, "Rate exceeded");
  EXPECT_EQ(aws_error_code(throttled), "Throttling");
  EXPECT_TRUE(is_throttling_error(throttled));
  EXPECT_EQ(without_request_id(throttled),
            "STS AssumeRole: Throttling: Rate exceeded; gave up after 3 attempts");

  EXPECT_TRUE(is_throttling_error(aws_error_status({.code = "RequestLimitExceeded"}, 503)));
  EXPECT_TRUE(is_throttling_error(aws_error_status({}, 429)));
  EXPECT_FALSE(is_throttling_error(aws_error_status({.code = "AccessDenied"}, 403)));
  // A message that merely reads like one is not an AWS error.
  EXPECT_FALSE(is_throttling_error(util::unavailable_error("Throttling: Rate exceeded")));
  EXPECT_EQ(aws_error_code(util::unavailable_error("Throttling: Rate exceeded")), "");
}

}  // namespace
}  // namespace aws
