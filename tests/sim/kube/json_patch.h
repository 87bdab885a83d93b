// JSON Merge Patch (RFC 7386, application/merge-patch+json) and JSON Patch
// (RFC 6902, application/json-patch+json) applied to an object in place.
//
// Thread-safety: pure functions over caller-owned values.
// Errors: apply_json_patch() returns kInvalidArgument with a
// jsonpatch-style message ("replace operation does not apply: doc is
// missing path: /spec/x") for a malformed patch or a failed operation.
#pragma once

#include "pkg/util/status.h"
#include "tests/sim/kube/json.h"

namespace sim::kube {

void apply_merge_patch(json::Value& target, const json::Value& patch, json::Allocator& alloc);

util::Status apply_json_patch(json::Value& target, const json::Value& operations,
                              json::Allocator& alloc);

}  // namespace sim::kube
