// How long a simulated server takes to answer: a log-normal latency given by
// its median and 99th percentile, the two numbers one measures on a real
// server. The simulators' cost models are built from it (DESIGN.md §5).
//
// Thread-safety: value type; sample() draws from the caller's generator.
#pragma once

#include "absl/random/bit_gen_ref.h"
#include "absl/time/time.h"

namespace sim {

struct LatencyDistribution {
  absl::Duration median;  // zero (or negative): no latency at all
  absl::Duration p99;     // at or below median: every sample is the median

  // exp(N(ln median, sigma)) with sigma = ln(p99 / median) / z(0.99).
  absl::Duration sample(absl::BitGenRef gen) const;
};

}  // namespace sim
