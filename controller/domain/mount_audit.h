// Pods that read a role's Secret in a way that never sees a refresh — a
// subPath mount, or AWS_SHARED_CREDENTIALS_FILE at the static `credentials`
// file — because they were admitted before the webhook or wired by hand: what
// the pod informer keeps of each pod, and the condition an AWSIAMRole carries
// about them (pure).
//
// The condition is written only where it says something: a role whose pods
// all mount it correctly and that never had the condition gets none.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/domain/awsiamrole.h"
#include "controller/domain/pod_wiring.h"
#include "pkg/kube/object.h"

namespace controller {

inline constexpr std::string_view kMountsCondition = "PodsMountCorrectly";
inline constexpr std::string_view kReasonAllPodsMountCorrectly = "AllPodsMountCorrectly";
inline constexpr std::string_view kReasonPodsMountWrongly = "PodsMountWrongly";

// What the pod informer keeps of a pod: only its Secret mount mistakes.
struct PodMountView {
  std::string namespace_;
  std::string name;
  std::string version;  // metadata.resourceVersion
  std::vector<SecretMountMistake> mistakes;

  std::string key() const { return namespace_ + "/" + name; }
  std::string_view resource_version() const { return version; }
};

PodMountView pod_mount_view(const kube::Object& pod);

// The PodsMountCorrectly condition `role` should carry, given the pods of its
// namespace; nullopt when there is nothing to write (no pod mounts it wrongly
// and the role has no such condition, or the one it has says the same).
std::optional<Condition> mounts_condition(
    const AwsIamRole& role, const std::vector<std::shared_ptr<const PodMountView>>& pods,
    absl::Time now);

// The role's conditions with `condition` in place of its type's.
Conditions with_condition(const AwsIamRoleStatus& status, Condition condition);

}  // namespace controller
