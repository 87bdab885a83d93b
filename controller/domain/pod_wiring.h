// What the admission webhook does to a pod (pure): which role the pod names,
// and through which annotation; the JSONPatch that mounts that role's Secret
// and points the AWS SDKs at it; the warnings kubectl prints; the AWSIAMRole
// to create when none exists yet; or, under the strict flag, why the pod is
// refused. Everything it reads comes from the caches, handed in by the caller
// (the webhook server): it calls nothing.
//
// How a pod names its role, first match wins:
//   1. pod annotation  kube-aws-iam-controller/role   an AWSIAMRole name, or a roleReference
//   2. pod annotation  iam.amazonaws.com/role         kube2iam / kiam: a name, path or ARN
//   3. ServiceAccount  iam.amazonaws.com/role         the original's proposal
//   4. ServiceAccount  iam.amazonaws.com/roleArn      iam4kube (roleExternalId: see below)
//   5. ServiceAccount  eks.amazonaws.com/role-arn     IRSA; only with accept_irsa_annotation
// Per container: kube-aws-iam-controller/role.<container> names another role
// for that container, kube-aws-iam-controller/inject.<container>: disabled
// leaves it alone. Init containers are wired as containers are.
//
// Nothing the user set is overwritten: a container that sets one of the
// variables that choose credentials is left alone with a warning, one that
// already mounts something at the mount path too (silently when it is the
// role's own Secret: a pod wired by hand, or an UPDATE of a wired pod).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/domain/awsiamrole.h"
#include "controller/domain/external_id.h"
#include "controller/domain/namespace_policy.h"
#include "controller/domain/views.h"
#include "pkg/aws/arn.h"
#include "pkg/kube/admission_review.h"
#include "pkg/kube/json.h"
#include "pkg/kube/object.h"

namespace controller {

inline constexpr std::string_view kRoleAnnotation = "kube-aws-iam-controller/role";
inline constexpr std::string_view kContainerRoleAnnotationPrefix = "kube-aws-iam-controller/role.";
inline constexpr std::string_view kContainerInjectAnnotationPrefix =
    "kube-aws-iam-controller/inject.";
inline constexpr std::string_view kInjectDisabled = "disabled";
// The namespace label that opts in (the MutatingWebhookConfiguration's namespaceSelector).
inline constexpr std::string_view kInjectLabel = "kube-aws-iam-controller/inject";
// On AWSIAMRoles the webhook creates: the label, and where the role was named.
inline constexpr std::string_view kDerivedLabel = "kube-aws-iam-controller/derived";
inline constexpr std::string_view kDerivedFromAnnotation = "kube-aws-iam-controller/derived-from";
inline constexpr std::string_view kCredentialsVolumeName = "aws-iam-credentials";

struct PodWiringOptions {
  std::string mount_path = "/meta/aws-iam";  // --credentials-mount-path
  std::optional<std::string> region;         // AWS_REGION and AWS_DEFAULT_REGION when set
  bool accept_irsa_annotation = false;
  // A role the namespace may not use: refuse the pod (else admit it unchanged, with a warning).
  bool refuse_forbidden_roles = false;
  const aws::BaseRoleArn* base_role_arn = nullptr;  // resolves names and paths
  const ExternalIdTemplate* external_id = nullptr;  // --external-id, for iam4kube's roleExternalId
};

// What the caches know of the pod's surroundings.
struct PodSurroundings {
  std::string_view namespace_;                          // the AdmissionRequest's
  const ServiceAccountView* service_account = nullptr;  // null: none cached
  // The namespace's AWSIAMRoles.
  std::vector<std::shared_ptr<const AwsIamRole>> roles;
  // The namespace's role policy; null when namespace restrictions are off.
  const NamespacePolicy* policy = nullptr;
};

// An AWSIAMRole the webhook creates for a role named by annotation.
struct DerivedRole {
  std::string name;
  std::string role_reference;
  std::string derived_from;  // "pod annotation iam.amazonaws.com/role", ...
};

struct PodWiring {
  std::vector<kube::JsonPatchOperation> patch;  // empty: admitted as it is
  std::vector<std::string> warnings;
  std::vector<DerivedRole> roles_to_create;
  std::optional<std::string> refusal;  // set: refuse the pod with this message
};

PodWiring wire_pod(const kube::JsonValue& pod, const PodSurroundings& surroundings,
                   const PodWiringOptions& options);

// A way a container reads a Secret that never sees a refresh.
enum class MountMistake {
  kSubPath,                // mounted with subPath(Expr): kubelet never updates the file
  kStaticCredentialsFile,  // AWS_SHARED_CREDENTIALS_FILE=<mount>/credentials: SDKs read it once
};
struct SecretMountMistake {
  std::string container;
  std::string secret;  // "" for a file under `mount_path` with no Secret mounted there
  MountMistake kind;
  std::string file;  // kStaticCredentialsFile: the variable's value

  friend bool operator==(const SecretMountMistake&, const SecretMountMistake&) = default;
};
// The mistakes of every container and init container of `pod` with the
// Secrets its volumes mount, and with a static credentials file under
// `mount_path` (where the webhook mounts; empty: not looked at).
std::vector<SecretMountMistake> secret_mount_mistakes(const kube::JsonValue& pod,
                                                      std::string_view mount_path = {});

// The name of the AWSIAMRole derived for `role_reference`: readable, a valid
// object name, and the same for the same reference in every pod.
std::string derived_role_name(std::string_view role_reference);

// The AWSIAMRole object to create for `role` in `ns`.
kube::Object derived_role_object(const DerivedRole& role, std::string_view ns);

}  // namespace controller
