#include "pkg/kube/work_queue.h"

#include <algorithm>

namespace kube {

util::MonotonicTime WorkQueue::now() const {
  return clock_ != nullptr ? clock_->monotonic_now() : util::MonotonicTime();
}

void WorkQueue::enqueue_locked(const std::string& key, Priority priority) {
  lanes_[static_cast<size_t>(priority)].push_back(key);
  cv_.notify_one();
}

void WorkQueue::add(std::string_view key, Priority priority) {
  util::MutexLock lock(mu_);
  if (shutting_down_) return;
  auto [it, inserted] =
      dirty_.try_emplace(std::string(key), Dirty{priority, util::MonotonicTime()});
  const bool processing = processing_.contains(key);
  if (!inserted) {
    if (priority >= it->second.priority) return;  // already waiting, at least as urgent
    it->second.priority = priority;
    if (!processing) enqueue_locked(it->first, priority);  // moves up; the old entry goes stale
    return;
  }
  it->second.since = now();
  if (observer_ != nullptr) observer_->on_add();
  if (processing) return;  // queued again at done()
  ++waiting_;
  enqueue_locked(it->first, priority);
}

std::optional<std::string> WorkQueue::get() {
  util::MutexLock lock(mu_);
  while (waiting_ == 0 && !shutting_down_)
    cv_.wait(mu_);
  if (waiting_ == 0) return std::nullopt;
  // A waiting key has an entry in its lane, so this finds one.
  for (;;) {
    const size_t lane = lanes_[0].empty() ? 1 : 0;
    std::string key = std::move(lanes_[lane].front());
    lanes_[lane].pop_front();
    auto it = dirty_.find(key);
    if (it == dirty_.end() || static_cast<size_t>(it->second.priority) != lane ||
        processing_.contains(key)) {
      continue;  // stale: the key moved up, or was handed out already
    }
    const util::MonotonicTime started = now();
    if (observer_ != nullptr) observer_->on_get(started - it->second.since);
    dirty_.erase(it);
    // The table keeps its capacity; once drained, clear() gives a large one
    // back (absl keeps up to 127 slots), so a past burst holds no memory.
    if (dirty_.empty()) dirty_.clear();
    --waiting_;
    processing_.emplace(key, started);
    return key;
  }
}

void WorkQueue::done(std::string_view key) {
  util::MutexLock lock(mu_);
  auto it = processing_.find(key);
  if (it == processing_.end()) return;
  if (observer_ != nullptr) observer_->on_done(now() - it->second);
  processing_.erase(it);
  if (auto dirty = dirty_.find(key); dirty != dirty_.end()) {
    ++waiting_;
    enqueue_locked(dirty->first, dirty->second.priority);  // wakes one worker for it
  }
  // Only a draining shut_down_with_drain() waits for this; waking every idle
  // worker at each done() (a herd of 31 at the controller's 32) cost a third
  // of the controller's CPU.
  if (processing_.empty()) drained_.notify_all();
}

size_t WorkQueue::len() const {
  util::MutexLock lock(mu_);
  return waiting_;
}

WorkQueue::InFlight WorkQueue::in_flight() const {
  util::MutexLock lock(mu_);
  InFlight out;
  out.keys = processing_.size();
  if (clock_ == nullptr) return out;
  const util::MonotonicTime t = now();
  for (const auto& entry : processing_) {
    const absl::Duration running = t - entry.second;
    out.total += running;
    out.longest = std::max(out.longest, running);
  }
  return out;
}

std::vector<std::string> WorkQueue::untracked(std::vector<std::string> keys) const {
  std::vector<std::string> out;
  util::MutexLock lock(mu_);
  for (std::string& key : keys) {
    if (!dirty_.contains(key) && !processing_.contains(key)) out.push_back(std::move(key));
  }
  return out;
}

void WorkQueue::shut_down() {
  util::MutexLock lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

void WorkQueue::shut_down_with_drain() {
  util::MutexLock lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
  while (!processing_.empty())
    drained_.wait(mu_);
}

bool WorkQueue::shutting_down() const {
  util::MutexLock lock(mu_);
  return shutting_down_;
}

}  // namespace kube
