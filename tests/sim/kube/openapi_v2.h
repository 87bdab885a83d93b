// The OpenAPI v2 document at /openapi/v2: the vendored Kubernetes schema
// with the paths of the resources the simulator serves, as JSON or, for the
// Accept header kubectl sends (application/com.github.proto-openapi.spec.v2
// @v1.0+protobuf), in gnostic's protobuf encoding (openapi_v2.Document).
// kubectl 1.20-1.28 need it for client-side validation and the dry-run
// verifier (`kubectl apply --validate=true`, `--dry-run=server`).
//
// Thread-safety: thread-safe; both forms are built once, lazily.
#pragma once

#include <string>

#include "pkg/util/mutex.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

class OpenApiV2 {
 public:
  explicit OpenApiV2(const SchemaLibrary& library) : library_(library) {}

  const std::string& json_document();
  const std::string& protobuf_document();

 private:
  void build_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SchemaLibrary& library_;
  util::Mutex mu_;
  std::string json_ ABSL_GUARDED_BY(mu_);
  std::string protobuf_ ABSL_GUARDED_BY(mu_);
};

// Encodes an OpenAPI v2 (swagger 2.0) JSON document as gnostic's
// openapi.v2.Document protobuf (paths, operations, parameters, responses,
// definitions, vendor extensions as YAML/JSON text).
std::string encode_openapi_v2_protobuf(const json::Value& swagger);

}  // namespace sim::kube
