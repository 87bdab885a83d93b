// What the controller's informers keep of each object: what its decisions
// need, never credentials (client-go's informer transform). At 10,000 roles
// this halves the caches, and a heap dump of the controller holds no keys.
//
// Secrets keep their metadata (less managedFields and kubectl's
// last-applied-configuration annotation, which can hold a copy of seed
// credentials), their type, and the data keys role-arn, expire and
// awsiamrole-generation as they are; every other data key stays present with
// kProjectedValue instead of its value. A projected Secret is never written
// back as it is: updates replace all data, metadata repairs are patches.
// AWSIAMRoles lose managedFields and the last-applied-configuration annotation.
#pragma once

#include <string_view>

#include "pkg/kube/object.h"

namespace controller {

// base64("(not cached)"): a data value present on the server, left out here.
inline constexpr std::string_view kProjectedValue = "KG5vdCBjYWNoZWQp";

void project_secret(kube::Object& secret);
void project_awsiamrole(kube::Object& role);

}  // namespace controller
