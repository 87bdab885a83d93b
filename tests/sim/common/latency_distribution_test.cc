// LatencyDistribution: the empirical median and p99 of many samples are the
// configured ones; zero means no latency; a p99 below the median is constant.
#include "tests/sim/common/latency_distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace sim {
namespace {

constexpr size_t kSamples = 20'000;

// Sorted samples from a fixed seed, so the test never depends on chance.
std::vector<absl::Duration> sorted_samples(const LatencyDistribution& distribution) {
  std::mt19937_64 gen(20260101);
  std::vector<absl::Duration> samples;
  samples.reserve(kSamples);
  for (size_t i = 0; i < kSamples; ++i)
    samples.push_back(distribution.sample(gen));
  std::sort(samples.begin(), samples.end());
  return samples;
}

double quantile_ms(const std::vector<absl::Duration>& sorted, double q) {
  return absl::ToDoubleMilliseconds(sorted[static_cast<size_t>(q * (sorted.size() - 1))]);
}

TEST(LatencyDistributionTest, EmpiricalMedianAndP99MatchTheConfiguredOnes) {
  // The apiserver write latency measured on kind: median 8 ms, p99 40 ms.
  const std::vector<absl::Duration> samples =
      sorted_samples({.median = absl::Milliseconds(8), .p99 = absl::Milliseconds(40)});
  // Standard errors at n = 20,000 are ~0.6% (median) and ~2% (p99).
  EXPECT_NEAR(quantile_ms(samples, 0.50), 8.0, 8.0 * 0.03);
  EXPECT_NEAR(quantile_ms(samples, 0.99), 40.0, 40.0 * 0.08);
  EXPECT_GT(samples.front(), absl::ZeroDuration());
}

TEST(LatencyDistributionTest, ZeroMedianMeansNoLatency) {
  const std::vector<absl::Duration> samples =
      sorted_samples({.median = absl::ZeroDuration(), .p99 = absl::Milliseconds(40)});
  EXPECT_EQ(samples.back(), absl::ZeroDuration());
  EXPECT_EQ(sorted_samples({}).back(), absl::ZeroDuration());
}

TEST(LatencyDistributionTest, P99AtOrBelowTheMedianIsConstant) {
  for (absl::Duration p99 : {absl::Milliseconds(30), absl::Milliseconds(1), absl::ZeroDuration()}) {
    const std::vector<absl::Duration> samples =
        sorted_samples({.median = absl::Milliseconds(30), .p99 = p99});
    EXPECT_EQ(samples.front(), absl::Milliseconds(30)) << p99;
    EXPECT_EQ(samples.back(), absl::Milliseconds(30)) << p99;
  }
}

}  // namespace
}  // namespace sim
