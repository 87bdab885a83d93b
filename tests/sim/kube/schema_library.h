// The Kubernetes OpenAPI v2 document (third_party/kubernetes-openapi/
// swagger.json.gz, Kubernetes 1.36): definitions of every built-in kind, used
// for strict field validation, strategic-merge-patch keys and to derive the
// OpenAPI v3 documents that kubectl reads.
//
// Thread-safety: immutable after load(); share one instance between servers.
// Errors: load() returns kNotFound / kInvalidArgument for a missing or
// malformed file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pkg/util/status.h"
#include "tests/sim/kube/json.h"

namespace sim::kube {

class SchemaLibrary {
 public:
  // Reads a gzip-compressed (or plain) swagger.json.
  static util::StatusOr<std::shared_ptr<const SchemaLibrary>> load(const std::string& path);
  // The path compiled in for this source tree.
  static std::string default_path();

  const json::Document& document() const { return doc_; }
  // definitions[name] or nullptr.
  const json::Value* definition(std::string_view name) const;
  // Resolves {"$ref": "#/definitions/X"} to X (else returns `schema`).
  const json::Value& resolve(const json::Value& schema) const;
  // "io.k8s.api.core.v1.Probe" -> "Probe".
  static std::string_view short_name(std::string_view definition_name);
  // "io.k8s.api.core.v1.Probe" -> "v1.Probe" (the Go type name in messages).
  static std::string go_type_name(std::string_view definition_name);

 private:
  struct PrivateTag {};

 public:
  explicit SchemaLibrary(PrivateTag /*unused*/) {}

 private:
  json::Document doc_;
  std::map<std::string, const json::Value*, std::less<>> definitions_;
};

}  // namespace sim::kube
