#include "pkg/kube/leader_decision.h"

#include "pkg/util/strings.h"

namespace kube {

util::Status validate(const LeaderElectionConfig& c) {
  if (c.identity.empty()) return util::invalid_argument_error("leader election: identity is empty");
  if (c.lease_namespace.empty() || c.lease_name.empty()) {
    return util::invalid_argument_error("leader election: lease namespace and name are required");
  }
  if (c.retry_period <= absl::ZeroDuration()) {
    return util::invalid_argument_error("leader election: retry period must be positive");
  }
  if (!(c.lease_duration > c.renew_deadline)) {
    return util::invalid_argument_error(
        "leader election: lease duration must be greater than the renew deadline");
  }
  if (!(c.renew_deadline > c.retry_period * 1.2)) {
    return util::invalid_argument_error(
        "leader election: renew deadline must be greater than 1.2 × the retry period");
  }
  if (c.lease_duration < absl::Seconds(1) ||
      c.lease_duration != absl::Seconds(absl::ToInt64Seconds(c.lease_duration))) {
    return util::invalid_argument_error(
        "leader election: lease duration must be a whole number of seconds");
  }
  return util::ok_status();
}

LeaderDecision decide(const std::optional<LeaseRecord>& observed,
                      util::MonotonicTime observed_changed_at, util::MonotonicTime now,
                      absl::Time wall_now, const LeaderElectionConfig& config) {
  LeaderDecision decision;
  LeaseRecord& next = decision.record;
  next.holder_identity = config.identity;
  next.lease_duration_seconds = static_cast<int32_t>(absl::ToInt64Seconds(config.lease_duration));
  next.renew_time = wall_now;
  if (!observed.has_value()) {
    decision.action = LeaderAction::kAcquire;
    next.acquire_time = wall_now;
    next.lease_transitions = 0;
    return decision;
  }
  const bool held_by_me = observed->holder_identity == config.identity;
  const bool held_by_other = !observed->holder_identity.empty() && !held_by_me;
  const absl::Duration their_duration = absl::Seconds(observed->lease_duration_seconds);
  if (held_by_other && observed_changed_at + their_duration > now) {
    decision.action = LeaderAction::kFollow;
    decision.record = *observed;
    return decision;
  }
  if (held_by_me) {
    decision.action = LeaderAction::kRenew;
    next.acquire_time = observed->acquire_time.value_or(wall_now);
    next.lease_transitions = observed->lease_transitions;
  } else {
    decision.action = LeaderAction::kAcquire;
    next.acquire_time = wall_now;
    next.lease_transitions = observed->lease_transitions + 1;
  }
  return decision;
}

LeaseRecord released_record(const LeaseRecord& current, absl::Time wall_now) {
  LeaseRecord released;
  released.holder_identity = "";
  released.lease_duration_seconds = 1;
  released.acquire_time = wall_now;
  released.renew_time = wall_now;
  released.lease_transitions = current.lease_transitions;
  return released;
}

}  // namespace kube
