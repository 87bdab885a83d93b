#include "tests/sim/kube/access_policy.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

bool matches(std::string_view pattern, std::string_view value) {
  return pattern == "*" || pattern == value;
}

}  // namespace

void AccessPolicy::add_token(util::SecretString token, std::string user) {
  util::MutexLock lock(mu_);
  tokens_.emplace_back(std::move(token), std::move(user));
}

void AccessPolicy::deny(Denial denial) {
  util::MutexLock lock(mu_);
  denials_.push_back(std::move(denial));
}

void AccessPolicy::clear() {
  util::MutexLock lock(mu_);
  tokens_.clear();
  denials_.clear();
}

bool AccessPolicy::tokens_required() const {
  util::MutexLock lock(mu_);
  return !tokens_.empty();
}

std::optional<std::string> AccessPolicy::authenticate(std::string_view authorization) const {
  std::string_view value = util::trim(authorization);
  if (value.size() < 7 || !util::equals_ignore_case(value.substr(0, 7), "bearer "))
    return std::nullopt;
  std::string_view token = util::trim(value.substr(7));
  util::MutexLock lock(mu_);
  for (const auto& [secret, user] : tokens_) {
    if (secret.reveal() == token) return user;
  }
  return std::nullopt;
}

bool AccessPolicy::allowed(std::string_view user, std::string_view verb, std::string_view group,
                           std::string_view resource, std::string_view ns) const {
  util::MutexLock lock(mu_);
  return std::none_of(denials_.begin(), denials_.end(), [&](const Denial& d) {
    return matches(d.user, user) && matches(d.verb, verb) && matches(d.group, group) &&
           matches(d.resource, resource) && (d.ns.empty() || d.ns == ns);
  });
}

}  // namespace sim::kube
