#include "controller/domain/views.h"

#include <algorithm>

#include "controller/domain/plan.h"
#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

bool is_written_key(std::string_view key) {
  for (const std::string_view ours : {kCredentialsKey, kCredentialsProcessKey, kCredentialsJsonKey,
                                      kRoleArnKey, kExpireKey, kGenerationKey}) {
    if (key == ours) return true;
  }
  return false;
}

// Which of the two labels every Secret of the controller carries `key: value`
// is, if either (with another value it is just another label).
enum class OwnLabel { kNone, kHeritage, kType };

OwnLabel own_label(std::string_view key, std::string_view value) {
  if (key == kHeritageLabel && value == kHeritageValue) return OwnLabel::kHeritage;
  if (key == kTypeLabel && value == kTypeValue) return OwnLabel::kType;
  return OwnLabel::kNone;
}

// A Secret's `others`, or nothing when it has none.
const ManagedSecret::Others& others_of(const ManagedSecret& secret) {
  static const ManagedSecret::Others kNone;
  return secret.others != nullptr ? *secret.others : kNone;
}

}  // namespace

AwsIamRole role_view(const kube::Object& role) {
  auto parsed = parse_awsiamrole(role.json());
  if (parsed.ok()) return *std::move(parsed);
  AwsIamRole unreadable;
  unreadable.name = role.name();
  unreadable.namespace_ = role.namespace_name();
  unreadable.uid = role.uid();
  unreadable.version = role.resource_version();
  unreadable.spec_error = parsed.status();
  return unreadable;
}

const std::vector<kube::OwnerReference>& ManagedSecret::other_owner_references() const {
  return others_of(*this).owner_references;
}
const kube::StringMap& ManagedSecret::other_labels() const {
  return others_of(*this).labels;
}
const std::vector<std::string>& ManagedSecret::other_data_keys() const {
  return others_of(*this).data_keys;
}

std::vector<std::string_view> ManagedSecret::label_keys() const {
  std::vector<std::string_view> keys;
  keys.reserve(other_labels().size() + 2);
  if (heritage_label) keys.push_back(kHeritageLabel);
  if (type_label) keys.push_back(kTypeLabel);
  for (const auto& [key, value] : other_labels())
    keys.push_back(key);
  return keys;
}

bool ManagedSecret::has_label(std::string_view key, std::string_view value) const {
  switch (own_label(key, value)) {
    case OwnLabel::kHeritage:
      return heritage_label;
    case OwnLabel::kType:
      return type_label;
    case OwnLabel::kNone:
      break;
  }
  auto it = other_labels().find(key);
  return it != other_labels().end() && it->second == value;
}

bool ManagedSecret::labels_are(const kube::StringMap& labels) const {
  for (const auto& [key, value] : labels) {
    if (!has_label(key, value)) return false;
  }
  // Every label of `labels` is here, and keys are unique: equal when as many.
  return labels.size() == other_labels().size() + (heritage_label ? 1 : 0) + (type_label ? 1 : 0);
}

std::vector<kube::OwnerReference> ManagedSecret::owner_references() const {
  std::vector<kube::OwnerReference> refs = other_owner_references();
  if (!role_owner_uid.empty()) {
    refs.insert(refs.begin() + std::min<ptrdiff_t>(role_owner_at, std::ssize(refs)),
                controller_owner_reference(name, role_owner_uid));
  }
  return refs;
}

bool ManagedSecret::has_owner(std::string_view kind, const kube::Uid& uid) const {
  if (kind == kAwsIamRoleKind && !role_owner_uid.empty() && role_owner_uid == uid) return true;
  return std::ranges::any_of(other_owner_references(), [&](const kube::OwnerReference& ref) {
    return ref.kind == kind && ref.uid == uid;
  });
}

