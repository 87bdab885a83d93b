#include "pkg/util/token_bucket.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/support/util/fake_clock.h"

namespace util {
namespace {

TEST(TokenBucketTest, AllowsBurstThenRefillsAtRate) {
  testing::FakeClock clock;
  TokenBucket bucket(/*qps=*/10, /*burst=*/20, clock);
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(bucket.try_take()) << i;
  EXPECT_FALSE(bucket.try_take());
  clock.step(absl::Milliseconds(100));  // 10 qps -> one token per 100 ms
  EXPECT_TRUE(bucket.try_take());
  EXPECT_FALSE(bucket.try_take());
  clock.step(absl::Hours(1));  // refill stops at the burst size
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(bucket.try_take()) << i;
  EXPECT_FALSE(bucket.try_take());
}

TEST(TokenBucketTest, ReserveReportsTheWait) {
  testing::FakeClock clock;
  TokenBucket bucket(/*qps=*/2, /*burst=*/1, clock);
  EXPECT_EQ(bucket.reserve(), absl::ZeroDuration());
  EXPECT_EQ(bucket.reserve(), absl::Milliseconds(500));  // 1 token in debt at 2/s
  EXPECT_EQ(bucket.reserve(), absl::Seconds(1));         // 2 tokens in debt
}

TEST(TokenBucketTest, ZeroQpsMeansUnlimited) {
  testing::FakeClock clock;
  TokenBucket bucket(0, 0, clock);
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(bucket.try_take());
}

TEST(TokenBucketTest, TakeBlocksUntilClockAdvances) {
  testing::FakeClock clock;
  TokenBucket bucket(/*qps=*/1, /*burst=*/1, clock);
  ASSERT_TRUE(bucket.try_take());
  std::atomic<bool> taken = false;
  std::jthread taker([&](std::stop_token stop) { taken = bucket.take(stop); });
  ASSERT_TRUE(clock.await_waiters(1));
  EXPECT_FALSE(taken);
  clock.step(absl::Seconds(1));
  taker.join();
  EXPECT_TRUE(taken);
}

TEST(TokenBucketTest, TakeGivesUpWhenStopped) {
  testing::FakeClock clock;
  TokenBucket bucket(/*qps=*/1, /*burst=*/1, clock);
  ASSERT_TRUE(bucket.try_take());
  std::atomic<bool> result = true;
  std::jthread taker([&](std::stop_token stop) { result = bucket.take(stop); });
  ASSERT_TRUE(clock.await_waiters(1));
  taker.request_stop();
  taker.join();
  EXPECT_FALSE(result);
  clock.step(absl::Seconds(1));
  EXPECT_TRUE(bucket.try_take());  // the abandoned reservation was returned
}

}  // namespace
}  // namespace util
