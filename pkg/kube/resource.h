// Names a kind of API resource for the REST client and informers: group,
// version, plural resource name, kind, and whether it lives in namespaces.
// Builds request paths: core kinds under /api/v1, others under /apis/<g>/<v>.
//
// A plain value; thread-compatible. pkg/kube knows nothing of the controller:
// the controller declares its own Resource for awsiamroles.zalando.org.
#pragma once

#include <string>
#include <string_view>

namespace kube {

struct Resource {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower case: "secrets"
  std::string kind;      // "Secret"
  bool namespaced = true;

  std::string api_version() const;  // "v1" or "coordination.k8s.io/v1"

  // "/api/v1" or "/apis/<group>/<version>".
  std::string group_version_path() const;
  // The collection path: ".../namespaces/<ns>/<resource>" when `ns` is set and
  // the resource is namespaced, else ".../<resource>" (all namespaces).
  std::string collection_path(std::string_view ns) const;
  // The object path, plus "/<subresource>" when given ("status").
  std::string object_path(std::string_view ns, std::string_view name,
                          std::string_view subresource = {}) const;

  // The kinds pkg/kube itself uses.
  static Resource secrets();
  static Resource events();
  static Resource leases();
  static Resource namespaces();
  static Resource config_maps();
  static Resource service_accounts();
  static Resource pods();
};

}  // namespace kube
