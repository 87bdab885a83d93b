// CustomResourceDefinitions (apiextensions.k8s.io/v1): defaulting and
// validation of a written CRD (names, scope, versions, structural schema,
// printer columns), the status the apiextensions controllers would set
// (NamesAccepted, Established, acceptedNames, storedVersions), and the
// resource types an established CRD serves.
//
// Thread-safety: pure functions over caller-owned values.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/resource_type.h"

namespace sim::kube {

// Fills defaults (names.singular, names.listKind, conversion.strategy) into
// a CRD being created or updated.
void default_crd(json::Value& crd, json::Allocator& alloc);

// Validation causes (422) for a CRD; `old` is the stored CRD on update.
std::vector<StatusCause> validate_crd(const json::Value& crd, const json::Value* old);

// Sets status.conditions/acceptedNames/storedVersions. `other_crds` are the
// other stored CRDs (for kind/plural conflicts within a group).
void set_crd_status(json::Value& crd, const json::Value* old,
                    const std::vector<json::Document>& other_crds, absl::Time now,
                    json::Allocator& alloc);

// The served versions of an established CRD as resource types (empty when
// not Established).
std::vector<ResourceType> custom_resource_types(const json::Value& crd);

}  // namespace sim::kube
