#include "pkg/kube/resource.h"

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
    return util::cat(group_version_path(), "/namespaces/", url_escape(ns), "/", resource);
  }
  return util::cat(group_version_path(), "/", resource);
}

std::string Resource::object_path(std::string_view ns, std::string_view name,
                                  std::string_view subresource) const {
  std::string path = util::cat(collection_path(ns), "/", url_escape(name));
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
Resource Resource::config_maps() {
  return {"", "v1", "configmaps", "ConfigMap", true};
}

std::string url_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

}  // namespace kube
