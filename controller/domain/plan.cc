#include "controller/domain/plan.h"

#include <algorithm>

#include "controller/domain/secret_data.h"
#include "pkg/util/go_duration.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

bool ready_matches(const AwsIamRoleStatus& current, const Condition& wanted) {
  const Condition* ready = current.condition(kReadyCondition);
  return ready != nullptr && ready->status == wanted.status;
}

// `wanted` keeps the current Ready condition's transition time unless its
// status flips: lastTransitionTime records flips, not rewrites.
AwsIamRoleStatus with_ready(const AwsIamRoleStatus& current, AwsIamRoleStatus wanted,
                            Condition ready, absl::Time now) {
  const Condition* old = current.condition(kReadyCondition);
  ready.last_transition_time = ready_matches(current, ready) && !old->last_transition_time.empty()
                                   ? old->last_transition_time
                                   : kube::Timestamp::at(now);
  wanted.conditions = {std::move(ready)};
  // Keep conditions of other types (set by other tools) untouched.
  for (const Condition& c : current.conditions) {
    if (c.type != kReadyCondition) wanted.conditions.push_back(c);
  }
  return wanted;
}

// `text`, as the current status's own interned text when that says the same:
// copying one takes no lock, making one from text takes the table's. A plan
// that changes nothing then makes none.
util::InternedString as_now(const util::InternedString& now, std::string_view text) {
  return now == text ? now : util::InternedString(text);
}

// The Ready condition with these texts, reusing the current one's.
Condition ready_condition(const AwsIamRole& role, std::string_view status, std::string_view reason,
                          std::string_view message) {
  static const Condition kNone;
  const Condition* found = role.status.condition(kReadyCondition);
  const Condition& now = found != nullptr ? *found : kNone;
  return {.type = as_now(now.type, kReadyCondition),
          .status = as_now(now.status, status),
          .reason = as_now(now.reason, reason),
          .message = as_now(now.message, message),
          .observed_generation = role.generation};
}

std::optional<AwsIamRoleStatus> if_changed(const AwsIamRole& role, AwsIamRoleStatus wanted) {
  if (status_describes(role.status, wanted)) return std::nullopt;
  return wanted;
}

Plan issue(std::optional<aws::RoleArn> arn, std::string why) {
  return Plan{.action = Action::kIssue, .why = std::move(why), .role_arn = std::move(arn)};
}

}  // namespace

std::string_view action_name(Action action) {
  switch (action) {
    case Action::kNone:
      return "none";
    case Action::kIssue:
      return "issue";
    case Action::kRepairMetadata:
      return "repair-metadata";
    case Action::kReportInvalid:
      return "report-invalid";
    case Action::kDeleteOrphan:
      return "delete-orphan";
    case Action::kReportNotPermitted:
      return "report-not-permitted";
  }
  return "none";
}

bool status_describes(const AwsIamRoleStatus& current, const AwsIamRoleStatus& wanted) {
  const Condition* current_ready = current.condition(kReadyCondition);
  const Condition* wanted_ready = wanted.condition(kReadyCondition);
  if (current_ready == nullptr || wanted_ready == nullptr) return current == wanted;
  return current.observed_generation == wanted.observed_generation &&
         current.role_arn == wanted.role_arn && current.expiration == wanted.expiration &&
         current_ready->status == wanted_ready->status &&
         current_ready->reason == wanted_ready->reason &&
         (wanted_ready->status == "True" || current_ready->message == wanted_ready->message);
}

kube::StringMap secret_labels(const AwsIamRole& role) {
  kube::StringMap labels(role.labels.begin(), role.labels.end());
  labels[std::string(kHeritageLabel)] = kHeritageValue;
  labels[std::string(kTypeLabel)] = kTypeValue;
  return labels;
}

kube::OwnerReference controller_owner_reference(std::string_view role_name,
                                                const kube::Uid& role_uid) {
  return {.api_version = std::string(kAwsIamRoleApiVersion),
          .kind = std::string(kAwsIamRoleKind),
          .name = std::string(role_name),
          .uid = role_uid.str(),
          .controller = true,
          .block_owner_deletion = true};
}

kube::OwnerReference owner_reference(const AwsIamRole& role) {
  return controller_owner_reference(role.name, role.uid);
}

bool adoptable(const ManagedSecret& secret) {
  return secret.heritage_label || secret.holds_credentials;
}

absl::Duration refresh_lead(const AwsIamRole& role, const RefreshPolicy& refresh,
                            std::optional<absl::Time> issued_at, absl::Time expiration) {
  absl::Duration session = absl::Seconds(role.spec.session_duration_seconds);
  if (issued_at && expiration > *issued_at) session = std::min(session, expiration - *issued_at);
  return refresh.lead_time(session);
}

