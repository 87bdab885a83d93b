// A work queue of keys for controller workers (client-go's workqueue.Type):
// a key added many times before a worker takes it is processed once (dirty
// set); a key is never handed to two workers at once (processing set); a key
// re-added while being processed is queued again when the worker calls
// done(). The queue is bounded by the number of distinct keys.
//
// Thread-safety: thread-safe; any number of producers and workers. Ownership:
// a worker that got a key from get() must call done(key). Shutdown:
// shut_down() stops accepting adds and makes get() return nullopt once the
// queue is empty (queued keys are still handed out: workers drain it);
// shut_down_with_drain() also waits until every key handed out is done().
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "pkg/util/mutex.h"

namespace kube {

class WorkQueue {
 public:
  WorkQueue() = default;
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `key` unless it is already waiting; ignored after shut_down().
  void add(std::string_view key);
  // Blocks until a key is available (then marks it processing) or the queue
  // is shut down and empty (nullopt).
  std::optional<std::string> get();
  // Marks `key` processed; re-queues it if it was added meanwhile.
  void done(std::string_view key);
  // Keys waiting (not those being processed): the depth metric.
  size_t len() const;

  void shut_down();
  // shut_down(), then blocks until no key is being processed.
  void shut_down_with_drain();
  bool shutting_down() const;

 private:
  mutable util::Mutex mu_;
  util::CondVar cv_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  // Keys that need processing: every key in queue_, plus keys re-added while
  // processing (they enter queue_ at done()).
  std::set<std::string, std::less<>> dirty_ ABSL_GUARDED_BY(mu_);
  std::set<std::string, std::less<>> processing_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kube
