// The informer's cache: a thread-safe map from key ("namespace/name") to the
// latest ObjectPtr, with named secondary indexes (client-go's Indexer), e.g.
// Secrets by owner UID or by a label value.
//
// Thread-safety: thread-safe; readers get shared immutable snapshots
// (ObjectPtr), never references into the map. Writers are the informer;
// anyone may read. Indexers should be added before objects arrive (adding one
// later indexes existing objects). Index functions must be pure and cheap:
// they run under the store's lock. Errors: add_indexer → kAlreadyExists;
// by_index → kNotFound for an unknown index name.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pkg/kube/object.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace kube {

// The index values of an object (none, one or several).
using IndexFunc = std::function<std::vector<std::string>(const Object&)>;

// Stock index functions.
IndexFunc index_by_namespace();
IndexFunc index_by_owner_uid();                   // every ownerReferences[].uid
IndexFunc index_by_label(std::string label_key);  // the label's value, if set

class Store {
 public:
  // What replace() changed, in key order.
  struct Diff {
    std::vector<ObjectPtr> added;
    std::vector<std::pair<ObjectPtr, ObjectPtr>> updated;  // (old, new), resourceVersion differs
    std::vector<ObjectPtr> removed;                        // last known state
  };

  util::Status add_indexer(std::string name, IndexFunc fn);

  ObjectPtr get(std::string_view key) const;  // nullptr when absent
  std::vector<ObjectPtr> list() const;        // key order
  std::vector<ObjectPtr> list_by_namespace(std::string_view ns) const;
  std::vector<std::string> keys() const;
  util::StatusOr<std::vector<ObjectPtr>> by_index(std::string_view index,
                                                  std::string_view value) const;
  size_t size() const;

  // Inserts or replaces by key; returns the previous object (nullptr if new).
  ObjectPtr upsert(ObjectPtr object);
  // Removes by key; returns the removed object (nullptr if absent).
  ObjectPtr remove(std::string_view key);
  // Makes the store hold exactly `objects` (a relist) and says what changed.
  Diff replace(std::vector<ObjectPtr> objects);

 private:
  struct Index {
    IndexFunc fn;
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> keys_by_value;
  };
  void index_locked(const std::string& key, const Object& object)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void unindex_locked(const std::string& key, const Object& object)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  std::map<std::string, ObjectPtr, std::less<>> items_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Index, std::less<>> indexes_ ABSL_GUARDED_BY(mu_);
  // namespace → keys, always maintained for list_by_namespace().
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> by_namespace_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace kube
