// A WorkQueue that can also add a key later (client-go's DelayingInterface):
// add_after(key, d) makes `key` ready after `d` on the injected clock. The
// controller schedules each credential refresh this way. While a key waits,
// an earlier add_after for it wins (a later one is ignored, but its priority
// counts if more urgent); a plain add() makes it ready now (a pending delayed
// add still fires later, harmlessly: the work queue deduplicates).
//
// Thread-safety: thread-safe. Ownership: owns a background thread that moves
// due keys into the queue; the destructor shuts down and joins it. Time
// source: the Clock's monotonic reading (FakeClock::step drives it in tests).
// Shutdown: as WorkQueue; keys still waiting are dropped.
#pragma once

#include <functional>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "pkg/kube/work_queue.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/strings.h"

namespace kube {

class DelayingQueue {
 public:
  // `observer` (optional): see WorkQueueObserver; add_after counts as a retry.
  explicit DelayingQueue(util::Clock& clock, WorkQueueObserver* observer = nullptr);
  ~DelayingQueue();
  DelayingQueue(const DelayingQueue&) = delete;
  DelayingQueue& operator=(const DelayingQueue&) = delete;

  void add(std::string_view key, Priority priority = Priority::kNormal) {
    queue_.add(key, priority);
  }
  // d <= 0 adds now.
  void add_after(std::string_view key, absl::Duration d, Priority priority = Priority::kNormal);
  std::optional<std::string> get() { return queue_.get(); }
  void done(std::string_view key) { queue_.done(key); }
  size_t len() const { return queue_.len(); }
  WorkQueue::InFlight in_flight() const { return queue_.in_flight(); }
  // Keys waiting for their time.
  size_t waiting() const;
  // The keys of `keys` that are neither queued, being processed nor waiting
  // for their time.
  std::vector<std::string> untracked(std::vector<std::string> keys) const;
  void shut_down();
  void shut_down_with_drain();
  bool shutting_down() const { return queue_.shutting_down(); }

 private:
  void waiting_loop(std::stop_token stop);

  util::Clock& clock_;
  WorkQueueObserver* const observer_;
  WorkQueue queue_;
  mutable util::Mutex mu_;
  util::CondVar cv_;
  struct Waiting {
    util::MonotonicTime at;
    Priority priority;
  };
  // A key waits as long as its delay (a refresh: most of an hour). Its
  // entry in ready_at_ is packed in this pool: allocated by the worker that schedules it, among
  // that worker's short-lived request buffers, they would keep those pages
  // resident once freed. Chunks of at most 64 entries: a pool that doubles
  // its chunks leaves up to half of the last one unused (~45 B per key at
  // 10,000). Used only under mu_.
  std::pmr::unsynchronized_pool_resource pool_{std::pmr::pool_options{.max_blocks_per_chunk = 64}};
  // The keys waiting. A hash map's entries stay where they are, so by_time_
  // can view their keys.
  std::pmr::unordered_map<std::pmr::string, Waiting, util::StringKeyHash, std::equal_to<>> ready_at_
      ABSL_GUARDED_BY(mu_){&pool_};
  // (when, key): the key viewed in ready_at_. A B-tree: ~25 B per entry side
  // by side, where a set's node costs ~64. Its nodes come from the default
  // allocator, not from pool_: absl's B-tree (20220623) poisons a node's free
  // slots for AddressSanitizer and gives the node back still poisoned, so
  // memory the pool recycles for ready_at_ would trip ASan.
  using Due = std::pair<util::MonotonicTime, std::string_view>;
  absl::btree_set<Due> by_time_ ABSL_GUARDED_BY(mu_);
  std::jthread loop_;  // last: starts after the members it uses
};

}  // namespace kube
