// Exponential backoff with jitter, as a value: next() says how long to wait.
// Used for watch reconnects, STS retries and per-key requeues.
#pragma once

#include <cstdint>

#include "absl/random/bit_gen_ref.h"
#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace util {

struct BackoffPolicy {
  absl::Duration initial = absl::Milliseconds(100);
  absl::Duration max = absl::Seconds(30);
  double multiplier = 2.0;
  // Each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter].
  double jitter = 0.2;

  // Checks initial > 0, max >= initial, multiplier >= 1, 0 <= jitter < 1.
  util::Status validate() const;
};

// The delay before retry number `attempt` (0-based), before jitter:
// min(max, initial * multiplier^attempt). Pure.
absl::Duration backoff_delay(const BackoffPolicy& policy, int attempt);

// Applies the policy's jitter to `delay` with randomness from `gen`.
absl::Duration jittered(const BackoffPolicy& policy, absl::Duration delay, absl::BitGenRef gen);

// Counts attempts; not thread-safe (one per retry loop or per key).
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy) : policy_(policy) {}

  // The jittered delay for the next attempt, and counts it.
  absl::Duration next(absl::BitGenRef gen);
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  int attempt_ = 0;
};

}  // namespace util