AwsIamRoleStatus issued_status(const AwsIamRole& role, const aws::RoleArn& arn,
                               absl::Time expiration, absl::Time now, const RefreshPolicy& refresh,
                               std::string_view note) {
  AwsIamRoleStatus wanted{.observed_generation = role.generation,
                          .role_arn = as_now(role.status.role_arn, arn.str()),
                          .expiration = kube::Timestamp::at(expiration)};
  std::string message = "credentials are in the Secret";
  const auto short_note =
      refresh.short_session_note(absl::Seconds(role.spec.session_duration_seconds));
  const std::string short_text = short_note.value_or("");
  for (const std::string_view extra : {note, std::string_view(short_text)}) {
    if (!extra.empty()) message = util::cat(message, "; ", extra);
  }
  return with_ready(role.status, std::move(wanted),
                    ready_condition(role, "True", kReasonCredentialsIssued, message), now);
}

AwsIamRoleStatus failed_status(const AwsIamRole& role, std::string_view reason,
                               std::string_view message, absl::Time now) {
  AwsIamRoleStatus wanted = role.status;
  wanted.observed_generation = role.generation;
  return with_ready(role.status, std::move(wanted), ready_condition(role, "False", reason, message),
                    now);
}

Plan plan(const AwsIamRole* role, const ManagedSecret* secret, absl::Time now,
          const PlanConfig& config, const NamespacePolicy* namespace_policy) {
  // Both labels, as the Go original: its pod-mode Secrets carry only heritage.
  const bool secret_is_ours = secret != nullptr && secret->ours();
  if (role == nullptr) {
    if (secret_is_ours) {
      return {.action = Action::kDeleteOrphan, .why = "its AWSIAMRole no longer exists"};
    }
    return {};
  }
  auto invalid = [&](std::string why) {
    Plan p{.action = Action::kReportInvalid, .why = std::move(why)};
    p.status = if_changed(*role, failed_status(*role, kReasonInvalidSpec, p.why, now));
    return p;
  };
  if (!role->spec_error.ok()) return invalid(std::string(role->spec_error.message()));

  const aws::BaseRoleArn* base = config.base_role_arn ? &*config.base_role_arn : nullptr;
  auto arn = aws::resolve_role_reference(role->spec.role_reference, base);
  if (!arn.ok()) {
    std::string why(arn.status().message());
    if (base == nullptr && !aws::is_full_arn_reference(role->spec.role_reference) &&
        !config.no_base_role_arn_reason.empty()) {
      why = util::cat(why, " (", config.no_base_role_arn_reason, ")");
    }
    return invalid(std::move(why));
  }
  if (namespace_policy != nullptr) {
    if (auto refusal = namespace_policy->refusal(*arn)) {
      // Credentials must not outlive the permission: nothing is served any more.
      AwsIamRoleStatus refused = failed_status(*role, kReasonRoleNotPermitted, *refusal, now);
      refused.role_arn.clear();
      refused.expiration = {};
      return {.action = Action::kReportNotPermitted,
              .why = *std::move(refusal),
              .role_arn = *arn,
              .delete_secret = secret_is_ours,
              .status = if_changed(*role, std::move(refused))};
    }
  }

  if (secret == nullptr) return issue(*arn, "the Secret does not exist");
  const SecretDataState& state = secret->data;
  if (!state.problems.empty()) {
    return issue(*arn, util::cat("the Secret is incomplete: ", util::join(state.problems, ", ")));
  }
  if (*state.generation != role->generation) {
    return issue(*arn, util::cat("the AWSIAMRole changed (generation ", role->generation,
                                 ", the Secret is for ", *state.generation, ")"));
  }
  if (*state.role_arn != arn->str()) {
    return issue(*arn, util::cat("the role changed (the Secret holds ", *state.role_arn, ")"));
  }
  const absl::Duration lead = refresh_lead(*role, config.refresh, secret->issued_at, *state.expire);
  const absl::Time refresh_at = *state.expire - lead;
  if (now >= refresh_at) {
    return issue(*arn, util::cat("the credentials expire at ", util::format_rfc3339(*state.expire),
                                 ", within ", util::format_go_duration(lead)));
  }

  Plan p{.action = Action::kNone, .role_arn = *arn, .refresh_at = refresh_at};
  if (!secret->labels_are(secret_labels(*role)) || !secret->has_owner(kAwsIamRoleKind, role->uid)) {
    p.action = Action::kRepairMetadata;
    p.why = "the Secret's labels or ownerReference drifted";
  }
  p.status = if_changed(*role, issued_status(*role, *arn, *state.expire, now, config.refresh));
  return p;
}

}  // namespace controller
