#include "pkg/util/backoff.h"

#include <algorithm>
#include <cmath>

#include "absl/random/distributions.h"
#include "pkg/util/strings.h"

namespace util {

util::Status BackoffPolicy::validate() const {
  if (initial <= absl::ZeroDuration()) return util::invalid_argument_error("backoff: initial must be > 0");
  if (max < initial) return util::invalid_argument_error("backoff: max must be >= initial");
  if (multiplier < 1.0) return util::invalid_argument_error("backoff: multiplier must be >= 1");
  if (jitter < 0.0 || jitter >= 1.0) return util::invalid_argument_error("backoff: jitter must be in [0, 1)");
  return util::ok_status();
}

absl::Duration backoff_delay(const BackoffPolicy& policy, int attempt) {
  const double scale = std::pow(policy.multiplier, std::max(attempt, 0));
  const double max_scale = absl::FDivDuration(policy.max, policy.initial);
  if (!(scale < max_scale)) return policy.max;  // also catches inf
  return std::min(policy.max, policy.initial * scale);
}

absl::Duration jittered(const BackoffPolicy& policy, absl::Duration delay, absl::BitGenRef gen) {
  if (policy.jitter <= 0) return delay;
  const double factor = absl::Uniform(gen, 1.0 - policy.jitter, 1.0 + policy.jitter);
  return delay * factor;
}

absl::Duration Backoff::next(absl::BitGenRef gen) {
  const absl::Duration d = backoff_delay(policy_, attempt_);
  if (attempt_ < 64) ++attempt_;
  return jittered(policy_, d, gen);
}

}  // namespace util
