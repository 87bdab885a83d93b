#include "pkg/util/clock.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/util/fake_clock.h"

namespace util {
namespace {

TEST(FakeClockTest, StepMovesBothReadings) {
  testing::FakeClock clock(absl::FromUnixSeconds(1000));
  const MonotonicTime m0 = clock.monotonic_now();
  clock.step(absl::Seconds(5));
  EXPECT_EQ(clock.system_now(), absl::FromUnixSeconds(1005));
  EXPECT_EQ(clock.monotonic_now() - m0, absl::Seconds(5));
}

TEST(FakeClockTest, WallClockJumpDoesNotMoveMonotonic) {
  testing::FakeClock clock(absl::FromUnixSeconds(1000));
  const MonotonicTime m0 = clock.monotonic_now();
  clock.set_system(absl::FromUnixSeconds(10));
  EXPECT_EQ(clock.system_now(), absl::FromUnixSeconds(10));
  EXPECT_EQ(clock.monotonic_now(), m0);
}

TEST(FakeClockTest, SleepReturnsOnlyAfterEnoughSteps) {
  testing::FakeClock clock;
  std::atomic<bool> woke = false;
  std::jthread sleeper(
      [&](std::stop_token stop) { woke = sleep_for(clock, absl::Seconds(10), stop); });
  ASSERT_TRUE(clock.await_waiters(1));
  clock.step(absl::Seconds(4));
  // Still asleep: the waiter re-registers after the spurious wake.
  ASSERT_TRUE(clock.await_waiters(1));
  EXPECT_FALSE(woke);
  clock.step(absl::Seconds(6));
  sleeper.join();
  EXPECT_TRUE(woke);
}

TEST(FakeClockTest, StopInterruptsSleep) {
  testing::FakeClock clock;
  std::atomic<bool> result = true;
  std::jthread sleeper(
      [&](std::stop_token stop) { result = sleep_for(clock, absl::Hours(1), stop); });
  ASSERT_TRUE(clock.await_waiters(1));
  sleeper.request_stop();
  sleeper.join();
  EXPECT_FALSE(result);
  EXPECT_EQ(clock.waiters(), 0u);
}

TEST(FakeClockTest, AlreadyStoppedSleepReturnsAtOnce) {
  testing::FakeClock clock;
  std::stop_source source;
  source.request_stop();
  EXPECT_FALSE(sleep_for(clock, absl::Hours(1), source.get_token()));
}

TEST(FakeClockTest, PastDeadlineDoesNotBlock) {
  testing::FakeClock clock;
  EXPECT_TRUE(sleep_until(clock, clock.monotonic_now() - absl::Seconds(1), {}));
}

TEST(RealClockTest, ReadingsAdvance) {
  RealClock clock;
  const MonotonicTime m0 = clock.monotonic_now();
  const absl::Time s0 = clock.system_now();
  EXPECT_GT(s0, absl::FromUnixSeconds(1'600'000'000));
  EXPECT_TRUE(sleep_for(clock, absl::Milliseconds(1), {}));
  EXPECT_GE(clock.monotonic_now() - m0, absl::Milliseconds(1));
}

}  // namespace
}  // namespace util
