// Authentication and authorization of the simulator: optional bearer tokens
// mapped to user names (a request without a valid token gets 401 once any
// token is configured) and denials per (user, verb, resource[, namespace])
// that answer 403 Forbidden with the RBAC authorizer's message.
//
// Thread-safety: thread-safe; tests may change the policy while serving.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/util/mutex.h"
#include "pkg/util/secret_string.h"

namespace sim::kube {

struct Denial {
  std::string user = "*";  // user name or "*"
  std::string verb = "*";  // get, list, watch, create, update, patch, delete, deletecollection, "*"
  std::string group = "*";     // API group ("" core) or "*"
  std::string resource = "*";  // "secrets", "awsiamroles/status", or "*"
  std::string ns;              // "" = every namespace and cluster scope
};

class AccessPolicy {
 public:
  // The user every request acts as when no token is configured.
  static constexpr std::string_view kAnonymousAdmin = "system:admin";

  void add_token(util::SecretString token, std::string user);
  void deny(Denial denial);
  void clear();

  bool tokens_required() const;
  // The user of an Authorization header value ("Bearer <token>"), or nullopt.
  std::optional<std::string> authenticate(std::string_view authorization) const;
  bool allowed(std::string_view user, std::string_view verb, std::string_view group,
               std::string_view resource, std::string_view ns) const;

 private:
  mutable util::Mutex mu_;
  std::vector<std::pair<util::SecretString, std::string>> tokens_ ABSL_GUARDED_BY(mu_);
  std::vector<Denial> denials_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::kube