ManagedSecret secret_view(const kube::Object& secret) {
  ManagedSecret view{.namespace_ = std::string(secret.namespace_name()),
                     .name = std::string(secret.name()),
                     .uid = secret.uid(),
                     .version = std::string(secret.resource_version())};
  ManagedSecret::Others others;
  std::vector<kube::OwnerReference> refs = secret.owner_references();
  for (uint32_t i = 0; i < refs.size(); ++i) {
    if (view.role_owner_uid.empty() && !refs[i].uid.empty() &&
        refs[i] == controller_owner_reference(view.name, refs[i].uid)) {
      view.role_owner_at = i;
      view.role_owner_uid = refs[i].uid;
    } else {
      others.owner_references.push_back(std::move(refs[i]));
    }
  }
  if (const kube::JsonValue* labels = kube::json::find_path(secret.json(), {"metadata", "labels"});
      labels != nullptr && labels->IsObject()) {
    for (const auto& member : labels->GetObject()) {
      const std::string_view key = kube::json::as_string(member.name);
      const std::string_view value = kube::json::as_string(member.value);
      switch (own_label(key, value)) {
        case OwnLabel::kHeritage:
          view.heritage_label = true;
          break;
        case OwnLabel::kType:
          view.type_label = true;
          break;
        case OwnLabel::kNone:
          others.labels.emplace(key, value);
          break;
      }
    }
  }
  if (auto annotation = secret.annotation(kIssuedAtAnnotation)) {
    if (auto t = util::parse_rfc3339(*annotation); t.ok()) view.issued_at = *t;
  }
  // Only the three keys that say what the credentials are for are decoded;
  // of the credential keys the controller reads only whether they hold
  // something (base64 of nothing is nothing). Their values are never decoded
  // here, so they never sit in this process's memory as text.
  const kube::JsonValue* data = kube::json::find(secret.json(), "data");
  auto encoded = [&](std::string_view key) -> std::string_view {
    const kube::JsonValue* value = data != nullptr ? kube::json::find(*data, key) : nullptr;
    return value != nullptr ? kube::json::as_string(*value) : std::string_view();
  };
  SecretData metadata_values;
  std::vector<std::string> undecodable;
  const kube::SecretView secret_data(secret);
  for (const std::string& key : secret_data.data_keys()) {
    if (!is_written_key(key)) {
      others.data_keys.push_back(key);
    } else if (key == kRoleArnKey || key == kExpireKey || key == kGenerationKey) {
      auto value = secret_data.data(key);
      if (value.ok()) {
        metadata_values.emplace(key, std::move(*value));
      } else {
        undecodable.push_back(util::cat(key, " is not valid base64"));
      }
    }
  }
  view.holds_credentials = secret_data.has_data(kCredentialsJsonKey) ||
                           secret_data.has_data(kCredentialsKey) ||
                           secret_data.has_data(kCredentialsProcessKey);
  view.data = inspect_secret_data(metadata_values,
                                  [&](std::string_view key) { return !encoded(key).empty(); });
  view.data.problems.insert(view.data.problems.begin(), undecodable.begin(), undecodable.end());
  if (!others.owner_references.empty() || !others.labels.empty() || !others.data_keys.empty()) {
    view.others = std::make_shared<const ManagedSecret::Others>(std::move(others));
  }
  return view;
}

NamespaceView namespace_view(const kube::Object& ns, const NamespacePolicyOptions* restrictions) {
  const kube::JsonValue* status = kube::json::find(ns.json(), "status");
  NamespaceView view{.name = std::string(ns.name()),
                     .version = std::string(ns.resource_version()),
                     .terminating = ns.deletion_timestamp().has_value() ||
                                    (status != nullptr &&
                                     kube::json::get_string(*status, "phase") == "Terminating")};
  if (auto value = ns.annotation(kAllowedRolesAnnotation)) view.allowed_roles = std::string(*value);
  if (auto value = ns.annotation(kPermittedAnnotation)) view.permitted = std::string(*value);
  if (restrictions != nullptr) {
    view.policy = std::make_shared<const NamespacePolicy>(
        NamespacePolicy::compile(view.name, view.allowed_roles, view.permitted,
                                 restrictions->default_allowed_roles, restrictions->base));
  }
  return view;
}

std::shared_ptr<const NamespacePolicy> policy_in_force(const NamespaceView* view,
                                                       std::string_view ns) {
  if (view != nullptr && view->policy != nullptr) return view->policy;
  return std::make_shared<const NamespacePolicy>(
      NamespacePolicy::unknown_namespace(std::string(ns)));
}

ServiceAccountView service_account_view(const kube::Object& service_account) {
  auto read = [&](std::string_view key) -> std::optional<std::string> {
    auto value = service_account.annotation(key);
    return value ? std::optional<std::string>(*value) : std::nullopt;
  };
  return {.namespace_ = std::string(service_account.namespace_name()),
          .name = std::string(service_account.name()),
          .version = std::string(service_account.resource_version()),
          .role = read(kKube2iamRoleAnnotation),
          .role_arn = read(kIam4kubeRoleArnAnnotation),
          .external_id = read(kIam4kubeExternalIdAnnotation),
          .irsa_role_arn = read(kIrsaRoleArnAnnotation)};
}

}  // namespace controller
