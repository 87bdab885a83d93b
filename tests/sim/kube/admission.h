// Per-kind behaviour of writes, as the apiserver's registry strategies do
// it: defaulting and mutation (Secret stringData -> data and type Opaque,
// Namespace phase/finalizers/name label, Deployment defaults) and
// validation (object names, labels, annotations, Secret keys and size,
// immutable fields, Event namespaces, custom resources against their CRD
// schema). Returns field causes for a 422 Invalid.
//
// Thread-safety: pure functions over caller-owned values.
#pragma once

#include <vector>

#include "absl/time/time.h"
#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/resource_type.h"

namespace sim::kube {

// Mutates a request object in stored form. `old` is the stored object on
// update, null on create.
void admit(const ResourceType& type, json::Document& object, const json::Value* old);

// Validation causes for a (mutated) object; `old` as above.
std::vector<StatusCause> validate_object(const ResourceType& type, const json::Value& object,
                                         const json::Value* old);

// "" if `name` is valid for `type`, else the message for metadata.name.
std::string validate_name(const ResourceType& type, std::string_view name);

}  // namespace sim::kube
