#include "tests/sim/common/latency_distribution.h"

#include <cmath>

#include "absl/random/distributions.h"

namespace sim {
namespace {

// The standard normal's 99th percentile: P(Z <= kZ99) = 0.99.
constexpr double kZ99 = 2.3263478740408408;

}  // namespace

absl::Duration LatencyDistribution::sample(absl::BitGenRef gen) const {
  if (median <= absl::ZeroDuration()) return absl::ZeroDuration();
  if (p99 <= median) return median;
  const double sigma = std::log(absl::FDivDuration(p99, median)) / kZ99;
  return median * std::exp(sigma * absl::Gaussian<double>(gen, 0.0, 1.0));
}

}  // namespace sim
