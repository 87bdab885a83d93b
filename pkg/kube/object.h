// A Kubernetes object as JSON, with typed accessors for the metadata every
// kind shares. Caches, event handlers and workers share one immutable copy
// through ObjectPtr (std::shared_ptr<const Object>); to change an object, copy
// it (Object is a value type), edit the copy, and send it.
//
// Thread-safety: const methods may be called concurrently; mutation needs the
// object to be unshared (which ObjectPtr's const guarantees for cached ones).
// Memory: one rapidjson value with CrtAllocator (see json.h): about the size of
// the JSON text, no per-object pool. Views returned by accessors
// (std::string_view) point into the object and live as long as it does.
// Errors: parse() returns kInvalidArgument for malformed JSON or a non-object.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/kube/json.h"
#include "pkg/util/status.h"

namespace kube {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;

  friend bool operator==(const OwnerReference&, const OwnerReference&) = default;
};

using StringMap = std::map<std::string, std::string, std::less<>>;

class Object {
 public:
  // An empty JSON object `{}`.
  Object();
  // Takes ownership of a JSON object value (anything else becomes `{}`).
  explicit Object(JsonValue&& value);
  static util::StatusOr<Object> parse(std::string_view json_text);

  Object(const Object& other);  // deep copy
  Object& operator=(const Object& other);
  Object(Object&& other) noexcept;
  Object& operator=(Object&& other) noexcept;
  ~Object() = default;

  // --- type and metadata (empty / nullopt when absent) ---
  std::string_view api_version() const;
  std::string_view kind() const;
  std::string_view name() const;
  std::string_view namespace_name() const;
  std::string_view uid() const;
  std::string_view resource_version() const;
  int64_t generation() const;  // 0 when absent
  std::optional<std::string_view> label(std::string_view key) const;
  StringMap labels() const;
  std::optional<std::string_view> annotation(std::string_view key) const;
  StringMap annotations() const;
  std::vector<OwnerReference> owner_references() const;
  std::optional<absl::Time> creation_timestamp() const;
  std::optional<absl::Time> deletion_timestamp() const;
  // "namespace/name", or "name" for cluster-scoped objects (client-go's
  // MetaNamespaceKeyFunc): the key of caches and work queues.
  std::string key() const;

  // --- edits (on an unshared copy) ---
  void set_api_version(std::string_view v);
  void set_kind(std::string_view v);
  void set_name(std::string_view v);
  void set_namespace(std::string_view v);
  void set_resource_version(std::string_view v);
  void set_label(std::string_view key, std::string_view value);
  void remove_label(std::string_view key);
  void set_labels(const StringMap& labels);  // replaces all
  void set_annotation(std::string_view key, std::string_view value);
  void remove_annotation(std::string_view key);
  void set_owner_references(const std::vector<OwnerReference>& refs);
  // Drops metadata.managedFields (server bookkeeping that informers need not
  // cache; often the largest part of a small object).
  void strip_managed_fields();

  // The whole document, for kind-specific fields (spec, status, data, ...).
  const JsonValue& json() const { return value_; }
  JsonValue& mutable_json() { return value_; }
  // Compact JSON for a request body.
  std::string to_json() const;

  // Equal JSON (member order matters, as rapidjson compares it).
  friend bool operator==(const Object& a, const Object& b) { return a.value_ == b.value_; }

 private:
  const JsonValue* metadata() const;
  JsonValue& mutable_metadata();

  JsonValue value_;  // always an object
};

using ObjectPtr = std::shared_ptr<const Object>;

inline ObjectPtr share(Object&& object) {
  return std::make_shared<const Object>(std::move(object));
}

// The key of an object named `name` in `ns` ("" for cluster-scoped).
std::string object_key(std::string_view ns, std::string_view name);

}  // namespace kube
