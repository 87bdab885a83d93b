// Base role ARN discovery: the flag, the instance profile, the account of the
// controller's credentials, and — when none answers — a reason naming every
// step (the AWSIAMRoles' Ready message shows it). IMDS and STS answer through
// a fake transport.
#include "controller/process/base_role_arn_discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pkg/util/strings.h"
#include "tests/support/aws/fake_credentials_provider.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

using ::testing::HasSubstr;
using util::StatusCode;

constexpr std::string_view kInstanceProfile =
    R"({"Code":"Success","InstanceProfileArn":"arn:aws:iam::111122223333:instance-profile/ops/node","InstanceProfileId":"AIPA"})";

std::string caller_identity(std::string_view arn) {
  return util::cat(
      R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">)",
      "<GetCallerIdentityResult><Arn>", arn,
      "</Arn><UserId>AROAEXAMPLE:s</UserId><Account>444455556666</Account>",
      "</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId>",
      "</ResponseMetadata></GetCallerIdentityResponse>");
}

class BaseRoleArnDiscoveryTest : public ::testing::Test {
 protected:
  BaseRoleArnDiscoveryTest() {
    imds_ = std::move(
        aws::ImdsClient::create(transport_, clock_, {.retry_delay = absl::ZeroDuration()}).value());
    sts_ = std::move(
        aws::StsClient::create(transport_, clock_, {.calls = {.max_attempts = 1}}).value());
    credentials_.set(aws::Credentials{.access_key_id = "AKIDEXAMPLE",
                                      .secret_access_key = util::SecretString("secret")});
    // IMDS hands out a token; each test says what the rest answers.
    transport_.set_handler([this](const http::Request& request) -> util::StatusOr<http::Response> {
      if (request.url.ends_with("/latest/api/token"))
        return http::Response{.status = 200, .body = "t"};
      if (request.url.ends_with("/latest/meta-data/iam/info")) return iam_info_;
      if (request.method == http::Method::kPost) return sts_answer_;
      return util::failed_precondition_error("unexpected request " + request.url);
    });
  }

  util::StatusOr<DiscoveredBaseRoleArn> discover(std::optional<aws::BaseRoleArn> flag = {}) {
    return discover_base_role_arn(
        {.flag = std::move(flag), .imds = *imds_, .credentials = credentials_, .sts = *sts_}, {});
  }

  http::testing::FakeTransport transport_;
  util::testing::FakeClock clock_;
  std::unique_ptr<aws::ImdsClient> imds_;
  std::unique_ptr<aws::StsClient> sts_;
  aws::testing::FakeCredentialsProvider credentials_;
  util::StatusOr<http::Response> iam_info_ = http::Response{.status = 404};
  util::StatusOr<http::Response> sts_answer_ = http::Response{
      .status = 200, .body = caller_identity("arn:aws:sts::444455556666:assumed-role/kaic/s")};
};

TEST_F(BaseRoleArnDiscoveryTest, TheFlagWinsAndNothingIsAsked) {
  auto found = discover(aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/teams").value());
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->arn.str(), "arn:aws:iam::123456789012:role/teams/");
  EXPECT_EQ(found->source, "--base-role-arn");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(BaseRoleArnDiscoveryTest, TheInstanceProfileGivesItsAccountWithoutItsPath) {
  iam_info_ = http::Response{.status = 200, .body = std::string(kInstanceProfile)};
  auto found = discover();
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->arn.str(), "arn:aws:iam::111122223333:role/");
  EXPECT_THAT(found->source, HasSubstr("instance-profile/ops/node"));
  EXPECT_EQ(credentials_.calls(), 0);
}

TEST_F(BaseRoleArnDiscoveryTest, WithoutAnInstanceProfileTheCallersAccountIsUsed) {
  auto found = discover();
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->arn.str(), "arn:aws:iam::444455556666:role/");
  EXPECT_THAT(found->source, HasSubstr("assumed-role/kaic/s"));
}

TEST_F(BaseRoleArnDiscoveryTest, TheCallersPartitionIsKept) {
  sts_answer_ = http::Response{.status = 200,
                               .body = caller_identity("arn:aws-cn:iam::444455556666:user/ops")};
  auto found = discover();
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->arn.str(), "arn:aws-cn:iam::444455556666:role/");
}

TEST_F(BaseRoleArnDiscoveryTest, NothingFoundNamesWhyEveryStepFailed) {
  sts_answer_ = http::Response{
      .status = 403,
      .body = R"(<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>)"
              R"(<Message>not allowed</Message></Error><RequestId>r2</RequestId></ErrorResponse>)"};
  auto found = discover();
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(found.status().message(), HasSubstr("no --base-role-arn and none discovered"));
  EXPECT_THAT(found.status().message(),
              HasSubstr("instance profile: GET /latest/meta-data/iam/info: HTTP 404"));
  EXPECT_THAT(found.status().message(), HasSubstr("AccessDenied: not allowed"));
}

TEST_F(BaseRoleArnDiscoveryTest, UnavailableCredentialsAreAReasonToo) {
  credentials_.set(util::not_found_error("no credentials in the environment"));
  auto found = discover();
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(found.status().message(),
              HasSubstr("the controller's credentials: no credentials in the environment"));
}

TEST_F(BaseRoleArnDiscoveryTest, AnUnparsableCallerArnIsAReasonToo) {
  sts_answer_ = http::Response{.status = 200, .body = caller_identity("not-an-arn")};
  auto found = discover();
  EXPECT_EQ(found.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(found.status().message(), HasSubstr("GetCallerIdentity answered ARN 'not-an-arn'"));
}

TEST_F(BaseRoleArnDiscoveryTest, AnInstanceProfileThatIsNoArnFallsBackToTheCaller) {
  iam_info_ = http::Response{.status = 200, .body = R"({"InstanceProfileArn":"garbage"})"};
  auto found = discover();
  ASSERT_TRUE(found.ok()) << found.status().to_string();
  EXPECT_EQ(found->arn.str(), "arn:aws:iam::444455556666:role/");
}

}  // namespace
}  // namespace controller
