#include "pkg/kube/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace kube {

ExponentialFailureRateLimiter::ExponentialFailureRateLimiter(absl::Duration base,
                                                             absl::Duration max)
    : base_(base), max_(max) {}

absl::Duration ExponentialFailureRateLimiter::when(std::string_view key) {
  int exponent;
  {
    util::MutexLock lock(mu_);
    auto it = failures_.find(key);
    if (it == failures_.end()) it = failures_.emplace(std::string(key), 0).first;
    exponent = it->second++;
  }
  const double scale = std::ldexp(1.0, std::min(exponent, 1023));
  if (!(scale < absl::FDivDuration(max_, base_))) return max_;  // also catches overflow
  return base_ * scale;
}

void ExponentialFailureRateLimiter::forget(std::string_view key) {
  util::MutexLock lock(mu_);
  if (auto it = failures_.find(key); it != failures_.end()) failures_.erase(it);
}

int ExponentialFailureRateLimiter::num_requeues(std::string_view key) {
  util::MutexLock lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

absl::Duration MaxOfRateLimiter::when(std::string_view key) {
  absl::Duration longest = absl::ZeroDuration();
  for (const auto& limiter : limiters_)
    longest = std::max(longest, limiter->when(key));
  return longest;
}

void MaxOfRateLimiter::forget(std::string_view key) {
  for (const auto& limiter : limiters_)
    limiter->forget(key);
}

int MaxOfRateLimiter::num_requeues(std::string_view key) {
  int most = 0;
  for (const auto& limiter : limiters_)
    most = std::max(most, limiter->num_requeues(key));
  return most;
}

std::unique_ptr<RateLimiter> default_controller_rate_limiter(util::Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ExponentialFailureRateLimiter>());
  limiters.push_back(std::make_unique<BucketRateLimiter>(10, 100, clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace kube
