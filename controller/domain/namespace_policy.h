// Which IAM roles a namespace may use when --namespace-restrictions is on:
// the Namespace annotations kube2iam and kiam users already have (or
// --default-allowed-roles for a namespace with neither), matched against the
// role's resolved ARN, so a name, a path and a full ARN of one role are alike.
//
// - iam.amazonaws.com/allowed-roles (kube2iam): a JSON array of role names,
//   paths or ARNs; `*` matches any run of characters. Names and paths are
//   prefixed with the base role ARN, as a roleReference is.
// - iam.amazonaws.com/permitted (kiam): an RE2 regular expression that must
//   match the whole role ARN (kiam's strict mode).
// Either annotation may allow a role. Patterns reach the controller's own
// account and partition (the base role ARN's); a role of another account only
// through a pattern that begins with that account's ARN prefix spelled out,
// "arn:<partition>:iam::<account>:". Annotations are untrusted input: RE2
// matches in linear time within a memory bound, and an oversized or malformed
// annotation refuses every role of its namespace (fails closed).
//
// Thread-safety: NamespacePolicy is immutable. Each Namespace's is compiled
// once per version, by the Namespace informer's transform (views.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/aws/arn.h"

namespace re2 {
class RE2;
}

namespace controller {

inline constexpr std::string_view kAllowedRolesAnnotation = "iam.amazonaws.com/allowed-roles";
inline constexpr std::string_view kPermittedAnnotation = "iam.amazonaws.com/permitted";
// The longest annotation value read; a longer one refuses every role.
inline constexpr size_t kMaxPolicyAnnotationBytes = size_t{16} * 1024;

class NamespacePolicy {
 public:
  // One namespace's policy from its annotations (nullopt: absent).
  // `default_allowed_roles` (kube2iam-style patterns) applies when both are
  // absent; `base` resolves names and paths and says which account is ours.
  static NamespacePolicy compile(std::string namespace_name,
                                 std::optional<std::string_view> allowed_roles,
                                 std::optional<std::string_view> permitted,
                                 const std::vector<std::string>& default_allowed_roles,
                                 const std::optional<aws::BaseRoleArn>& base);
  // For a namespace the controller does not know (not created, or deleted).
  static NamespacePolicy unknown_namespace(std::string namespace_name);

  // nullopt when `role` may be used in this namespace; otherwise why not, for
  // the user: what refused it and which annotation to change.
  std::optional<std::string> refusal(const aws::RoleArn& role) const;

 private:
  // A glob (allowed-roles, the default) or a regular expression (permitted).
  struct Pattern {
    std::string glob;                       // normalized: names and paths under the base ARN
    std::shared_ptr<const re2::RE2> regex;  // set for a regular expression
    // "arn:<partition>:iam::<account>:" when the pattern spells it out.
    std::string explicit_account_prefix;
  };
  NamespacePolicy() = default;
  void add_globs(const std::vector<std::string>& entries,
                 const std::optional<aws::BaseRoleArn>& base);

  std::string namespace_;
  std::string own_account_prefix_;  // the base role ARN's; "" without one
  std::vector<Pattern> patterns_;
  // Which annotations the Namespace has (neither: the default is in force).
  bool has_allowed_roles_ = false;
  bool has_permitted_ = false;
  std::string invalid_;  // non-empty: why every role is refused
};

}  // namespace controller
