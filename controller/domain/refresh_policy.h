// When to refresh a role's credentials so that a pod never reads credentials
// that its SDK already considers stale.
//
// Why not just --refresh-limit before expiry (the Go original): kubelet
// propagates a Secret update to mounted volumes only after its sync period
// (~1 min plus cache delay), and SDKs treat credentials with < 15 min left as
// needing refresh (botocore advisory 15 min, mandatory 10 min; Java v1 15
// min). So we refresh `max(refresh_limit, min_validity + propagation)` before
// expiry, and at half-life for sessions too short for that (900 s sessions),
// in which case the Ready condition says how little validity pods may see.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace controller {

struct RefreshPolicy {
  absl::Duration refresh_limit = absl::Minutes(15);  // --refresh-limit
  absl::Duration min_validity = absl::Minutes(20);   // what a pod should see at least
  absl::Duration propagation = absl::Minutes(2);     // kubelet Secret sync allowance

  // How long before expiry credentials of a `session`-long lifetime are
  // refreshed: never more than half the session.
  absl::Duration lead_time(absl::Duration session) const;

  // The least validity a pod may read between refreshes of such a session.
  absl::Duration worst_case_validity(absl::Duration session) const;

  // A user-facing note when `session` cannot honour min_validity, else nullopt.
  std::optional<std::string> short_session_note(absl::Duration session) const;
};

}  // namespace controller
