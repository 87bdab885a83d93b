// A work queue of keys for controller workers (client-go's workqueue.Type,
// with two priority lanes): a key added many times before a worker takes it
// is processed once (dirty set); a key is never handed to two workers at once
// (processing set); a key re-added while being processed is queued again when
// the worker calls done(). Urgent keys are handed out before normal ones, each
// lane in FIFO order; adding a waiting normal key as urgent moves it up. The
// queue is bounded by the number of distinct keys.
//
// Thread-safety: thread-safe; any number of producers and workers. Ownership:
// a worker that got a key from get() must call done(key). Shutdown:
// shut_down() stops accepting adds and makes get() return nullopt once the
// queue is empty (queued keys are still handed out: workers drain it);
// shut_down_with_drain() also waits until every key handed out is done().
// Time source: the Clock, when given (how long keys wait and are worked on,
// for a WorkQueueObserver and in_flight()).
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/strings.h"

namespace kube {

// Which lane a key waits in. kUrgent: work that something is waiting for
// (for the controller: a role without valid credentials); kNormal: work with
// slack (a refresh well before expiry).
enum class Priority { kUrgent = 0, kNormal = 1 };

// Hears what a work queue does, in client-go's terms (its workqueue metrics:
// adds, queue and work durations, retries), for a metrics exporter. Called
// with the queue's lock held: implementations must be quick and must not call
// the queue.
class WorkQueueObserver {
 public:
  virtual ~WorkQueueObserver() = default;
  // A key that was not waiting now is (client-go counts it in adds_total).
  virtual void on_add() = 0;
  // A worker took a key that had waited `waited` since it was added.
  virtual void on_get(absl::Duration waited) = 0;
  // A worker finished a key after `worked`.
  virtual void on_done(absl::Duration worked) = 0;
  // A key was added with a delay (client-go counts every AddAfter as a retry).
  virtual void on_retry() = 0;
};

class WorkQueue {
 public:
  // Untimed and unobserved.
  WorkQueue() = default;
  // Timed by `clock`; `observer` (optional) hears of adds, hand-outs and
  // completions. Both must outlive the queue.
  explicit WorkQueue(util::Clock& clock, WorkQueueObserver* observer = nullptr)
      : clock_(&clock), observer_(observer) {}
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `key` unless it is already waiting (then only raises its
  // priority); ignored after shut_down().
  void add(std::string_view key, Priority priority = Priority::kNormal);
  // Blocks until a key is available (then marks it processing) or the queue
  // is shut down and empty (nullopt).
  std::optional<std::string> get();
  // Marks `key` processed; re-queues it if it was added meanwhile.
  void done(std::string_view key);
  // Keys waiting (not those being processed): the depth metric.
  size_t len() const;
  // The keys being processed now: how many, how long they have run in all,
  // and the longest (client-go's unfinished_work_seconds and
  // longest_running_processor_seconds). Zero without a clock.
  struct InFlight {
    size_t keys = 0;
    absl::Duration total;
    absl::Duration longest;
  };
  InFlight in_flight() const;
  // The keys of `keys` that are neither waiting nor being processed (one
  // lock for the lot: for sweeps over every cached key).
  std::vector<std::string> untracked(std::vector<std::string> keys) const;

  void shut_down();
  // shut_down(), then blocks until no key is being processed.
  void shut_down_with_drain();
  bool shutting_down() const;

 private:
  void enqueue_locked(const std::string& key, Priority priority) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::MonotonicTime now() const;

  util::Clock* const clock_ = nullptr;
  WorkQueueObserver* const observer_ = nullptr;
  mutable util::Mutex mu_;
  util::CondVar cv_;       // a key is waiting, or shutting down
  util::CondVar drained_;  // nothing is processing (for shut_down_with_drain)
  // Hash tables rather than trees: a burst passes tens of thousands of keys
  // through dirty_, and a tree's node per key, freed between the views the
  // informers allocated meanwhile, left that many holes in the heap (~1 MB at
  // 10,000 keys); a table keeps its keys in one array.
  //
  // Keys that need processing, with the lane they wait in and since when:
  // every waiting key, plus keys re-added while processing (they enter a lane
  // at done()).
  struct Dirty {
    Priority priority;
    util::MonotonicTime since;
  };
  absl::flat_hash_map<std::string, Dirty, util::StringKeyHash, std::equal_to<>> dirty_
      ABSL_GUARDED_BY(mu_);
  // Keys handed to a worker, with when.
  absl::flat_hash_map<std::string, util::MonotonicTime, util::StringKeyHash, std::equal_to<>>
      processing_ ABSL_GUARDED_BY(mu_);
  // Each waiting key has an entry in the lane of its dirty_ priority; a key
  // moved up leaves a stale entry behind, which get() skips.
  std::array<std::deque<std::string>, 2> lanes_ ABSL_GUARDED_BY(mu_);
  size_t waiting_ ABSL_GUARDED_BY(mu_) = 0;  // keys in dirty_ and not in processing_
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kube
