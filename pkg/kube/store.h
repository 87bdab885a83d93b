// The informer's cache: a thread-safe map from key ("namespace/name") to the
// latest state of each object, with named secondary indexes (client-go's
// Indexer), e.g. Secrets by owner UID or by a label value.
//
// Memory: each object is kept packed (object_packer.h: compressed compact
// JSON, ~140 bytes for a projected Secret, a tenth of its DOM's heap) and
// unpacked for each read, which costs a few microseconds. At 10,000 cached
// AWSIAMRoles and Secrets that is the controller's largest saving.
// Thread-safety: thread-safe; readers get their own immutable copies
// (ObjectPtr), never references into the map. Writers are the informer;
// anyone may read. Indexers should be added before objects arrive (adding one
// later indexes existing objects). Index functions must be pure and cheap:
// they run under the store's lock. Errors: add_indexer → kAlreadyExists;
// by_index → kNotFound for an unknown index name.
#pragma once

#include <functional>
#include <map>
#include <memory_resource>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pkg/kube/object.h"
#include "pkg/kube/object_packer.h"
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
  // What an index knows, without unpacking any object (e.g. for metrics over
  // every object): how many objects have `value`, and every (value, key) in
  // value order.
  util::StatusOr<size_t> count_by_index(std::string_view index, std::string_view value) const;
  util::StatusOr<std::vector<std::pair<std::string, std::string>>> index_entries(
      std::string_view index) const;
  size_t size() const;

  // Inserts or replaces by key; returns the previous object (nullptr if new).
  ObjectPtr upsert(const ObjectPtr& object);
  // Removes by key; returns the removed object (nullptr if absent).
  ObjectPtr remove(std::string_view key);
  // Makes the store hold exactly `objects` (a relist) and says what changed.
  Diff replace(std::vector<ObjectPtr> objects);

 private:
  // What the store keeps is allocated from pool_ (see there).
  using String = std::pmr::string;
  using KeySet = std::pmr::set<String, std::less<>>;
  template <typename Value>
  using Map = std::pmr::map<String, Value, std::less<>>;
  struct Index {
    IndexFunc fn;
    Map<KeySet> keys_by_value;
  };
  void index_locked(std::string_view key, const Object& object) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void unindex_locked(std::string_view key, const Object& object)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string_view packed_locked(const Object& object) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ObjectPtr unpacked_locked(std::string_view packed) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  // The cache's long-lived entries, packed together: allocated by whichever
  // thread inserts them, between that thread's short-lived request and parse
  // buffers, they would keep those buffers' pages resident once freed. Used
  // only under mu_.
  std::pmr::unsynchronized_pool_resource pool_;
  mutable ObjectPacker packer_ ABSL_GUARDED_BY(mu_);
  // key → the object, packed.
  Map<String> items_ ABSL_GUARDED_BY(mu_){&pool_};
  std::map<std::string, Index, std::less<>> indexes_ ABSL_GUARDED_BY(mu_);
  // namespace → keys, always maintained for list_by_namespace().
  Map<KeySet> by_namespace_ ABSL_GUARDED_BY(mu_){&pool_};
};

}  // namespace kube
