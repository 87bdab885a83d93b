// The AWSIAMRole custom resource (zalando.org/v1) as the controller reads it:
// metadata, spec and status parsed out of the object's JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/inlined_vector.h"
#include "pkg/kube/event.h"
#include "pkg/kube/json.h"
#include "pkg/kube/timestamp.h"
#include "pkg/kube/uid.h"
#include "pkg/util/interned_string.h"
#include "pkg/util/status.h"

namespace controller {

inline constexpr std::string_view kAwsIamRoleApiVersion = "zalando.org/v1";
inline constexpr std::string_view kAwsIamRoleKind = "AWSIAMRole";
inline constexpr int64_t kDefaultSessionDurationSeconds = 3600;
inline constexpr int64_t kMinSessionDurationSeconds = 900;
inline constexpr int64_t kMaxSessionDurationSeconds = 43200;

// The condition that says whether a role's Secret holds usable credentials.
inline constexpr std::string_view kReadyCondition = "Ready";

// Texts thousands of roles repeat (the type, "True", the controller's own
// reasons and messages) are interned: 8 bytes each, one block for them all.
struct Condition {
  util::InternedString type;
  util::InternedString status;  // "True", "False", "Unknown"
  util::InternedString reason;
  util::InternedString message;
  kube::Timestamp last_transition_time;
  std::optional<int64_t> observed_generation;

  friend bool operator==(const Condition&, const Condition&) = default;
};

// A role's conditions: nearly always one, Ready, kept in place (a vector's
// separate block cost ~200 B per cached role).
using Conditions = absl::InlinedVector<Condition, 1>;

struct AwsIamRoleStatus {
  std::optional<int64_t> observed_generation;
  // Interned: the Secret's view holds the same ARN (its role-arn).
  util::InternedString role_arn;
  kube::Timestamp expiration;
  Conditions conditions;

  const Condition* condition(std::string_view type) const;
  friend bool operator==(const AwsIamRoleStatus&, const AwsIamRoleStatus&) = default;
};

// spec.policy and spec.policyARNs: the session policies STS applies on top
// of the role's.
struct SessionPolicies {
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;
};

struct AwsIamRoleSpec {
  std::string role_reference;
  int64_t session_duration_seconds = kDefaultSessionDurationSeconds;
  // Few roles set any: null then, ~50 B less per cached role than both empty.
  std::shared_ptr<const SessionPolicies> session_policies;
};

struct AwsIamRole {
  std::string name;
  std::string namespace_;
  kube::Uid uid;
  std::string version;  // metadata.resourceVersion
  int64_t generation = 0;
  bool being_deleted = false;  // metadata.deletionTimestamp is set
  // A B-tree: 24 B when empty, as most are (a std::map is 48).
  absl::btree_map<std::string, std::string> labels;
  AwsIamRoleSpec spec;
  // Not OK when the spec is unusable (missing roleReference, wrong types, out
  // of range): the controller reports it instead of assuming anything.
  util::Status spec_error;
  AwsIamRoleStatus status;

  std::string key() const { return namespace_ + "/" + name; }
  std::string_view resource_version() const { return version; }
};

// The AWSIAMRole as an Event's involvedObject.
kube::ObjectReference event_reference(const AwsIamRole& role);

// Parses an AWSIAMRole object. Fails (kInvalidArgument) only when the object
// cannot be identified (no metadata.name/namespace); spec problems are
// reported through AwsIamRole::spec_error so they can be surfaced on the CR.
util::StatusOr<AwsIamRole> parse_awsiamrole(const kube::JsonValue& object);

// The status of the role's Ready condition as written ("True" or "False"),
// "Unknown" when it has none (not reconciled yet) or an unexpected value.
std::string_view ready_status(const AwsIamRoleStatus& status);

// Writes `status` as the JSON object for .status.
kube::JsonValue status_to_json(const AwsIamRoleStatus& status, kube::JsonAllocator& allocator);

}  // namespace controller
