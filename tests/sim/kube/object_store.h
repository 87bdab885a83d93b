// The simulator's etcd + watch cache: objects per storage bucket
// ("/secrets", "zalando.org/awsiamroles") ordered by namespace/name, one
// global monotonically increasing resourceVersion, a bounded per-bucket
// history of changes for watches and consistent paginated lists, and the
// uid/owner indexes garbage collection needs.
//
// Thread-safety: thread-safe; one mutex guards everything. Watchers block in
// wait_events() on the injected clock, so tests drive bookmarks and timeouts
// with FakeClock::step().
// Errors: kAlreadyExists, kNotFound, kAborted (resourceVersion precondition
// failed), kOutOfRange (resourceVersion or continue token older than the
// history: the caller answers 410 Expired), kInvalidArgument (malformed
// continue token / resourceVersion), kDeadlineExceeded (resourceVersion
// newer than the store after waiting 3 s: 504).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"
#include "tests/sim/kube/object_record.h"

namespace sim::kube {

enum class EventType { kAdded, kModified, kDeleted };

struct ChangeEvent {
  uint64_t resource_version = 0;
  EventType type = EventType::kAdded;
  RecordPtr object;    // new state; for DELETED the last state carrying the deletion's RV
  RecordPtr previous;  // state before the change; null for ADDED
};

struct ListRequest {
  std::string storage_key;
  std::string ns;                                      // "" = all namespaces
  std::function<bool(const ObjectRecord&)> predicate;  // null = everything
  int64_t limit = 0;                                   // 0 = no limit
  std::string continue_token;
  std::string resource_version;        // "", "0" or a number
  std::string resource_version_match;  // "", "NotOlderThan", "Exact"
};

struct ListResult {
  std::vector<RecordPtr> items;
  uint64_t resource_version = 0;
  std::string continue_token;
  std::optional<int64_t> remaining_item_count;
};

struct ObjectLocation {
  std::string storage_key;
  std::string ns;
  std::string name;
  friend bool operator<(const ObjectLocation& a, const ObjectLocation& b) {
    return std::tie(a.storage_key, a.ns, a.name) < std::tie(b.storage_key, b.ns, b.name);
  }
};

class ObjectStore {
 public:
  // `history_limit`: changes kept per bucket for watches (the window below
  // which a watch gets 410). `first_resource_version`: the version the first
  // write gets.
  ObjectStore(util::Clock& clock, size_t history_limit, uint64_t first_resource_version = 1);

  RecordPtr get(std::string_view storage_key, std::string_view ns, std::string_view name) const;
  uint64_t current_resource_version() const;
  size_t object_count() const;

  // Writes assign the next resourceVersion, store it in object.metadata,
  // record the change for watchers and wake them. Names come from metadata.
  util::StatusOr<RecordPtr> create(std::string_view storage_key, json::Document& object);
  // expected_rv 0 = unconditional.
  util::StatusOr<RecordPtr> update(std::string_view storage_key, json::Document& object,
                                   uint64_t expected_rv);
  // Returns the object as the DELETED event carries it.
  util::StatusOr<RecordPtr> remove(std::string_view storage_key, std::string_view ns,
                                   std::string_view name, uint64_t expected_rv);

  util::StatusOr<ListResult> list(const ListRequest& request) const;

  bool uid_exists(std::string_view uid) const;
  std::vector<ObjectLocation> dependents_of(std::string_view owner_uid) const;
  std::vector<ObjectLocation> in_namespace(std::string_view ns) const;
  std::vector<ObjectLocation> all_in(std::string_view storage_key) const;
  // Every object whose owners all no longer exist (for a GC sweep).
  std::vector<ObjectLocation> orphans() const;

  struct WatchBatch {
    std::vector<ChangeEvent> events;
    uint64_t current_resource_version = 0;
    bool interrupted = false;  // interrupt_watches() was called since `epoch`
  };
  // kOutOfRange ("too old resource version: N (M)") if changes after
  // `after_rv` are no longer in the history; kDeadlineExceeded if `after_rv`
  // is still newer than the store after 3 s.
  util::Status check_watch_start(std::string_view storage_key, uint64_t after_rv) const;
  // Changes in the bucket after `after_rv`; blocks until there is one,
  // `deadline` passes or interrupt_watches() bumps the epoch past `epoch`.
  // An empty batch that is not interrupted means the deadline passed, or the
  // caller's window fell out of the history (check_watch_start tells).
  WatchBatch wait_events(std::string_view storage_key, uint64_t after_rv,
                         util::MonotonicTime deadline, uint64_t epoch) const;
  uint64_t watch_epoch() const;
  void interrupt_watches();

  // Forgets the history: watches and continue tokens older than now get 410.
  void compact();
  // Removes every object (no events); resourceVersion continues, or restarts
  // at `first_resource_version` when `reset_resource_version`.
  void clear(bool reset_resource_version);

 private:
  struct Bucket {
    std::map<std::string, RecordPtr, std::less<>> objects;  // key "ns/name"
    std::deque<ChangeEvent> history;
    uint64_t evicted_rv = 0;  // watches must start at or after this
  };

  util::StatusOr<RecordPtr> commit_locked(std::string_view storage_key, Bucket& bucket,
                                          json::Document& object, EventType type,
                                          RecordPtr previous) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void record_event_locked(Bucket& bucket, ChangeEvent event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void index_locked(std::string_view storage_key, const RecordPtr& old_record,
                    const RecordPtr& new_record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // State of `bucket` at `rv` for keys > start_key (rv must be in the window).
  std::map<std::string, RecordPtr> overrides_at_locked(const Bucket& bucket, uint64_t rv) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  util::Status wait_for_rv_locked(uint64_t rv) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t floor_locked(const Bucket& bucket) const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return std::max(bucket.evicted_rv, global_floor_);
  }

  util::Clock& clock_;
  const size_t history_limit_;
  const uint64_t first_resource_version_;
  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  uint64_t rv_ ABSL_GUARDED_BY(mu_);  // last assigned
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  // Watches below this version get 410 in every bucket (compact(), clear()).
  uint64_t global_floor_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, Bucket, std::less<>> buckets_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, ObjectLocation> by_uid_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, std::set<ObjectLocation>> dependents_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::kube
