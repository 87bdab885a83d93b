// The reconciler's decision for one key: from what the caches hold (the
// AWSIAMRole, its Secret), the time and the configuration, what to do next.
// A pure function — no I/O, no clock reads — so every rule is a table test.
#pragma once

#include <absl/time/time.h>

#include <optional>
#include <string>

#include "controller/domain/awsiamrole.h"
#include "controller/domain/namespace_policy.h"
#include "controller/domain/refresh_policy.h"
#include "controller/domain/views.h"
#include "pkg/aws/arn.h"
#include "pkg/kube/object.h"

namespace controller {

// The labels of the Secrets this controller manages (also its Secret
// informer's selector).
inline constexpr std::string_view kHeritageLabel = "heritage";
inline constexpr std::string_view kHeritageValue = "kube-aws-iam-controller";
inline constexpr std::string_view kTypeLabel = "type";
inline constexpr std::string_view kTypeValue = "awsiamrole";
// On the Secret: when its credentials were issued (RFC 3339), so the refresh
// lead follows their real lifetime even when STS issued less than asked.
inline constexpr std::string_view kIssuedAtAnnotation = "kube-aws-iam-controller/issued-at";

// Ready condition reasons (status.conditions[type=Ready].reason).
inline constexpr std::string_view kReasonCredentialsIssued = "CredentialsIssued";
inline constexpr std::string_view kReasonInvalidSpec = "InvalidSpec";
inline constexpr std::string_view kReasonGetCredentialsFailed = "GetCredentialsFailed";
inline constexpr std::string_view kReasonSecretWriteFailed = "SecretWriteFailed";
inline constexpr std::string_view kReasonRoleNotPermitted = "RoleNotPermitted";

struct PlanConfig {
  RefreshPolicy refresh;
  // Prefix for role names and paths; none when neither --base-role-arn nor
  // discovery gave one (then only full ARNs work).
  std::optional<aws::BaseRoleArn> base_role_arn;
  std::string no_base_role_arn_reason;  // why there is none, for the user
};

enum class Action {
  kNone,            // nothing to do now (maybe a status fix); look again at refresh_at
  kIssue,           // assume the role and write the Secret
  kRepairMetadata,  // rewrite the Secret's labels / ownerReference, keep its data
  kReportInvalid,   // the spec is unusable: say so, retry only when it changes
  kDeleteOrphan,    // a Secret of ours whose AWSIAMRole is gone
  // The namespace may not use the role: say so, delete the Secret of ours if
  // there is one (delete_secret), retry only when the role or namespace changes.
  kReportNotPermitted,
};
std::string_view action_name(Action action);

struct Plan {
  Action action = Action::kNone;
  std::string why;                       // for logs, events and conditions
  std::optional<aws::RoleArn> role_arn;  // resolved, when the spec allows
  std::optional<absl::Time> refresh_at;  // when the Secret's credentials need renewing
  // kReportNotPermitted: the role's Secret is ours and must go.
  bool delete_secret = false;
  // The status to write, when it differs from the AWSIAMRole's current one.
  // (After kIssue the status depends on the outcome; see issued_status.)
  std::optional<AwsIamRoleStatus> status;
};

// Decides for one key. `role`: the AWSIAMRole (null when it does not exist).
// `secret`: the Secret of the same name (null when it does not exist).
// `namespace_policy`: the roles the role's namespace may use (null when
// --namespace-restrictions is off).
Plan plan(const AwsIamRole* role, const ManagedSecret* secret, absl::Time now,
          const PlanConfig& config, const NamespacePolicy* namespace_policy = nullptr);

// Whether the status `current` already says what `wanted` says, so writing
// `wanted` would tell nobody anything: the same observedGeneration, roleARN
// and expiration, and the same Ready status and reason — and for a failure
// the same message (a different error is news; a success's message may carry
// a note worth keeping, such as a clamped session).
bool status_describes(const AwsIamRoleStatus& current, const AwsIamRoleStatus& wanted);

// The labels the Secret of `role` carries: the role's, plus ours (ours win).
kube::StringMap secret_labels(const AwsIamRole& role);
// The ownerReference that makes the Secret go with its AWSIAMRole.
// The ownerReference the controller gives the Secret of the AWSIAMRole
// `role_name` (the Secret's own name) with `role_uid`.
kube::OwnerReference controller_owner_reference(std::string_view role_name,
                                                const kube::Uid& role_uid);
kube::OwnerReference owner_reference(const AwsIamRole& role);
// Whether an existing Secret may be taken over: it is ours already, or it
// holds credential keys (a seed Secret, a Secret of the Go original).
bool adoptable(const ManagedSecret& secret);

// How long before expiry to refresh credentials of `role` issued at
// `issued_at` (when known) and expiring at `expiration`: the policy's lead for
// the shorter of the requested session and the credentials' real lifetime.
absl::Duration refresh_lead(const AwsIamRole& role, const RefreshPolicy& refresh,
                            std::optional<absl::Time> issued_at, absl::Time expiration);

// Status after credentials expiring at `expiration` were written for `role`.
AwsIamRoleStatus issued_status(const AwsIamRole& role, const aws::RoleArn& arn,
                               absl::Time expiration, absl::Time now, const RefreshPolicy& refresh,
                               std::string_view note = {});
// Status after a failure: Ready=False with `reason`/`message`; what the Secret
// still serves (roleARN, expiration) stays as it was.
AwsIamRoleStatus failed_status(const AwsIamRole& role, std::string_view reason,
                               std::string_view message, absl::Time now);

}  // namespace controller
