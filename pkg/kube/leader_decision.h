// Leader election's policy as pure functions over values (client-go's
// tryAcquireOrRenew without the I/O): the configuration and its validation,
// and decide(), which says whether a candidate should acquire the Lease, renew
// it, or follow the current holder.
//
// Expiry is judged by when this candidate last saw the record CHANGE, on its
// own monotonic clock, plus the record's leaseDurationSeconds — never by the
// holder's renewTime, which was written by another machine's clock.
// Pure; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "absl/time/time.h"
#include "pkg/kube/lease.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace kube {

struct LeaderCallbacks {
  // Runs on its own thread once leading; must return soon after `stop` is
  // requested (leadership lost or shutdown).
  std::function<void(std::stop_token stop)> on_started_leading;
  // After leading ended (lost or shutdown), once on_started_leading returned.
  std::function<void()> on_stopped_leading;
  // Whenever the observed holder changes (including to this candidate).
  std::function<void(const std::string& identity)> on_new_leader;
};

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per candidate, e.g. the pod name
  // client-go's usual values: a follower takes over 15 s after the leader's
  // last renewal; the leader gives up after failing to renew for 10 s; tries
  // every 2 s.
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
  // On shutdown, clear the holder so a successor takes over at once.
  bool release_on_cancel = true;
  LeaderCallbacks callbacks;
};

// lease_duration > renew_deadline > 1.2 × retry_period (client-go's
// JitterFactor), retry_period > 0, identity, namespace and name non-empty,
// lease_duration a whole number of seconds ≥ 1. kInvalidArgument otherwise.
util::Status validate(const LeaderElectionConfig& config);

enum class LeaderAction { kAcquire, kRenew, kFollow };

struct LeaderDecision {
  LeaderAction action = LeaderAction::kFollow;
  LeaseRecord record;  // kAcquire / kRenew: the record to write
};

// `observed`: the Lease's record, nullopt when no Lease exists (create it).
// `observed_changed_at`: when this candidate last saw `observed` change.
// `now`: this candidate's monotonic time; `wall_now`: for the timestamps
// written into the record.
LeaderDecision decide(const std::optional<LeaseRecord>& observed,
                      util::MonotonicTime observed_changed_at, util::MonotonicTime now,
                      absl::Time wall_now, const LeaderElectionConfig& config);

// The record a leader writes when it steps down (client-go's release): no
// holder, leaseDurationSeconds 1, timestamps now, transitions kept.
LeaseRecord released_record(const LeaseRecord& current, absl::Time wall_now);

}  // namespace kube
