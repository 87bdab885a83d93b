#include "controller/cache_projection.h"

#include <initializer_list>

#include "controller/awsiamrole.h"
#include "controller/namespace_policy.h"
#include "controller/plan.h"
#include "controller/secret_data.h"

namespace controller {
namespace {

// Moves the members named `keys` of `from` (those present) into `to`.
void take(kube::JsonValue& from, kube::JsonValue& to,
          std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (kube::JsonValue* value = kube::json::find(from, key); value != nullptr) {
      kube::json::set(to, key, std::move(*value));
    }
  }
}

// A new object with `keys` of `object`, and metadata with `metadata_keys`.
kube::JsonValue projection(kube::JsonValue& object, std::initializer_list<std::string_view> keys,
                           std::initializer_list<std::string_view> metadata_keys) {
  kube::JsonValue out(rapidjson::kObjectType);
  take(object, out, {"apiVersion", "kind"});
  kube::JsonValue metadata(rapidjson::kObjectType);
  if (kube::JsonValue* from = kube::json::find(object, "metadata"); from != nullptr) {
    take(*from, metadata, metadata_keys);
  }
  kube::json::set(out, "metadata", std::move(metadata));
  take(object, out, keys);
  return out;
}

// Names and values that every cached object repeats and that are too long
// for rapidjson to keep inline (more than 13 bytes): each becomes a reference
// to one of these constants instead of a heap copy per object.
constexpr std::string_view kSharedStrings[] = {
    // metadata
    "resourceVersion", "ownerReferences", "blockOwnerDeletion", "deletionTimestamp",
    kIssuedAtAnnotation, kHeritageValue, kAwsIamRoleApiVersion,
    // the Secret's data keys
    kCredentialsJsonKey, kCredentialsProcessKey, kGenerationKey,
    // the AWSIAMRole's spec and status
    "roleSessionDuration", "observedGeneration", "lastTransitionTime", kReasonCredentialsIssued};
constexpr size_t kInlineStringMax = 13;

void share_string(kube::JsonValue& text) {
  if (text.GetStringLength() <= kInlineStringMax) return;
  const std::string_view value = kube::json::as_string(text);
  for (const std::string_view shared : kSharedStrings) {
    if (value == shared) {
      text.SetString(rapidjson::StringRef(shared.data(), shared.size()));
      return;
    }
  }
}

void share_strings(kube::JsonValue& value) {
  if (value.IsObject()) {
    for (auto& member : value.GetObject()) {
      share_string(member.name);
      share_strings(member.value);
    }
  } else if (value.IsArray()) {
    for (kube::JsonValue& item : value.GetArray())
      share_strings(item);
  } else if (value.IsString()) {
    share_string(value);
  }
}

// The object as parsed from its own JSON: rapidjson sizes parsed member
// arrays exactly, while one built member by member reserves 16 members per
// object (half a kilobyte) — at 10,000 cached objects that is the difference.
// Then the strings every object repeats are shared.
kube::Object compacted(const kube::JsonValue& object) {
  auto parsed = kube::Object::parse(kube::json::serialize(object));
  if (!parsed.ok()) return kube::Object();
  share_strings(parsed->mutable_json());
  return std::move(*parsed);
}

}  // namespace

void project_secret(kube::Object& secret) {
  kube::JsonValue& object = secret.mutable_json();
  kube::JsonValue out =
      projection(object, {"type"},
                 {"name", "namespace", "uid", "resourceVersion", "labels", "ownerReferences"});
  if (auto issued_at = secret.annotation(kIssuedAtAnnotation)) {
    kube::JsonValue annotations(rapidjson::kObjectType);
    kube::json::set_string(annotations, kIssuedAtAnnotation, *issued_at);
    kube::json::set(kube::json::ensure_object(out, "metadata"), "annotations",
                    std::move(annotations));
  }
  if (kube::JsonValue* data = kube::json::find(object, "data");
      data != nullptr && data->IsObject()) {
    kube::JsonValue projected(rapidjson::kObjectType);
    for (auto& member : data->GetObject()) {
      const std::string_view key = kube::json::as_string(member.name);
      const bool kept = key == kRoleArnKey || key == kExpireKey || key == kGenerationKey;
      kube::json::set(projected, key,
                      kept ? std::move(member.value) : kube::json::make_string(kProjectedValue));
    }
    kube::json::set(out, "data", std::move(projected));
  }
  secret = compacted(out);
}

void project_awsiamrole(kube::Object& role) {
  role = compacted(projection(role.mutable_json(), {"spec", "status"},
                              {"name", "namespace", "uid", "resourceVersion", "generation",
                               "labels", "deletionTimestamp"}));
}

void project_namespace(kube::Object& ns) {
  kube::JsonValue out = projection(ns.mutable_json(), {}, {"name", "uid", "resourceVersion"});
  kube::JsonValue annotations(rapidjson::kObjectType);
  for (const std::string_view key : {kAllowedRolesAnnotation, kPermittedAnnotation}) {
    if (auto value = ns.annotation(key)) kube::json::set_string(annotations, key, *value);
  }
  if (!annotations.ObjectEmpty()) {
    kube::json::set(kube::json::ensure_object(out, "metadata"), "annotations",
                    std::move(annotations));
  }
  ns = compacted(out);
}

}  // namespace controller
