// Parses a request path and method the way the apiserver's
// RequestInfoFactory does: /api/v1/..., /apis/<group>/<version>/...,
// optional namespaces/<ns>/, resource, name, subresource (namespaces/<n>/
// status is the Namespace's status), the legacy /watch/ prefix, and the
// verb (get/list/watch/create/update/patch/delete/deletecollection).
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sim::kube {

struct RequestInfo {
  bool is_resource_request = false;
  std::string group;
  std::string version;
  std::string ns;
  std::string resource;
  std::string name;
  std::string subresource;
  std::string verb;
  bool namespace_in_path = false;
};

// `watch_requested`: ?watch= is present and true (query_bool).
RequestInfo parse_request_info(std::string_view method, std::string_view path,
                               bool watch_requested);

// create, update, patch, delete, deletecollection: the verbs that change state.
bool is_mutating_verb(std::string_view verb);

}  // namespace sim::kube
