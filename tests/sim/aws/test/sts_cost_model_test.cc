// STS's cost model: the per-account token bucket (burst, throttle, refill on
// the injected clock; shared by the callers of one account, not across
// accounts; AssumeRoleWithWebIdentity counts against the role's account),
// throttled calls in the call log, and the modelled latency of every answer.
#include <gtest/gtest.h>

#include <future>

#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

constexpr std::string_view kOtherAccountUserArn = "arn:aws:iam::210987654321:user/carol";
constexpr std::string_view kCarolKeyId = "AKIACAROL00000000001";
constexpr std::string_view kCarolSecret = "carolSecretCarolSecretCarolSecret0000000";

::aws::Credentials carol() {
  return user_credentials(kCarolKeyId, kCarolSecret);
}

// Every sample is `latency`, so the tests know how far to step the clock.
LatencyDistribution constant(absl::Duration latency) {
  return {.median = latency, .p99 = latency};
}

// The fixture's IAM world plus carol, a user of a second account.
class StsCostModelTest : public SimFixture {
 protected:
  StsCostModelTest() {
    AwsSimulator::Options options;
    options.config = test_config();
    options.config.accounts.emplace_back("210987654321");
    options.config.users.push_back({std::string(kOtherAccountUserArn), std::string(kCarolKeyId),
                                    util::SecretString(std::string(kCarolSecret))});
    auto sim = AwsSimulator::create(std::move(options), clock_);
    EXPECT_TRUE(sim.ok()) << sim.status();
    if (sim.ok()) sim_ = std::move(sim).value();
  }

  StsAnswer web_identity() {
    return read_answer(sim_->sts().handle(unsigned_sts_request({
        {"Action", "AssumeRoleWithWebIdentity"},
        {"Version", "2011-06-15"},
        {"RoleArn", std::string(kWebRole)},
        {"RoleSessionName", "web"},
        {"WebIdentityToken", std::string(kWebToken)},
    })));
  }
};

TEST_F(StsCostModelTest, BurstThenThrottleThenRefillOnTheClock) {
  sim_->set_sts_cost_model({.account_rps = 2, .account_burst = 3});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(caller_identity(alice()).status, 200) << "burst request " << i;
  const StsAnswer throttled = assume(kAppRole, "s1", alice());
  EXPECT_EQ(throttled.status, 400);
  EXPECT_EQ(throttled.get("Error/Type"), "Sender");
  EXPECT_EQ(throttled.code(), "Throttling");
  EXPECT_EQ(throttled.message(), "Rate exceeded");

  clock_.step(absl::Milliseconds(500));  // 2 tokens/s: one token back
  EXPECT_EQ(assume(kAppRole, "s1", alice()).status, 200);
  EXPECT_EQ(caller_identity(alice()).code(), "Throttling");

  clock_.step(absl::Seconds(60));  // refills to the burst, no further
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(caller_identity(alice()).status, 200) << "burst request " << i;
  EXPECT_EQ(caller_identity(alice()).code(), "Throttling");

  EXPECT_EQ(sim_->calls().count("AssumeRole", "Throttling"), 1);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Throttling"), 2);
  const std::vector<CallRecord> assumes = sim_->calls().calls_of("AssumeRole");
  ASSERT_EQ(assumes.size(), 2U);
  EXPECT_EQ(assumes[0].result, "Throttling");
  EXPECT_EQ(assumes[0].http_status, 400);
  EXPECT_EQ(assumes[0].caller_arn, kAliceArn);
}

TEST_F(StsCostModelTest, CallersOfOneAccountShareItsBucketOnly) {
  sim_->set_sts_cost_model({.account_rps = 1, .account_burst = 2});
  EXPECT_EQ(caller_identity(alice()).status, 200);
  EXPECT_EQ(caller_identity(bob()).status, 200);
  EXPECT_EQ(caller_identity(alice()).code(), "Throttling");
  EXPECT_EQ(caller_identity(bob()).code(), "Throttling");
  EXPECT_EQ(web_identity().code(), "Throttling") << "the web identity role is in the same account";
  EXPECT_EQ(caller_identity(carol()).status, 200) << "another account has its own bucket";
  EXPECT_EQ(caller_identity(carol()).status, 200);
  EXPECT_EQ(caller_identity(carol()).code(), "Throttling");
}

TEST_F(StsCostModelTest, BurstDefaultsToTheRate) {
  sim_->set_sts_cost_model({.account_rps = 2});
  EXPECT_EQ(web_identity().status, 200);
  EXPECT_EQ(web_identity().status, 200);
  EXPECT_EQ(web_identity().code(), "Throttling");
  EXPECT_EQ(sim_->calls().count("AssumeRoleWithWebIdentity", "Throttling"), 1);
}

TEST_F(StsCostModelTest, EveryAnswerTakesTheModelledLatencyAndTheThrottleIsDecidedAtArrival) {
  sim_->set_sts_cost_model(
      {.latency = constant(absl::Seconds(5)), .account_rps = 1, .account_burst = 1});
  std::future<StsAnswer> first =
      std::async(std::launch::async, [this] { return caller_identity(alice()); });
  ASSERT_TRUE(clock_.await_waiters(1));
  std::future<StsAnswer> second =
      std::async(std::launch::async, [this] { return caller_identity(alice()); });
  ASSERT_TRUE(clock_.await_waiters(2)) << "a throttled answer takes as long";
  EXPECT_EQ(sim_->calls().total(), 0) << "nothing answered yet";
  clock_.step(absl::Seconds(5));
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(second.get().code(), "Throttling") << "its token was gone when it arrived";
  EXPECT_EQ(sim_->calls().total(), 2);
}

TEST_F(StsCostModelTest, StopInterruptsTheModelledLatency) {
  sim_->set_sts_cost_model({.latency = constant(absl::Hours(1))});
  std::future<SimResponse> answer = std::async(
      std::launch::async, [this] { return sim_->handle_sts_port(unsigned_sts_request({})); });
  ASSERT_TRUE(clock_.await_waiters(1));
  sim_->stop();
  EXPECT_EQ(answer.get().status, 400) << "MissingAction, answered without the hour";
}

TEST(StsCostModelOptionsTest, ModelFromOptionsAppliesAndNegativeRatesAreRejected) {
  util::testing::FakeClock clock;
  AwsSimulator::Options options;
  options.config = test_config();
  options.sts_cost_model = StsCostModel::measured();
  auto sim = AwsSimulator::create(options, clock);
  ASSERT_TRUE(sim.ok()) << sim.status();
  EXPECT_EQ((*sim)->sts_cost_model().account_rps, 500);
  EXPECT_EQ((*sim)->sts_cost_model().latency.median, absl::Milliseconds(30));
  options.sts_cost_model.account_burst = -1;
  EXPECT_EQ(AwsSimulator::create(options, clock).status().code(),
            util::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sim::aws::testing
