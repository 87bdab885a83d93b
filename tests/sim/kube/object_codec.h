// Request bodies in, objects out: parses JSON or YAML bodies, applies
// fieldValidation (Strict -> 400 "strict decoding error: unknown field ...",
// Warn -> Warning headers, Ignore) while pruning unknown fields with the
// kind's schema, and converts between the stored form and the requested
// version (events.k8s.io/v1 <-> core/v1 Events, custom resource versions).
//
// Thread-safety: pure functions; the SchemaLibrary is shared read-only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/util/status.h"
#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/resource_type.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

// JSON, YAML when the content type says application/yaml (or
// application/apply-patch+yaml), or Kubernetes protobuf
// (application/vnd.kubernetes.protobuf). kInvalidArgument with the parser's
// message; kUnimplemented for protobuf of an unsupported kind.
util::StatusOr<json::Document> parse_body(std::string_view body, std::string_view content_type);

// The error response for a body parse_body() rejected (400, or 415 for
// protobuf of a kind the simulator cannot decode).
ApiError body_error(const util::Status& status);

// YAML text to JSON (quoted scalars stay strings; plain ones become
// numbers/booleans/null when they look like it).
util::StatusOr<json::Document> yaml_to_json(std::string_view yaml);

// Checks apiVersion/kind of a request object against `type` (filling them
// in when absent) and decodes it with `field_validation` ("", Ignore, Warn,
// Strict): unknown fields are pruned; warnings collected.
std::optional<ApiError> decode_request_object(const SchemaLibrary& schemas,
                                              const ResourceType& type, json::Document& object,
                                              std::string_view field_validation,
                                              std::vector<std::string>& warnings);

// The stored form of a request object of `type` and back.
void convert_to_storage(const ResourceType& type, json::Document& object);
void convert_to_version(const ResourceType& type, json::Document& object);

// Puts members in the order the apiserver writes them: custom resources
// with sorted keys (unstructured JSON), built-ins with kind, apiVersion and
// metadata first and ObjectMeta fields in Go struct order.
void normalize_object(const ResourceType& type, json::Value& object, json::Allocator& alloc);

// Serialises a stored object in the version of `type` (no copy when the
// versions match).
std::string render_stored(const ResourceType& type, const std::string& stored_json);

}  // namespace sim::kube
