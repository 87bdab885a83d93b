#include "pkg/kube/rate_limiting_queue.h"

namespace kube {

RateLimitingQueue::RateLimitingQueue(util::Clock& clock, std::unique_ptr<RateLimiter> limiter,
                                     WorkQueueObserver* observer)
    : limiter_(limiter ? std::move(limiter) : default_controller_rate_limiter(clock)),
      queue_(clock, observer) {}

}  // namespace kube
