#include "pkg/kube/work_queue.h"

namespace kube {

void WorkQueue::add(std::string_view key) {
  util::MutexLock lock(mu_);
  if (shutting_down_) return;
  if (!dirty_.emplace(key).second) return;  // already waiting
  if (processing_.contains(key)) return;    // queued again at done()
  queue_.emplace_back(key);
  cv_.notify_one();
}

std::optional<std::string> WorkQueue::get() {
  util::MutexLock lock(mu_);
  while (queue_.empty() && !shutting_down_)
    cv_.wait(mu_);
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::done(std::string_view key) {
  util::MutexLock lock(mu_);
  auto it = processing_.find(key);
  if (it == processing_.end()) return;
  processing_.erase(it);
  if (dirty_.contains(key)) queue_.emplace_back(key);
  // Wakes a worker for the re-queued key, and shut_down_with_drain().
  cv_.notify_all();
}

size_t WorkQueue::len() const {
  util::MutexLock lock(mu_);
  return queue_.size();
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
    cv_.wait(mu_);
}

bool WorkQueue::shutting_down() const {
  util::MutexLock lock(mu_);
  return shutting_down_;
}

}  // namespace kube
