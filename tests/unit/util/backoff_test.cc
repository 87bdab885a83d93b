#include "pkg/util/backoff.h"

#include <random>

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(BackoffTest, GrowsExponentiallyToTheCap) {
  const BackoffPolicy policy{.initial = absl::Milliseconds(100), .max = absl::Seconds(1),
                             .multiplier = 2, .jitter = 0};
  EXPECT_EQ(backoff_delay(policy, 0), absl::Milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 1), absl::Milliseconds(200));
  EXPECT_EQ(backoff_delay(policy, 3), absl::Milliseconds(800));
  EXPECT_EQ(backoff_delay(policy, 4), absl::Seconds(1));
  EXPECT_EQ(backoff_delay(policy, 10'000), absl::Seconds(1));  // no overflow
}

TEST(BackoffTest, JitterStaysWithinBounds) {
  const BackoffPolicy policy{.initial = absl::Seconds(10), .max = absl::Seconds(10),
                             .multiplier = 2, .jitter = 0.2};
  std::mt19937_64 gen(42);
  Backoff backoff(policy);
  bool varied = false;
  absl::Duration first = backoff.next(gen);
  for (int i = 0; i < 100; ++i) {
    const absl::Duration d = backoff.next(gen);
    EXPECT_GE(d, absl::Seconds(8));
    EXPECT_LE(d, absl::Seconds(12));
    varied |= d != first;
  }
  EXPECT_TRUE(varied);
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff({.initial = absl::Seconds(1), .max = absl::Minutes(1), .multiplier = 2,
                   .jitter = 0});
  std::mt19937_64 gen(1);
  backoff.next(gen);
  backoff.next(gen);
  EXPECT_EQ(backoff.next(gen), absl::Seconds(4));
  backoff.reset();
  EXPECT_EQ(backoff.next(gen), absl::Seconds(1));
}

TEST(BackoffTest, ValidateRejectsNonsense) {
  EXPECT_FALSE((BackoffPolicy{.initial = absl::ZeroDuration()}).validate().ok());
  EXPECT_FALSE((BackoffPolicy{.initial = absl::Seconds(2), .max = absl::Seconds(1)}).validate().ok());
  EXPECT_FALSE((BackoffPolicy{.multiplier = 0.5}).validate().ok());
  EXPECT_FALSE((BackoffPolicy{.jitter = 1.0}).validate().ok());
  EXPECT_TRUE(BackoffPolicy{}.validate().ok());
}

}  // namespace
}  // namespace util
