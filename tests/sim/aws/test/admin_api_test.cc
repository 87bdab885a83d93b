// /_sim/calls, /_sim/faults and /_sim/cost-model.
#include <gtest/gtest.h>

#include "rapidjson/document.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class AdminApiTest : public SimFixture {
 protected:
  SimResponse admin(std::string method, std::string path, std::string body = "") {
    SimRequest r;
    r.method = std::move(method);
    r.raw_path = std::move(path);
    r.body = std::move(body);
    return sim_->handle_sts_port(r);
  }
  static rapidjson::Document json(const SimResponse& r) {
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_FALSE(d.HasParseError()) << r.body;
    return d;
  }
};

TEST_F(AdminApiTest, CallsAreListedWithCounters) {
  assume(kAppRole, "s1", alice(), {{"ExternalId", "e-1"}});
  assume(kAppRole, "s2", bob());
  const SimResponse r = admin("GET", "/_sim/calls");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  const rapidjson::Document d = json(r);
  EXPECT_EQ(d["total"].GetInt(), 2);
  EXPECT_EQ(d["counters"]["AssumeRole"]["Success"].GetInt(), 1);
  EXPECT_EQ(d["counters"]["AssumeRole"]["AccessDenied"].GetInt(), 1);
  const auto& first = d["calls"][0];
  EXPECT_STREQ(first["caller_arn"].GetString(), "arn:aws:iam::123456789012:user/alice");
  EXPECT_STREQ(first["role_arn"].GetString(), "arn:aws:iam::123456789012:role/app");
  EXPECT_STREQ(first["session_name"].GetString(), "s1");
  EXPECT_STREQ(first["external_id"].GetString(), "e-1");
  EXPECT_TRUE(first["duration_seconds"].IsNull());
  EXPECT_STREQ(first["result"].GetString(), "Success");
  EXPECT_STREQ(first["time"].GetString(), "2027-01-15T08:00:00Z");
  EXPECT_STREQ(d["calls"][1]["result"].GetString(), "AccessDenied");

  EXPECT_EQ(admin("DELETE", "/_sim/calls").status, 200);
  EXPECT_EQ(json(admin("GET", "/_sim/calls"))["total"].GetInt(), 0);
}

TEST_F(AdminApiTest, FaultsAreSetByJson) {
  const SimResponse r = admin("POST", "/_sim/faults", R"({
      "throttle_next": 1, "outage": 0, "latency_ms": 0,
      "role_errors": {"arn:aws:iam::123456789012:role/app": "AccessDenied"},
      "disabled_regions": ["eu-west-1"], "imds_unavailable": true})");
  ASSERT_EQ(r.status, 200) << r.body;
  const rapidjson::Document state = json(r);
  EXPECT_EQ(state["throttle_next"].GetInt(), 1);
  EXPECT_TRUE(state["imds_unavailable"].GetBool());
  EXPECT_STREQ(state["disabled_regions"][0].GetString(), "eu-west-1");

  EXPECT_EQ(caller_identity(alice()).code(), "Throttling");
  EXPECT_EQ(assume(kAppRole, "s1", alice()).code(), "AccessDenied");
  EXPECT_EQ(assume(kPathRole, "s1", alice()).status, 200);
  EXPECT_TRUE(sim_->faults().imds_unavailable());

  ASSERT_EQ(admin("POST", "/_sim/faults", R"({"reset": true, "outage": 503})").status, 200);
  EXPECT_EQ(assume(kAppRole, "s1", alice()).code(), "ServiceUnavailable");
  EXPECT_FALSE(sim_->faults().imds_unavailable());
  EXPECT_EQ(json(admin("GET", "/_sim/faults"))["outage"].GetInt(), 503);
}

TEST_F(AdminApiTest, BadFaultRequestChangesNothing) {
  EXPECT_EQ(admin("POST", "/_sim/faults", R"({"throttle_next": 3, "outage": 404})").status, 400);
  EXPECT_EQ(admin("POST", "/_sim/faults", R"({"throtle_next": 3})").status, 400);
  EXPECT_EQ(admin("POST", "/_sim/faults", "not json").status, 400);
  EXPECT_EQ(sim_->faults().state().throttle_next, 0);
  EXPECT_EQ(admin("GET", "/_sim/nothing").status, 404);
}

TEST_F(AdminApiTest, CostModelIsSetByPresetAndFields) {
  const SimResponse measured = admin("POST", "/_sim/cost-model", R"({"preset":"measured"})");
  ASSERT_EQ(measured.status, 200) << measured.body;
  EXPECT_EQ(
      measured.body,
      R"({"latency_median_ms":30.0,"latency_p99_ms":90.0,"account_rps":500.0,"account_burst":500.0})");
  EXPECT_EQ(sim_->sts_cost_model().latency.p99, absl::Milliseconds(90));

  ASSERT_EQ(
      admin("POST", "/_sim/cost-model", R"({"preset":"none","account_rps":1,"account_burst":1})")
          .status,
      200);
  EXPECT_EQ(sim_->sts_cost_model().latency.median, absl::ZeroDuration());
  EXPECT_EQ(caller_identity(alice()).status, 200);
  EXPECT_EQ(caller_identity(alice()).code(), "Throttling");
  EXPECT_EQ(json(admin("GET", "/_sim/cost-model"))["account_rps"].GetDouble(), 1.0);

  for (const char* bad : {R"({"preset":"fast"})", R"({"account_rps":-1})", R"({"account_rps":"5"})",
                          R"({"latency_ms":3})", "[]"}) {
    EXPECT_EQ(admin("POST", "/_sim/cost-model", bad).status, 400) << bad;
  }
  EXPECT_EQ(sim_->sts_cost_model().account_rps, 1) << "a bad request changes nothing";
}

}  // namespace
}  // namespace sim::aws::testing
