// Deleting objects and what follows from it, as the apiserver plus its
// controllers would do it, but synchronously: objects with finalizers get a
// deletionTimestamp instead; deleting a namespace deletes everything in it;
// deleting a CRD deletes its custom resources; the garbage collector (when
// switched on) deletes dependents whose owners (by uid) are gone, honouring
// propagationPolicy Background / Foreground / Orphan.
//
// Thread-safety: thread-safe (all state is in the ObjectStore).
// Errors: kNotFound, kAborted (precondition or concurrent change).
#pragma once

#include <string>

#include "pkg/util/status.h"
#include "tests/sim/kube/api_context.h"

namespace sim::kube {

enum class Propagation { kBackground, kForeground, kOrphan };

class Deleter {
 public:
  explicit Deleter(ApiContext& context) : context_(context) {}

  struct Result {
    RecordPtr record;      // the deleted object, or its new state when only marked
    bool deleted = false;  // false: finalizers pending, deletionTimestamp set
  };

  // Deletes one object. `expected_rv` / `expected_uid` are preconditions
  // (0 / "" = none). Cascades after a real deletion.
  util::StatusOr<Result> remove(std::string_view storage_key, std::string_view ns,
                                std::string_view name, uint64_t expected_rv,
                                std::string_view expected_uid, Propagation propagation);

  // Deletes `record` if garbage collection is on and none of its owners
  // exists any more. Returns whether it did.
  bool collect_if_orphaned(std::string_view storage_key, const ObjectRecord& record);

  // Deletes every orphan (a full garbage collector pass); returns how many.
  size_t collect_garbage();

 private:
  void cascade(std::string_view storage_key, const ObjectRecord& deleted, Propagation propagation);
  void delete_dependents(const std::string& owner_uid);
  void orphan_dependents(const std::string& owner_uid);
  // Sets metadata.deletionTimestamp on an object with finalizers.
  util::StatusOr<RecordPtr> mark_deleting(std::string_view storage_key, const RecordPtr& current);

  ApiContext& context_;
};

}  // namespace sim::kube
