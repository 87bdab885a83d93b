// The controller's queue (client-go's RateLimitingInterface): a DelayingQueue
// plus an injected RateLimiter, so a failed key is retried later with growing
// delays (add_rate_limited) and its history is dropped on success (forget).
// Scheduled work (a credential refresh) uses add_after.
//
// Thread-safety: thread-safe. Ownership: owns the limiter and the delaying
// queue (and its thread); a worker that got a key must call done(key). Time
// source: the Clock. Shutdown: as WorkQueue.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pkg/kube/delaying_queue.h"
#include "pkg/kube/rate_limiter.h"

namespace kube {

class RateLimitingQueue {
 public:
  // `limiter` null: default_controller_rate_limiter(clock). `observer`
  // (optional): see WorkQueueObserver.
  explicit RateLimitingQueue(util::Clock& clock, std::unique_ptr<RateLimiter> limiter = nullptr,
                             WorkQueueObserver* observer = nullptr);

  void add(std::string_view key, Priority priority = Priority::kNormal) {
    queue_.add(key, priority);
  }
  void add_after(std::string_view key, absl::Duration d, Priority priority = Priority::kNormal) {
    queue_.add_after(key, d, priority);
  }
  // Re-adds after the limiter's delay for `key` (and counts a failure).
  void add_rate_limited(std::string_view key, Priority priority = Priority::kNormal) {
    queue_.add_after(key, limiter_->when(key), priority);
  }
  // The key succeeded: reset its backoff.
  void forget(std::string_view key) { limiter_->forget(key); }
  int num_requeues(std::string_view key) { return limiter_->num_requeues(key); }

  std::optional<std::string> get() { return queue_.get(); }
  void done(std::string_view key) { queue_.done(key); }
  size_t len() const { return queue_.len(); }
  WorkQueue::InFlight in_flight() const { return queue_.in_flight(); }
  size_t waiting() const { return queue_.waiting(); }
  std::vector<std::string> untracked(std::vector<std::string> keys) const {
    return queue_.untracked(std::move(keys));
  }
  void shut_down() { queue_.shut_down(); }
  void shut_down_with_drain() { queue_.shut_down_with_drain(); }
  bool shutting_down() const { return queue_.shutting_down(); }

 private:
  const std::unique_ptr<RateLimiter> limiter_;
  DelayingQueue queue_;
};

}  // namespace kube
