#include "pkg/kube/delaying_queue.h"

#include <algorithm>

namespace kube {
namespace {
// How long the loop sleeps when nothing waits; any add_after wakes it sooner.
constexpr absl::Duration kIdleWait = absl::Hours(1);
}  // namespace

DelayingQueue::DelayingQueue(util::Clock& clock, WorkQueueObserver* observer)
    : clock_(clock),
      observer_(observer),
      queue_(clock, observer),
      loop_([this](std::stop_token stop) { waiting_loop(std::move(stop)); }) {}

DelayingQueue::~DelayingQueue() {
  shut_down();
}

void DelayingQueue::add_after(std::string_view key, absl::Duration d, Priority priority) {
  if (queue_.shutting_down()) return;
  if (observer_ != nullptr) observer_->on_retry();
  if (d <= absl::ZeroDuration()) {
    queue_.add(key, priority);
    return;
  }
  const util::MonotonicTime at = clock_.monotonic_now() + d;
  util::MutexLock lock(mu_);
  auto it = ready_at_.find(key);
  if (it != ready_at_.end()) {
    it->second.priority = std::min(it->second.priority, priority);
    if (it->second.at <= at) return;  // the earlier one wins
    by_time_.erase({it->second.at, std::string_view(it->first)});
    it->second.at = at;
  } else {
    it = ready_at_.emplace(key, Waiting{at, priority}).first;
  }
  // The loop sleeps until the earliest time: only a new earliest wakes it
  // (during a burst of refreshes scheduled an hour out, none does).
  const auto scheduled = by_time_.emplace(at, std::string_view(it->first)).first;
  if (scheduled == by_time_.begin()) cv_.notify_all();
}

size_t DelayingQueue::waiting() const {
  util::MutexLock lock(mu_);
  return ready_at_.size();
}

std::vector<std::string> DelayingQueue::untracked(std::vector<std::string> keys) const {
  std::vector<std::string> not_waiting;
  {
    util::MutexLock lock(mu_);
    for (std::string& key : keys) {
      if (!ready_at_.contains(std::string_view(key))) not_waiting.push_back(std::move(key));
    }
  }
  return queue_.untracked(std::move(not_waiting));
}

void DelayingQueue::shut_down() {
  queue_.shut_down();
  loop_.request_stop();
  if (loop_.joinable() && loop_.get_id() != std::this_thread::get_id()) loop_.join();
}

void DelayingQueue::shut_down_with_drain() {
  loop_.request_stop();
  if (loop_.joinable()) loop_.join();
  queue_.shut_down_with_drain();
}

void DelayingQueue::waiting_loop(std::stop_token stop) {
  std::stop_callback on_stop(stop, [this] {
    util::MutexLock lock(mu_);
    cv_.notify_all();
  });
  util::MutexLock lock(mu_);
  while (!stop.stop_requested()) {
    const util::MonotonicTime now = clock_.monotonic_now();
    while (!by_time_.empty() && by_time_.begin()->first <= now) {
      auto waiting = ready_at_.find(by_time_.begin()->second);
      queue_.add(waiting->first, waiting->second.priority);
      by_time_.erase(by_time_.begin());
      ready_at_.erase(waiting);
    }
    const util::MonotonicTime next = by_time_.empty() ? now + kIdleWait : by_time_.begin()->first;
    clock_.wait_until(cv_, mu_, next);
  }
}

}  // namespace kube
