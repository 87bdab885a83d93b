// Token-bucket rate limiter (as golang.org/x/time/rate): `qps` tokens per
// second refill a bucket of `burst`. Limits client-side STS and API calls.
// Thread-safe.
#pragma once

#include <stop_token>

#include "pkg/util/clock.h"

namespace util {

class TokenBucket {
 public:
  // qps <= 0 disables limiting. burst is clamped to at least 1.
  TokenBucket(double qps, int burst, Clock& clock);

  // Takes a token if one is available now.
  bool try_take();

  // Takes a token now, possibly going into debt; returns how long the caller
  // must wait before acting (zero when a token was available).
  absl::Duration reserve();

  // Blocks until a token is available. Returns false (and gives the token
  // back) if `stop` is requested first.
  bool take(std::stop_token stop);

 private:
  void refill_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const double qps_;
  const double burst_;
  Clock& clock_;
  Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);  // may be negative: outstanding reservations
  MonotonicTime last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace util
