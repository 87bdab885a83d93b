// A custom resource checked against its CRD's structural openAPIV3Schema the
// way the apiextensions apiserver does it: defaults applied, unknown fields
// pruned (and reported, for fieldValidation), nulls of non-nullable fields
// dropped, then validation (type, required, enum, minimum/maximum,
// minLength/maxLength, pattern, minItems/maxItems, format) reported as
// field causes with the apiserver's message texts (status-422-invalid.json).
//
// Thread-safety: pure functions over caller-owned values.
#pragma once

#include <string>
#include <vector>

#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/json.h"

namespace sim::kube {

// Applies `default`s and prunes `object` (a whole custom resource) in place.
// The root's apiVersion, kind and metadata are left alone. Returns the pruned
// paths ("spec.colour").
std::vector<std::string> default_and_prune(const json::Value& schema, json::Value& object,
                                           json::Allocator& alloc);

// Validates a (defaulted, pruned) custom resource. The root's apiVersion,
// kind and metadata are not checked here.
std::vector<StatusCause> validate_custom_resource(const json::Value& schema,
                                                  const json::Value& object);

// Structural checks of an openAPIV3Schema when a CRD is written: every node
// has a type (unless x-kubernetes-preserve-unknown-fields or
// x-kubernetes-int-or-string), defaults validate. `field` is the CRD path of
// the schema ("spec.versions[0].schema.openAPIV3Schema").
std::vector<StatusCause> check_structural_schema(const json::Value& schema,
                                                 const std::string& field);

}  // namespace sim::kube
