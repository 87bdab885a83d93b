#include "controller/domain/awsiamrole.h"

#include "pkg/util/strings.h"

namespace controller {
namespace {

std::string string_member(const kube::JsonValue& object, const char* name) {
  if (!object.IsObject()) return "";
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::optional<int64_t> int_member(const kube::JsonValue& object, const char* name) {
  if (!object.IsObject()) return std::nullopt;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
  return it->value.GetInt64();
}

const kube::JsonValue* object_member(const kube::JsonValue& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

util::Status parse_spec(const kube::JsonValue* spec, AwsIamRoleSpec& out) {
  if (spec == nullptr) return util::invalid_argument_error("spec is missing");
  auto ref = spec->FindMember("roleReference");
  if (ref == spec->MemberEnd())
    return util::invalid_argument_error("spec.roleReference is missing");
  if (!ref->value.IsString()) {
    return util::invalid_argument_error("spec.roleReference must be a string");
  }
  // Made at its length: assigned into the empty string it would get twice
  // the small-string capacity (a 48-byte block for a 16-character name).
  out.role_reference = std::string(ref->value.GetString(), ref->value.GetStringLength());
  if (out.role_reference.size() < 3) {
    return util::invalid_argument_error(
        util::cat("spec.roleReference \"", out.role_reference, "\" is shorter than 3 characters"));
  }
  if (auto d = spec->FindMember("roleSessionDuration"); d != spec->MemberEnd()) {
    if (!d->value.IsInt64()) {
      return util::invalid_argument_error("spec.roleSessionDuration must be an integer (seconds)");
    }
    const int64_t seconds = d->value.GetInt64();
    // 0 meant "default" in the Go original, which only set it when > 0.
    if (seconds != 0) {
      if (seconds < kMinSessionDurationSeconds || seconds > kMaxSessionDurationSeconds) {
        return util::invalid_argument_error(
            util::cat("spec.roleSessionDuration ", seconds, " is outside ",
                      kMinSessionDurationSeconds, "..", kMaxSessionDurationSeconds, " seconds"));
      }
      out.session_duration_seconds = seconds;
    }
  }
  SessionPolicies policies;
  if (auto p = spec->FindMember("policy"); p != spec->MemberEnd()) {
    if (!p->value.IsString()) return util::invalid_argument_error("spec.policy must be a string");
    policies.policy = p->value.GetString();
  }
  if (auto p = spec->FindMember("policyARNs"); p != spec->MemberEnd()) {
    if (!p->value.IsArray()) {
      return util::invalid_argument_error("spec.policyARNs must be a list of ARNs");
    }
    for (const auto& arn : p->value.GetArray()) {
      if (!arn.IsString()) return util::invalid_argument_error("spec.policyARNs must be strings");
      policies.policy_arns.emplace_back(arn.GetString());
    }
  }
  if (policies.policy || !policies.policy_arns.empty()) {
    out.session_policies = std::make_shared<const SessionPolicies>(std::move(policies));
  }
  return util::ok_status();
}

AwsIamRoleStatus parse_status(const kube::JsonValue* status) {
  AwsIamRoleStatus out;
  if (status == nullptr) return out;
  out.observed_generation = int_member(*status, "observedGeneration");
  out.role_arn = string_member(*status, "roleARN");
  out.expiration = string_member(*status, "expiration");
  if (auto c = status->FindMember("conditions"); c != status->MemberEnd() && c->value.IsArray()) {
    for (const auto& item : c->value.GetArray()) {
      out.conditions.push_back({.type = string_member(item, "type"),
                                .status = string_member(item, "status"),
                                .reason = string_member(item, "reason"),
                                .message = string_member(item, "message"),
                                .last_transition_time = string_member(item, "lastTransitionTime"),
                                .observed_generation = int_member(item, "observedGeneration")});
    }
  }
  return out;
}

}  // namespace

const Condition* AwsIamRoleStatus::condition(std::string_view type) const {
  for (const auto& c : conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::string_view ready_status(const AwsIamRoleStatus& status) {
  const Condition* ready = status.condition(kReadyCondition);
  if (ready == nullptr) return "Unknown";
  return ready->status == "True" || ready->status == "False" ? std::string_view(ready->status)
                                                             : "Unknown";
}

util::StatusOr<AwsIamRole> parse_awsiamrole(const kube::JsonValue& object) {
  const kube::JsonValue* metadata = object_member(object, "metadata");
  if (metadata == nullptr) return util::invalid_argument_error("AWSIAMRole has no metadata");
  AwsIamRole role;
  role.name = string_member(*metadata, "name");
  role.namespace_ = string_member(*metadata, "namespace");
  if (role.name.empty() || role.namespace_.empty()) {
    return util::invalid_argument_error("AWSIAMRole has no metadata.name or metadata.namespace");
  }
  role.uid = string_member(*metadata, "uid");
  role.version = string_member(*metadata, "resourceVersion");
  role.being_deleted = !string_member(*metadata, "deletionTimestamp").empty();
  role.generation = int_member(*metadata, "generation").value_or(0);
  if (const kube::JsonValue* labels = object_member(*metadata, "labels")) {
    for (const auto& label : labels->GetObject()) {
      if (label.value.IsString()) role.labels[label.name.GetString()] = label.value.GetString();
    }
  }
  role.spec_error = parse_spec(object_member(object, "spec"), role.spec);
  role.status = parse_status(object_member(object, "status"));
  return role;
}

kube::JsonValue status_to_json(const AwsIamRoleStatus& status, kube::JsonAllocator& allocator) {
  kube::JsonValue out(rapidjson::kObjectType);
  if (status.observed_generation) {
    out.AddMember("observedGeneration", *status.observed_generation, allocator);
  }
  if (!status.role_arn.empty()) {
    out.AddMember("roleARN", kube::json::make_string(status.role_arn), allocator);
  }
  if (!status.expiration.empty()) {
    out.AddMember("expiration", kube::JsonValue(status.expiration.str(), allocator), allocator);
  }
  if (!status.conditions.empty()) {
    kube::JsonValue conditions(rapidjson::kArrayType);
    for (const auto& c : status.conditions) {
      kube::JsonValue item(rapidjson::kObjectType);
      item.AddMember("type", kube::json::make_string(c.type), allocator);
      item.AddMember("status", kube::json::make_string(c.status), allocator);
      if (!c.reason.empty()) item.AddMember("reason", kube::json::make_string(c.reason), allocator);
      if (!c.message.empty()) {
        item.AddMember("message", kube::json::make_string(c.message), allocator);
      }
      if (!c.last_transition_time.empty()) {
        item.AddMember("lastTransitionTime",
                       kube::JsonValue(c.last_transition_time.str(), allocator), allocator);
      }
      if (c.observed_generation) {
        item.AddMember("observedGeneration", *c.observed_generation, allocator);
      }
      conditions.PushBack(item, allocator);
    }
    out.AddMember("conditions", conditions, allocator);
  }
  return out;
}

kube::ObjectReference event_reference(const AwsIamRole& role) {
  return {.api_version = std::string(kAwsIamRoleApiVersion),
          .kind = std::string(kAwsIamRoleKind),
          .name = role.name,
          .namespace_name = role.namespace_,
          .uid = role.uid.str(),
          .resource_version = role.version};
}

}  // namespace controller
