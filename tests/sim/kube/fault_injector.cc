#include "tests/sim/kube/fault_injector.h"

namespace sim::kube {
namespace {

bool matches(const std::string& want, std::string_view have) {
  return want.empty() || want == have;
}

}  // namespace

void FaultInjector::set_latency(absl::Duration latency, std::string verb, std::string resource) {
  util::MutexLock lock(mu_);
  latencies_.push_back({latency, std::move(verb), std::move(resource)});
}

void FaultInjector::fail_next(FailureRule rule) {
  util::MutexLock lock(mu_);
  failures_.push_back(std::move(rule));
}

void FaultInjector::force_watch_expired(int count) {
  util::MutexLock lock(mu_);
  forced_expiries_ += count;
}

void FaultInjector::clear() {
  util::MutexLock lock(mu_);
  latencies_.clear();
  failures_.clear();
  forced_expiries_ = 0;
}

absl::Duration FaultInjector::latency_for(std::string_view verb, std::string_view resource) const {
  util::MutexLock lock(mu_);
  absl::Duration total;
  for (const Latency& l : latencies_) {
    if (matches(l.verb, verb) && matches(l.resource, resource)) total += l.latency;
  }
  return total;
}

std::optional<FailureRule> FaultInjector::take_failure(std::string_view verb,
                                                       std::string_view resource) {
  util::MutexLock lock(mu_);
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (!matches(it->verb, verb) || !matches(it->resource, resource)) continue;
    FailureRule rule = *it;
    if (it->count > 0 && --it->count == 0) failures_.erase(it);
    return rule;
  }
  return std::nullopt;
}

bool FaultInjector::take_forced_watch_expiry() {
  util::MutexLock lock(mu_);
  if (forced_expiries_ == 0) return false;
  --forced_expiries_;
  return true;
}

}  // namespace sim::kube
