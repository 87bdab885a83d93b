// Strategic merge patch (application/strategic-merge-patch+json) for
// built-in kinds, driven by the x-kubernetes-patch-strategy and
// x-kubernetes-patch-merge-key extensions of the OpenAPI v2 definitions:
// maps merge, lists with strategy "merge" merge by their key (containers by
// name, ports by containerPort, ...) or as sets (finalizers), other lists are
// replaced. Directives: $patch (replace/delete/merge), $retainKeys,
// $deleteFromPrimitiveList/<field>, $setElementOrder/<field> — what kubectl
// apply sends.
//
// Thread-safety: pure function over caller-owned values.
// Errors: kInvalidArgument for malformed directives.
#pragma once

#include <string_view>

#include "pkg/util/status.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

util::Status apply_strategic_merge_patch(const SchemaLibrary& library,
                                         std::string_view definition_name, json::Value& target,
                                         const json::Value& patch, json::Allocator& alloc);

}  // namespace sim::kube
