// The ECS / EKS Pod Identity credentials endpoint.
#include <gtest/gtest.h>

#include "rapidjson/document.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class ContainerTest : public SimFixture {
 protected:
  SimResponse get(std::string path, std::optional<std::string> authorization) {
    SimRequest r;
    r.method = "GET";
    r.raw_path = std::move(path);
    if (authorization) r.headers.emplace_back("Authorization", *authorization);
    return sim_->container().handle(r);
  }
};

TEST_F(ContainerTest, AuthorizedGetReturnsWorkingCredentials) {
  const SimResponse r = get("/v1/credentials", std::string(kPodToken));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["RoleArn"].GetString(), "arn:aws:iam::123456789012:role/pod");
  EXPECT_STREQ(d["AccountId"].GetString(), "123456789012");
  EXPECT_STREQ(d["Expiration"].GetString(), "2027-01-15T14:00:00Z");
  ::aws::Credentials session;
  session.access_key_id = d["AccessKeyId"].GetString();
  session.secret_access_key = util::SecretString(d["SecretAccessKey"].GetString());
  session.session_token = util::SecretString(d["Token"].GetString());
  EXPECT_EQ(caller_identity(session).get("Arn"),
            "arn:aws:sts::123456789012:assumed-role/pod/eks-pod-identity");
}

TEST_F(ContainerTest, MissingAuthorizationIs401WrongIs403) {
  EXPECT_EQ(get("/v1/credentials", std::nullopt).status, 401);
  EXPECT_EQ(get("/v1/credentials", "wrong-token").status, 403);
  EXPECT_EQ(get("/v1/credentials", "pod-identity-tokeN").status, 403);
  EXPECT_EQ(sim_->calls().count("GetCredentials", "401"), 1);
  EXPECT_EQ(sim_->calls().count("GetCredentials", "403"), 2);
}

TEST_F(ContainerTest, OtherPathsAre404) {
  EXPECT_EQ(get("/v2/credentials/abc", std::string(kPodToken)).status, 404);
}

TEST_F(ContainerTest, UnavailableSwitchAnswers503) {
  sim_->faults().set_container_unavailable(true);
  EXPECT_EQ(get("/v1/credentials", std::string(kPodToken)).status, 503);
}

TEST(ContainerNoTokenTest, WithoutConfiguredTokenNoAuthorizationIsNeeded) {
  util::testing::FakeClock clock;
  AwsSimulator::Options options;
  options.config = test_config();
  options.config.container_credentials->authorization_token = util::SecretString();
  auto sim = AwsSimulator::create(std::move(options), clock);
  ASSERT_TRUE(sim.ok());
  SimRequest r;
  r.method = "GET";
  r.raw_path = "/v1/credentials";
  EXPECT_EQ((*sim)->container().handle(r).status, 200);
}

}  // namespace
}  // namespace sim::aws::testing
