// One resource request after routing (verb, resource type, namespace, name,
// subresource, query, body) and the response the handlers produce: a status
// code with a JSON body and Warning headers, or a watch stream.
//
// Thread-safety: value types owned by one request.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/catalog.h"
#include "tests/sim/kube/query_params.h"

namespace sim::kube {

class WatchSession;

struct ApiRequest {
  std::string verb;  // get list watch create update patch delete deletecollection
  std::shared_ptr<const Catalog> catalog;  // keeps `type` alive
  const ResourceType* type = nullptr;
  std::string ns;
  std::string name;
  std::string subresource;  // "" or "status"
  std::multimap<std::string, std::string> params;
  std::string body;
  std::string content_type;
  std::string accept;
  std::string user;

  // The first value of a query parameter, or "".
  std::string param(std::string_view key) const {
    auto it = params.find(std::string(key));
    return it == params.end() ? std::string() : it->second;
  }
  bool has_param(std::string_view key) const { return params.count(std::string(key)) != 0; }
  // A boolean parameter as the apiserver reads it (query_bool); absent: false.
  bool bool_param(std::string_view key) const { return has_param(key) && query_bool(param(key)); }
  // The same for the parameters whose absence means something of its own.
  std::optional<bool> optional_bool_param(std::string_view key) const {
    if (!has_param(key)) return std::nullopt;
    return query_bool(param(key));
  }
  bool dry_run() const { return param("dryRun") == "All"; }
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> warnings;  // Warning: 299 - "<text>"
  std::optional<int> retry_after_seconds;
  std::shared_ptr<WatchSession> watch;  // set: stream this instead of `body`

  static ApiResponse error(const ApiError& e) {
    ApiResponse r;
    r.status = e.code;
    r.body = e.to_json();
    r.retry_after_seconds = e.retry_after_seconds;
    return r;
  }
  static ApiResponse json(int status, std::string body) {
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

}  // namespace sim::kube
