// Injected faults: throttling, outages, per-role errors, disabled regions, latency.
#include <gtest/gtest.h>

#include <thread>

#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class StsFaultsTest : public SimFixture {};

TEST_F(StsFaultsTest, NextRequestsAreThrottled) {
  sim_->faults().throttle_next(2);
  for (int i = 0; i < 2; ++i) {
    const StsAnswer a = caller_identity(alice());
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.get("Error/Type"), "Sender");
    EXPECT_EQ(a.code(), "Throttling");
    EXPECT_EQ(a.message(), "Rate exceeded");
  }
  EXPECT_EQ(caller_identity(alice()).status, 200);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Throttling"), 2);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Success"), 1);
}

TEST_F(StsFaultsTest, OutageAnswers503Or500UntilLifted) {
  sim_->faults().set_outage(503);
  StsAnswer a = assume(kAppRole, "s1", alice());
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.get("Error/Type"), "Receiver");
  EXPECT_EQ(a.code(), "ServiceUnavailable");
  sim_->faults().set_outage(500);
  a = assume(kAppRole, "s1", alice());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.code(), "InternalFailure");
  sim_->faults().set_outage(0);
  EXPECT_EQ(assume(kAppRole, "s1", alice()).status, 200);
}

TEST_F(StsFaultsTest, ForcedErrorHitsOnlyItsRole) {
  sim_->faults().set_role_error(std::string(kAppRole), "AccessDenied");
  const StsAnswer a = assume(kAppRole, "s1", alice());
  EXPECT_EQ(a.code(), "AccessDenied");
  EXPECT_EQ(a.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(assume(kPathRole, "s1", alice()).status, 200);
  sim_->faults().set_role_error("arn:aws:iam::123456789012:role/load/*", "Throttling");
  EXPECT_EQ(assume("arn:aws:iam::123456789012:role/load/r7", "s1", alice()).code(), "Throttling");
  sim_->faults().set_role_error(std::string(kAppRole), "");
  EXPECT_EQ(assume(kAppRole, "s1", alice()).status, 200);
}

TEST_F(StsFaultsTest, DisabledRegionIsRegionDisabledException) {
  sim_->faults().set_region_disabled("eu-west-1", true);
  const StsAnswer a = read_answer(sim_->sts().handle(
      signed_sts_request({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, alice(),
                         clock_.system_now(), "eu-west-1")));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "RegionDisabledException");
  EXPECT_EQ(a.message(),
            "STS is not activated in this region for account:123456789012. Your account "
            "administrator can activate STS in this region using the IAM Console.");
  EXPECT_EQ(caller_identity(alice()).status, 200);  // us-east-1 still works
}

TEST_F(StsFaultsTest, LatencyIsSpentOnTheInjectedClock) {
  sim_->faults().set_latency(absl::Seconds(5));
  StsAnswer answer;
  std::thread caller([&] { answer = caller_identity(alice()); });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_EQ(sim_->calls().total(), 0);  // still waiting
  clock_.step(absl::Seconds(5));
  caller.join();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(sim_->calls().total(), 1);
}

TEST_F(StsFaultsTest, StopInterruptsLatency) {
  sim_->faults().set_latency(absl::Hours(1));
  std::thread caller([&] { sim_->handle_sts_port(unsigned_sts_request({})); });
  ASSERT_TRUE(clock_.await_waiters(1));
  sim_->stop();
  caller.join();
  EXPECT_EQ(sim_->calls().total(), 1);
}

TEST_F(StsFaultsTest, ResetClearsEverything) {
  sim_->faults().throttle_next(5);
  sim_->faults().set_outage(503);
  sim_->faults().set_region_disabled("us-east-1", true);
  sim_->faults().reset();
  EXPECT_EQ(caller_identity(alice()).status, 200);
}

}  // namespace
}  // namespace sim::aws::testing
