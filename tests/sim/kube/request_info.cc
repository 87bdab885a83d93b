#include "tests/sim/kube/request_info.h"

#include <vector>

#include "pkg/util/strings.h"

namespace sim::kube {

RequestInfo parse_request_info(std::string_view method, std::string_view path,
                               bool watch_requested) {
  RequestInfo info;
  info.verb = util::to_lower(method);
  std::vector<std::string_view> parts;
  for (std::string_view p : util::split(path, '/')) {
    if (!p.empty()) parts.push_back(p);
  }
  size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    info.version = std::string(parts[1]);
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    info.group = std::string(parts[1]);
    info.version = std::string(parts[2]);
    i = 3;
  } else {
    return info;
  }
  if (i >= parts.size()) return info;  // discovery document of a group version
  info.is_resource_request = true;
  bool watch_prefix = false;
  if (parts[i] == "watch") {
    watch_prefix = true;
    ++i;
  }
  std::vector<std::string_view> rest(parts.begin() + static_cast<long>(i), parts.end());
  if (!rest.empty() && rest[0] == "namespaces" && rest.size() > 1) {
    info.ns = std::string(rest[1]);
    if (rest.size() > 2 && rest[2] != "status" && rest[2] != "finalize") {
      info.namespace_in_path = true;
      rest.erase(rest.begin(), rest.begin() + 2);
    } else {
      info.ns.clear();
    }
  }
  if (!rest.empty()) info.resource = std::string(rest[0]);
  if (rest.size() > 1) info.name = std::string(rest[1]);
  if (rest.size() > 2) info.subresource = std::string(rest[2]);
  if (rest.size() > 3) info.subresource = util::cat(info.subresource, "/extra");  // unsupported
  std::string m = util::to_lower(method);
  bool watch = watch_prefix || watch_requested;
  if (m == "get") {
    info.verb = info.name.empty() ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
  } else if (m == "post") {
    info.verb = "create";
  } else if (m == "put") {
    info.verb = "update";
  } else if (m == "patch") {
    info.verb = "patch";
  } else if (m == "delete") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  }
  return info;
}

bool is_mutating_verb(std::string_view verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
         verb == "deletecollection";
}

}  // namespace sim::kube
