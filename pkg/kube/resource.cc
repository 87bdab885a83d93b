#include "pkg/kube/resource.h"

#include "pkg/util/percent_encoding.h"
#include "pkg/util/strings.h"

namespace kube {

std::string Resource::api_version() const {
  return group.empty() ? version : util::cat(group, "/", version);
}

std::string Resource::group_version_path() const {
  return group.empty() ? util::cat("/api/", version) : util::cat("/apis/", group, "/", version);
}

std::string Resource::collection_path(std::string_view ns) const {
  if (namespaced && !ns.empty()) {
    return util::cat(group_version_path(), "/namespaces/", util::percent_encode(ns), "/", resource);
  }
  return util::cat(group_version_path(), "/", resource);
}

std::string Resource::object_path(std::string_view ns, std::string_view name,
                                  std::string_view subresource) const {
  std::string path = util::cat(collection_path(ns), "/", util::percent_encode(name));
  if (!subresource.empty()) path += util::cat("/", subresource);
  return path;
}

Resource Resource::secrets() {
  return {"", "v1", "secrets", "Secret", true};
}
Resource Resource::events() {
  return {"", "v1", "events", "Event", true};
}
Resource Resource::leases() {
  return {"coordination.k8s.io", "v1", "leases", "Lease", true};
}
Resource Resource::namespaces() {
  return {"", "v1", "namespaces", "Namespace", false};
}
Resource Resource::service_accounts() {
  return {"", "v1", "serviceaccounts", "ServiceAccount", true};
}
Resource Resource::pods() {
  return {"", "v1", "pods", "Pod", true};
}
Resource Resource::config_maps() {
  return {"", "v1", "configmaps", "ConfigMap", true};
}

}  // namespace kube
