#include "pkg/kube/rate_limiting_queue.h"

namespace kube {

RateLimitingQueue::RateLimitingQueue(util::Clock& clock, std::unique_ptr<RateLimiter> limiter)
    : limiter_(limiter ? std::move(limiter) : default_controller_rate_limiter(clock)),
      queue_(clock) {}

}  // namespace kube
