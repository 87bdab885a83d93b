// One stored object version: its serialised JSON plus the metadata the store
// indexes (name, namespace, uid, resourceVersion, labels, selectable fields,
// owners). Versions are immutable and shared between the store, the watch
// history and responses, so a list or a watch event never copies an object.
//
// Thread-safety: immutable after make_record().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/sim/kube/json.h"
#include "tests/sim/kube/selector.h"

namespace sim::kube {

struct ObjectRecord {
  std::string json;  // the object as stored (storage apiVersion)
  std::string ns;    // "" for cluster-scoped objects
  std::string name;
  std::string uid;
  uint64_t resource_version = 0;
  StringPairs labels;  // sorted
  StringPairs fields;  // selectable fields (metadata.name, type, involvedObject.name, ...)
  std::vector<std::string> owner_uids;
  bool has_finalizers = false;
  bool deleting = false;  // metadata.deletionTimestamp set

  // "ns/name" (or "/name"): the key objects are ordered by, as etcd orders them.
  std::string key() const { return ns + "/" + name; }
};

using RecordPtr = std::shared_ptr<const ObjectRecord>;

// Indexes `object` (whose metadata.resourceVersion is already set) for the
// bucket `storage_key` ("/secrets", "/events", "zalando.org/awsiamroles").
RecordPtr make_record(const json::Value& object, std::string_view storage_key);

// An object's metadata.labels, sorted (what selectors match).
StringPairs labels_of(const json::Value& object);

// "ns/name", the ordering key of ObjectRecord::key().
std::string object_key(std::string_view ns, std::string_view name);

}  // namespace sim::kube
