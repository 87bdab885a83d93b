// What the controller's informers keep of each object: what its decisions
// need, never credentials (client-go's informer transform). At 10,000 roles
// this more than halves the caches (which keep each object as compact JSON,
// see pkg/kube/store.h), and a heap dump holds no keys.
//
// Secrets keep apiVersion, kind, type; name, namespace, uid,
// resourceVersion, labels, ownerReferences and the issued-at annotation; the
// data keys role-arn, expire and awsiamrole-generation as they are; every
// other data key present with kProjectedValue instead of its value. A
// projected Secret is never written back: the reconciler sends merge patches.
// AWSIAMRoles keep apiVersion, kind, spec and status; name, namespace, uid,
// resourceVersion, generation, labels and deletionTimestamp.
// Namespaces keep apiVersion, kind; name, uid, resourceVersion,
// deletionTimestamp, status.phase and the two role-policy annotations.
#pragma once

#include <string_view>

#include "pkg/kube/object.h"

namespace controller {

// kubectl apply's copy of what was applied (for a seed Secret: its credentials).
inline constexpr std::string_view kLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

// base64("-"): a data value present on the server, left out here (short
// enough to need no allocation of its own).
inline constexpr std::string_view kProjectedValue = "LQ==";

void project_secret(kube::Object& secret);
void project_awsiamrole(kube::Object& role);
void project_namespace(kube::Object& ns);

}  // namespace controller
