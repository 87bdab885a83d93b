#include "pkg/kube/object.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace kube {
namespace {

StringMap string_map(const JsonValue* map) {
  StringMap out;
  if (map == nullptr || !map->IsObject()) return out;
  for (const auto& member : map->GetObject()) {
    out.emplace(json::as_string(member.name), json::as_string(member.value));
  }
  return out;
}

std::optional<std::string_view> map_value(const JsonValue* map, std::string_view key) {
  if (map == nullptr) return std::nullopt;
  const JsonValue* v = json::find(*map, key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return json::as_string(*v);
}

std::optional<absl::Time> time_member(const JsonValue* metadata, std::string_view key) {
  if (metadata == nullptr) return std::nullopt;
  const std::string_view text = json::get_string(*metadata, key);
  if (text.empty()) return std::nullopt;
  auto parsed = util::parse_rfc3339(text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

JsonValue string_map_value(const StringMap& map) {
  JsonAllocator alloc;
  JsonValue out(rapidjson::kObjectType);
  for (const auto& [k, v] : map)
    out.AddMember(json::make_string(k), json::make_string(v), alloc);
  return out;
}

}  // namespace

Object::Object() : value_(rapidjson::kObjectType) {}

Object::Object(JsonValue&& value) : value_(std::move(value)) {
  if (!value_.IsObject()) value_.SetObject();
}

util::StatusOr<Object> Object::parse(std::string_view json_text) {
  ASSIGN_OR_RETURN(JsonValue value, json::parse(json_text));
  if (!value.IsObject()) return util::invalid_argument_error("JSON is not an object");
  return Object(std::move(value));
}

Object::Object(const Object& other) {
  JsonAllocator alloc;
  value_.CopyFrom(other.value_, alloc);
}

Object& Object::operator=(const Object& other) {
  if (this != &other) {
    JsonAllocator alloc;
    value_.CopyFrom(other.value_, alloc);
  }
  return *this;
}

Object::Object(Object&& other) noexcept : value_(rapidjson::kObjectType) {
  value_.Swap(other.value_);
}

Object& Object::operator=(Object&& other) noexcept {
  value_.Swap(other.value_);
  return *this;
}

const JsonValue* Object::metadata() const {
  return json::find(value_, "metadata");
}

JsonValue& Object::mutable_metadata() {
  return json::ensure_object(value_, "metadata");
}

std::string_view Object::api_version() const {
  return json::get_string(value_, "apiVersion");
}
std::string_view Object::kind() const {
  return json::get_string(value_, "kind");
}

std::string_view Object::name() const {
  const JsonValue* m = metadata();
  return m == nullptr ? std::string_view() : json::get_string(*m, "name");
}

std::string_view Object::namespace_name() const {
  const JsonValue* m = metadata();
  return m == nullptr ? std::string_view() : json::get_string(*m, "namespace");
}

std::string_view Object::uid() const {
  const JsonValue* m = metadata();
  return m == nullptr ? std::string_view() : json::get_string(*m, "uid");
}

std::string_view Object::resource_version() const {
  const JsonValue* m = metadata();
  return m == nullptr ? std::string_view() : json::get_string(*m, "resourceVersion");
}

int64_t Object::generation() const {
  const JsonValue* m = metadata();
  return m == nullptr ? 0 : json::get_int(*m, "generation").value_or(0);
}

std::optional<std::string_view> Object::label(std::string_view key) const {
  return map_value(json::find_path(value_, {"metadata", "labels"}), key);
}

StringMap Object::labels() const {
  return string_map(json::find_path(value_, {"metadata", "labels"}));
}

std::optional<std::string_view> Object::annotation(std::string_view key) const {
  return map_value(json::find_path(value_, {"metadata", "annotations"}), key);
}

StringMap Object::annotations() const {
  return string_map(json::find_path(value_, {"metadata", "annotations"}));
}

std::vector<OwnerReference> Object::owner_references() const {
  std::vector<OwnerReference> out;
  const JsonValue* refs = json::find_path(value_, {"metadata", "ownerReferences"});
  if (refs == nullptr || !refs->IsArray()) return out;
  for (const auto& ref : refs->GetArray()) {
    OwnerReference r;
    r.api_version = json::get_string(ref, "apiVersion");
    r.kind = json::get_string(ref, "kind");
    r.name = json::get_string(ref, "name");
    r.uid = json::get_string(ref, "uid");
    const JsonValue* controller = json::find(ref, "controller");
    r.controller = controller != nullptr && controller->IsBool() && controller->GetBool();
    const JsonValue* block = json::find(ref, "blockOwnerDeletion");
    r.block_owner_deletion = block != nullptr && block->IsBool() && block->GetBool();
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<absl::Time> Object::creation_timestamp() const {
  return time_member(metadata(), "creationTimestamp");
}

std::optional<absl::Time> Object::deletion_timestamp() const {
  return time_member(metadata(), "deletionTimestamp");
}

std::string Object::key() const {
  return object_key(namespace_name(), name());
}

void Object::set_api_version(std::string_view v) {
  json::set_string(value_, "apiVersion", v);
}
void Object::set_kind(std::string_view v) {
  json::set_string(value_, "kind", v);
}
void Object::set_name(std::string_view v) {
  json::set_string(mutable_metadata(), "name", v);
}

void Object::set_namespace(std::string_view v) {
  if (v.empty()) {
    json::remove(mutable_metadata(), "namespace");
  } else {
    json::set_string(mutable_metadata(), "namespace", v);
  }
}

void Object::set_resource_version(std::string_view v) {
  if (v.empty()) {
    json::remove(mutable_metadata(), "resourceVersion");
  } else {
    json::set_string(mutable_metadata(), "resourceVersion", v);
  }
}

void Object::set_label(std::string_view key, std::string_view value) {
  json::set_string(json::ensure_object(mutable_metadata(), "labels"), key, value);
}

void Object::remove_label(std::string_view key) {
  if (JsonValue* labels = json::find(mutable_metadata(), "labels")) json::remove(*labels, key);
}

void Object::set_labels(const StringMap& labels) {
  json::set(mutable_metadata(), "labels", string_map_value(labels));
}

void Object::set_annotation(std::string_view key, std::string_view value) {
  json::set_string(json::ensure_object(mutable_metadata(), "annotations"), key, value);
}

void Object::remove_annotation(std::string_view key) {
  if (JsonValue* a = json::find(mutable_metadata(), "annotations")) json::remove(*a, key);
}

void Object::set_owner_references(const std::vector<OwnerReference>& refs) {
  JsonAllocator alloc;
  JsonValue array(rapidjson::kArrayType);
  for (const OwnerReference& r : refs) {
    JsonValue ref(rapidjson::kObjectType);
    json::set_string(ref, "apiVersion", r.api_version);
    json::set_string(ref, "kind", r.kind);
    json::set_string(ref, "name", r.name);
    json::set_string(ref, "uid", r.uid);
    if (r.controller) json::set(ref, "controller", JsonValue(true));
    if (r.block_owner_deletion) json::set(ref, "blockOwnerDeletion", JsonValue(true));
    array.PushBack(std::move(ref), alloc);
  }
  json::set(mutable_metadata(), "ownerReferences", std::move(array));
}

void Object::strip_managed_fields() {
  if (JsonValue* m = json::find(value_, "metadata")) json::remove(*m, "managedFields");
}

std::string Object::to_json() const {
  return json::serialize(value_);
}

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  return util::cat(ns, "/", name);
}

}  // namespace kube
