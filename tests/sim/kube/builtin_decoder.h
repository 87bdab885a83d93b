// Decodes a built-in kind the way the apiserver's Go decoder does, using the
// OpenAPI v2 definitions as the Go types: drops (and reports) unknown and
// duplicate fields, reports the first type mismatch with encoding/json's
// message ("json: cannot unmarshal string into Go struct field
// DeploymentSpec.spec.replicas of type int32"), accepts int-or-string,
// quantities, times and base64 bytes like the Go types do.
//
// Thread-safety: pure function over caller-owned values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tests/sim/kube/json.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

struct DecodeReport {
  // Paths as strict decoding reports them: "spec.template.spec.containers[0].foo".
  std::vector<std::string> unknown_fields;
  std::vector<std::string> duplicate_fields;
  // The first decoding error (type mismatch, bad base64, bad time), or "".
  std::string error;

  // `unknown field "a", duplicate field "b"` (the strict decoding error list).
  std::string strict_errors() const;
  // One message per unknown/duplicate field, for Warning headers.
  std::vector<std::string> warnings() const;
};

// Prunes `value` in place against definition `definition_name`.
// `path_prefix` prefixes reported paths (e.g. "metadata" for a CR's metadata).
DecodeReport decode_builtin(const SchemaLibrary& library, std::string_view definition_name,
                            json::Value& value, std::string_view path_prefix = "");

}  // namespace sim::kube
