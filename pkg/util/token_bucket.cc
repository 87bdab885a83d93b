#include "pkg/util/token_bucket.h"

#include <algorithm>

namespace util {

TokenBucket::TokenBucket(double qps, int burst, Clock& clock)
    : qps_(qps),
      burst_(std::max(burst, 1)),
      clock_(clock),
      tokens_(std::max(burst, 1)),
      last_(clock.monotonic_now()) {}

void TokenBucket::refill_locked() {
  const MonotonicTime now = clock_.monotonic_now();
  const double elapsed = absl::ToDoubleSeconds(now - last_);
  if (elapsed > 0) {
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
}

bool TokenBucket::try_take() {
  if (qps_ <= 0) return true;
  MutexLock lock(mu_);
  refill_locked();
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

absl::Duration TokenBucket::reserve() {
  if (qps_ <= 0) return absl::ZeroDuration();
  MutexLock lock(mu_);
  refill_locked();
  tokens_ -= 1;
  if (tokens_ >= 0) return absl::ZeroDuration();
  return absl::Seconds(-tokens_ / qps_);
}

bool TokenBucket::take(std::stop_token stop) {
  const absl::Duration wait = reserve();
  if (wait == absl::ZeroDuration()) return true;
  if (sleep_for(clock_, wait, stop)) return true;
  MutexLock lock(mu_);
  tokens_ += 1;
  return false;
}

}  // namespace util
