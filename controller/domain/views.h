// What the controller's informers keep of each object (their transforms):
// small immutable views holding exactly what the decisions, the indexes and
// the metrics read — never credentials, so a heap dump holds no keys.
//
// - AWSIAMRoles: AwsIamRole (awsiamrole.h), by role_view().
// - The managed Secrets: ManagedSecret, by secret_view(): the metadata the
//   controller writes, what the data keys role-arn, expire and
//   awsiamrole-generation say, and of the credential keys only whether they
//   hold something (their values are never even decoded).
// - Namespaces: NamespaceView, by namespace_view(): whether it is being
//   deleted, and its role-policy annotations (compiled once per version when
//   namespace restrictions are on).
// - ServiceAccounts (the admission webhook's): ServiceAccountView, by
//   service_account_view(): the annotations that name its pods' role.
// A view is never written back: the reconciler sends merge patches built
// from views and typed values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "controller/domain/awsiamrole.h"
#include "controller/domain/namespace_policy.h"
#include "controller/domain/secret_data.h"
#include "pkg/kube/object.h"
#include "pkg/kube/uid.h"

namespace controller {

// kubectl apply's copy of what was applied (for a seed Secret: its credentials).
inline constexpr std::string_view kLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

// The AWSIAMRole as the controller reads it. Infallible: an object without
// name or namespace (which an apiserver never sends) becomes a role whose
// spec_error says so.
AwsIamRole role_view(const kube::Object& role);

struct ManagedSecret {
  std::string namespace_;
  std::string name;
  kube::Uid uid;
  std::string version;  // metadata.resourceVersion
  // Its labels. Every Secret the controller writes carries heritage and type
  // with the controller's values; those two are kept as flags, so the common
  // Secret keeps no label text at all. Every other label (the role's own,
  // another tool's, heritage or type with another value) is in other_labels().
  bool heritage_label = false;  // heritage: kube-aws-iam-controller
  bool type_label = false;      // type: awsiamrole
  // Its ownerReferences (owner_references() lists them in order). The one
  // the controller writes — to the AWSIAMRole of the Secret's name
  // (zalando.org/v1), controller and blockOwnerDeletion set — is kept as the
  // role's uid and its place in the list; any other reference whole.
  uint32_t role_owner_at = 0;
  kube::Uid role_owner_uid;  // empty when it has no such reference
  // What else is on the Secret, kept as it is: the other ownerReferences and
  // labels, and the data keys besides the six the controller writes (a seed
  // Secret's). Most Secrets have none of them: then this is null, ~80 B less
  // per Secret than three empty containers.
  struct Others {
    std::vector<kube::OwnerReference> owner_references;
    kube::StringMap labels;
    std::vector<std::string> data_keys;
  };
  std::shared_ptr<const Others> others;
  std::optional<absl::Time> issued_at;  // the issued-at annotation, when readable
  // What role-arn, expire and awsiamrole-generation say, and what is missing
  // or unreadable (credential keys included).
  SecretDataState data;
  // Whether any of credentials, credentials.process, credentials.json is there.
  bool holds_credentials = false;

  std::string key() const { return kube::object_key(namespace_, name); }
  std::string_view resource_version() const { return version; }
  // Labelled as this controller's (heritage and type, as the Go original).
  bool ours() const { return heritage_label && type_label; }
  // What `others` holds, empty when it is null.
  const std::vector<kube::OwnerReference>& other_owner_references() const;
  const kube::StringMap& other_labels() const;
  const std::vector<std::string>& other_data_keys() const;
  // The keys of all its labels.
  std::vector<std::string_view> label_keys() const;
  bool has_label(std::string_view key, std::string_view value) const;
  // Whether its labels are exactly `labels`.
  bool labels_are(const kube::StringMap& labels) const;
  std::vector<kube::OwnerReference> owner_references() const;
  // Whether one of its ownerReferences is to the `kind` with `uid`.
  bool has_owner(std::string_view kind, const kube::Uid& uid) const;
};

ManagedSecret secret_view(const kube::Object& secret);

// What namespace restrictions need to compile a Namespace's policy.
struct NamespacePolicyOptions {
  std::vector<std::string> default_allowed_roles;
  std::optional<aws::BaseRoleArn> base;
};

struct NamespaceView {
  std::string name;
  std::string version;  // metadata.resourceVersion
  // Phase Terminating, or a deletionTimestamp: the apiserver refuses to create
  // anything in it, so its AWSIAMRoles get no STS call and no write.
  bool terminating = false;
  std::optional<std::string> allowed_roles;  // iam.amazonaws.com/allowed-roles
  std::optional<std::string> permitted;      // iam.amazonaws.com/permitted
  // The roles it may use; null without namespace restrictions.
  std::shared_ptr<const NamespacePolicy> policy;

  std::string key() const { return name; }
  std::string_view resource_version() const { return version; }
  // Whether `other` carries the same role-policy annotations.
  bool same_policy(const NamespaceView& other) const {
    return allowed_roles == other.allowed_roles && permitted == other.permitted;
  }
};

// `restrictions`: compile the policy (null: namespace restrictions are off).
NamespaceView namespace_view(const kube::Object& ns, const NamespacePolicyOptions* restrictions);

// With namespace restrictions on, the policy in force for namespace `ns`:
// its view's, or, for a namespace not cached (not created yet, deleted, or
// not readable), one that refuses every role.
std::shared_ptr<const NamespacePolicy> policy_in_force(const NamespaceView* view,
                                                       std::string_view ns);

// Other tools' annotations that name a role: kube2iam's and kiam's (on pods;
// on ServiceAccounts in the Go original's proposal), iam4kube's and IRSA's
// (on ServiceAccounts).
inline constexpr std::string_view kKube2iamRoleAnnotation = "iam.amazonaws.com/role";
inline constexpr std::string_view kIam4kubeRoleArnAnnotation = "iam.amazonaws.com/roleArn";
inline constexpr std::string_view kIam4kubeExternalIdAnnotation =
    "iam.amazonaws.com/roleExternalId";
inline constexpr std::string_view kIrsaRoleArnAnnotation = "eks.amazonaws.com/role-arn";

// What a ServiceAccount says about the role of its pods.
struct ServiceAccountView {
  std::string namespace_;
  std::string name;
  std::string version;                       // metadata.resourceVersion
  std::optional<std::string> role;           // iam.amazonaws.com/role
  std::optional<std::string> role_arn;       // iam.amazonaws.com/roleArn
  std::optional<std::string> external_id;    // iam.amazonaws.com/roleExternalId
  std::optional<std::string> irsa_role_arn;  // eks.amazonaws.com/role-arn

  std::string key() const { return namespace_ + "/" + name; }
  std::string_view resource_version() const { return version; }
};

ServiceAccountView service_account_view(const kube::Object& service_account);

}  // namespace controller
