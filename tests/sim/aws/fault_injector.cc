#include "tests/sim/aws/fault_injector.h"

#include <algorithm>

#include "tests/sim/aws/iam_names.h"

namespace sim::aws {

FaultInjector::State FaultInjector::state() const {
  util::MutexLock lock(mu_);
  return state_;
}

void FaultInjector::set_state(State state) {
  util::MutexLock lock(mu_);
  state_ = std::move(state);
}

void FaultInjector::set_latency(absl::Duration latency) {
  util::MutexLock lock(mu_);
  state_.latency = std::max(latency, absl::ZeroDuration());
}

void FaultInjector::throttle_next(int n) {
  util::MutexLock lock(mu_);
  state_.throttle_next = std::max(n, 0);
}

void FaultInjector::set_outage(int status) {
  util::MutexLock lock(mu_);
  state_.outage_status = status;
}

void FaultInjector::set_role_error(std::string role_arn_glob, std::string code) {
  util::MutexLock lock(mu_);
  std::erase_if(state_.role_errors, [&](const auto& e) { return e.first == role_arn_glob; });
  if (!code.empty()) state_.role_errors.emplace_back(std::move(role_arn_glob), std::move(code));
}

void FaultInjector::set_region_disabled(std::string region, bool disabled) {
  util::MutexLock lock(mu_);
  std::erase(state_.disabled_regions, region);
  if (disabled) state_.disabled_regions.push_back(std::move(region));
}

void FaultInjector::set_imds_unavailable(bool unavailable) {
  util::MutexLock lock(mu_);
  state_.imds_unavailable = unavailable;
}

void FaultInjector::set_container_unavailable(bool unavailable) {
  util::MutexLock lock(mu_);
  state_.container_unavailable = unavailable;
}

absl::Duration FaultInjector::latency() const {
  util::MutexLock lock(mu_);
  return state_.latency;
}

bool FaultInjector::take_throttle() {
  util::MutexLock lock(mu_);
  if (state_.throttle_next <= 0) return false;
  --state_.throttle_next;
  return true;
}

int FaultInjector::outage_status() const {
  util::MutexLock lock(mu_);
  return state_.outage_status;
}

std::optional<std::string> FaultInjector::role_error(std::string_view role_arn) const {
  util::MutexLock lock(mu_);
  for (const auto& [pattern, code] : state_.role_errors) {
    if (glob_match(pattern, role_arn)) return code;
  }
  return std::nullopt;
}

bool FaultInjector::region_disabled(std::string_view region) const {
  util::MutexLock lock(mu_);
  return std::find(state_.disabled_regions.begin(), state_.disabled_regions.end(), region) !=
         state_.disabled_regions.end();
}

bool FaultInjector::imds_unavailable() const {
  util::MutexLock lock(mu_);
  return state_.imds_unavailable;
}

bool FaultInjector::container_unavailable() const {
  util::MutexLock lock(mu_);
  return state_.container_unavailable;
}

}  // namespace sim::aws
