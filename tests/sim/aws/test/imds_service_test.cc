// IMDSv2: the token dance, TTLs on the clock, the IAM paths, and credentials
// the STS simulator accepts.
#include <gtest/gtest.h>

#include "rapidjson/document.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class ImdsTest : public SimFixture {
 protected:
  SimResponse put_token(std::string ttl, HeaderList extra = {}) {
    SimRequest r;
    r.method = "PUT";
    r.raw_path = "/latest/api/token";
    if (!ttl.empty()) r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", ttl);
    r.headers.insert(r.headers.end(), extra.begin(), extra.end());
    return sim_->imds().handle(r);
  }
  std::string token(int ttl = 21600) {
    const SimResponse r = put_token(std::to_string(ttl));
    EXPECT_EQ(r.status, 200);
    return r.body;
  }
  SimResponse get(std::string path, std::optional<std::string> with_token) {
    SimRequest r;
    r.method = "GET";
    r.raw_path = std::move(path);
    if (with_token) r.headers.emplace_back("X-aws-ec2-metadata-token", *with_token);
    return sim_->imds().handle(r);
  }
  static rapidjson::Document json(const SimResponse& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }
};

TEST_F(ImdsTest, TokenThenInstanceProfileInfo) {
  const SimResponse put = put_token("21600");
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.content_type, "text/plain");
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0],
            (std::pair<std::string, std::string>("X-aws-ec2-metadata-token-ttl-seconds", "21600")));
  const SimResponse info = get("/latest/meta-data/iam/info", put.body);
  ASSERT_EQ(info.status, 200);
  const rapidjson::Document d = json(info);
  EXPECT_STREQ(d["Code"].GetString(), "Success");
  EXPECT_STREQ(d["LastUpdated"].GetString(), "2027-01-15T08:00:00Z");
  EXPECT_STREQ(d["InstanceProfileArn"].GetString(),
               "arn:aws:iam::123456789012:instance-profile/node");
  EXPECT_EQ(std::string(d["InstanceProfileId"].GetString()).substr(0, 4), "AIPA");
}

TEST_F(ImdsTest, SecurityCredentialsWorkAtSts) {
  const std::string t = token();
  EXPECT_EQ(get("/latest/meta-data/iam/security-credentials/", t).body, "node");
  const SimResponse creds = get("/latest/meta-data/iam/security-credentials/node", t);
  ASSERT_EQ(creds.status, 200);
  // IMDS's own layout.
  EXPECT_EQ(creds.body.substr(0, 24), "{\n  \"Code\" : \"Success\",\n");
  const rapidjson::Document d = json(creds);
  EXPECT_STREQ(d["Type"].GetString(), "AWS-HMAC");
  EXPECT_STREQ(d["Expiration"].GetString(), "2027-01-15T14:00:00Z");  // 6 h
  ::aws::Credentials session;
  session.access_key_id = d["AccessKeyId"].GetString();
  session.secret_access_key = util::SecretString(d["SecretAccessKey"].GetString());
  session.session_token = util::SecretString(d["Token"].GetString());
  EXPECT_EQ(caller_identity(session).get("Arn"),
            "arn:aws:sts::123456789012:assumed-role/node/i-0123456789abcdef0");
  // Instance credentials are a role session: AssumeRole from them is role chaining.
  EXPECT_EQ(assume(kInstanceRole, "again", session, {{"DurationSeconds", "7200"}}).message(),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
            "role chaining.");
  EXPECT_EQ(sim_->calls().count("GetCredentials", "Success"), 1);
}

TEST_F(ImdsTest, CredentialsAreReusedThenRotated) {
  const std::string t = token();
  auto key = [&] {
    return std::string(
        json(get("/latest/meta-data/iam/security-credentials/node", t))["AccessKeyId"].GetString());
  };
  const std::string first = key();
  clock_.step(absl::Hours(4));  // 2 h left of 6: more than a quarter
  EXPECT_EQ(key(), first);
  clock_.step(absl::Minutes(31));  // 1h29m left: less than a quarter
  EXPECT_NE(key(), first);
}

TEST_F(ImdsTest, TtlMustBeWithinOneTo21600Seconds) {
  for (const char* bad : {"0", "21601", "-5", "abc", "1.5"}) {
    EXPECT_EQ(put_token(bad).status, 400) << bad;
  }
  EXPECT_EQ(put_token("").status, 400);  // header missing
  EXPECT_EQ(put_token("1").status, 200);
  EXPECT_EQ(put_token("21600").status, 200);
}

TEST_F(ImdsTest, TokenPutThroughAProxyIsForbidden) {
  EXPECT_EQ(put_token("60", {{"X-Forwarded-For", "10.0.0.1"}}).status, 403);
}

TEST_F(ImdsTest, GetWithoutTokenIsUnauthorizedUnlessV1Allowed) {
  EXPECT_EQ(get("/latest/meta-data/iam/info", std::nullopt).status, 401);
  EXPECT_EQ(get("/latest/meta-data/iam/info", "made-up-token").status, 401);
  sim_->imds().set_allow_v1(true);
  EXPECT_EQ(get("/latest/meta-data/iam/info", std::nullopt).status, 200);
  EXPECT_EQ(get("/latest/meta-data/iam/info", "made-up-token").status, 401);
}

TEST_F(ImdsTest, TokenExpiresAfterItsTtl) {
  const std::string t = token(10);
  clock_.step(absl::Seconds(9));
  EXPECT_EQ(get("/latest/meta-data/instance-id", t).status, 200);
  EXPECT_EQ(get("/latest/meta-data/instance-id", t).body, "i-0123456789abcdef0");
  clock_.step(absl::Seconds(1));
  EXPECT_EQ(get("/latest/meta-data/instance-id", t).status, 401);
  EXPECT_EQ(sim_->imds().live_tokens(), 0u);
}

TEST_F(ImdsTest, UnknownPathsAndRolesAre404) {
  const std::string t = token();
  EXPECT_EQ(get("/latest/meta-data/iam/security-credentials/other", t).status, 404);
  EXPECT_EQ(get("/latest/meta-data/nothing", t).status, 404);
  EXPECT_EQ(get("/latest/meta-data/placement/region", t).body, "us-east-1");
}

TEST_F(ImdsTest, UnavailableSwitchAnswers503) {
  sim_->faults().set_imds_unavailable(true);
  EXPECT_EQ(put_token("60").status, 503);
  sim_->faults().set_imds_unavailable(false);
  EXPECT_EQ(put_token("60").status, 200);
}

TEST_F(ImdsTest, IssuedDurationCapAppliesToInstanceCredentials) {
  sim_->iam().set_issued_duration_cap(absl::Seconds(60));
  const rapidjson::Document d =
      json(get("/latest/meta-data/iam/security-credentials/node", token()));
  EXPECT_STREQ(d["Expiration"].GetString(), "2027-01-15T08:01:00Z");
}

}  // namespace
}  // namespace sim::aws::testing
