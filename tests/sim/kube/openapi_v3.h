// The OpenAPI v3 documents kubectl 1.32 reads: the root /openapi/v3
// ({"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}})
// and one document per served group/version whose operations declare the
// dryRun and fieldValidation query parameters (so `kubectl apply
// --validate=strict` sends fieldValidation=Strict) and whose
// components/schemas carry the kinds with their patch-strategy extensions.
// Built-in documents are converted from the vendored OpenAPI v2 document
// (definitions -> components/schemas); custom resource documents are
// generated from each CRD's openAPIV3Schema like
// k8s-wire-samples/openapi-v3-zalando.org-v1.json.
//
// Thread-safety: thread-safe; documents are cached per catalog snapshot.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "pkg/util/mutex.h"
#include "tests/sim/kube/catalog.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

class OpenApiV3 {
 public:
  struct Document {
    std::string body;
    std::string hash;  // SHA-512, upper-case hex
  };

  explicit OpenApiV3(const SchemaLibrary& library) : library_(library) {}

  std::string root(const std::shared_ptr<const Catalog>& catalog);
  // `path`: "api/v1" or "apis/<group>/<version>"; nullopt if not served.
  std::optional<Document> group_version(const std::shared_ptr<const Catalog>& catalog,
                                        const std::string& path);

 private:
  Document build_builtin(const Catalog& catalog, const std::string& group,
                         const std::string& version) const;
  Document build_custom(const Catalog& catalog, const std::string& group,
                        const std::string& version) const;
  std::map<std::string, Document> build_all(const Catalog& catalog) const;
  const std::map<std::string, Document>& documents_locked(const std::shared_ptr<const Catalog>& c)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SchemaLibrary& library_;
  util::Mutex mu_;
  std::map<std::string, Document> builtin_ ABSL_GUARDED_BY(mu_);  // never changes
  std::shared_ptr<const Catalog> cached_for_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Document> custom_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Document> merged_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::kube
