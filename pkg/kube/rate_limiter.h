// How long a key waits before it is retried (client-go's workqueue
// RateLimiter): a three-method interface, and the stock limiters composed
// into the controller default — per-key exponential failure backoff (5 ms
// doubling to 1000 s) and an overall token bucket (10 qps, burst 100), the
// longer of the two winning.
//
// Thread-safety: every limiter is thread-safe. Time source: BucketRateLimiter
// reads the injected Clock; the others are pure counters (no jitter, so
// tests can state exact delays).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/token_bucket.h"

namespace kube {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long `key` should wait now; counts a failure.
  virtual absl::Duration when(std::string_view key) = 0;
  // The key succeeded: forget its failures.
  virtual void forget(std::string_view key) = 0;
  // Failures counted for `key` since the last forget().
  virtual int num_requeues(std::string_view key) = 0;
};

// base × 2^failures, capped at max.
class ExponentialFailureRateLimiter final : public RateLimiter {
 public:
  static constexpr absl::Duration kDefaultBase = absl::Milliseconds(5);  // client-go
  static constexpr absl::Duration kDefaultMax = absl::Seconds(1000);     // client-go

  explicit ExponentialFailureRateLimiter(absl::Duration base = kDefaultBase,
                                         absl::Duration max = kDefaultMax);
  absl::Duration when(std::string_view key) override;
  void forget(std::string_view key) override;
  int num_requeues(std::string_view key) override;

 private:
  const absl::Duration base_;
  const absl::Duration max_;
  util::Mutex mu_;
  std::map<std::string, int, std::less<>> failures_ ABSL_GUARDED_BY(mu_);
};

// An overall limit shared by all keys: each when() takes a token and waits
// for it when the bucket is empty. forget() is a no-op.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(double qps, int burst, util::Clock& clock) : bucket_(qps, burst, clock) {}
  absl::Duration when(std::string_view) override { return bucket_.reserve(); }
  void forget(std::string_view) override {}
  int num_requeues(std::string_view) override { return 0; }

 private:
  util::TokenBucket bucket_;
};

// The longest wait of several limiters.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
      : limiters_(std::move(limiters)) {}
  absl::Duration when(std::string_view key) override;
  void forget(std::string_view key) override;
  int num_requeues(std::string_view key) override;

 private:
  const std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// client-go's DefaultControllerRateLimiter: max(exponential 5 ms..1000 s,
// bucket 10 qps burst 100).
std::unique_ptr<RateLimiter> default_controller_rate_limiter(util::Clock& clock);

}  // namespace kube
