// OpenAPI v2 -> v3 conversion pieces used to build the per-group-version
// documents: schemas ($ref #/definitions/X -> #/components/schemas/X),
// parameters (global $refs resolved and inlined, body -> requestBody),
// responses (schema -> content), and the transitive closure of definitions
// a document needs.
//
// Thread-safety: pure functions.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "tests/sim/kube/json.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube::openapi {

json::Value convert_schema(const json::Value& schema, json::Allocator& alloc,
                           std::set<std::string>& refs);

// A v2 operation (get/put/post/delete/patch object) as v3. Path-level
// parameters are passed separately and prepended.
json::Value convert_operation(const SchemaLibrary& library, const json::Value& operation,
                              json::Allocator& alloc, std::set<std::string>& refs);

// A v2 parameter (inline or {"$ref": "#/parameters/..."}) as v3; a null
// value for body parameters (they become requestBody).
json::Value convert_parameter(const SchemaLibrary& library, const json::Value& parameter,
                              json::Allocator& alloc);

// The v3 form of the query parameter `name` as the v2 document describes it
// (first occurrence), e.g. "fieldValidation", "dryRun", "labelSelector".
json::Value named_query_parameter(const SchemaLibrary& library, std::string_view name,
                                  json::Allocator& alloc);

// Adds `roots` and every definition they reach to `schemas`.
void add_definitions(const SchemaLibrary& library, const std::set<std::string>& roots,
                     json::Value& schemas, json::Allocator& alloc);

// Upper-case hex SHA-512 (the ?hash= of serverRelativeURL).
std::string sha512_hex(std::string_view data);

}  // namespace sim::kube::openapi
