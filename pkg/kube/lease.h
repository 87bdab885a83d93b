// Typed access to coordination.k8s.io/v1 Lease objects: the leader-election
// record in `spec`, read from and written to an Object.
//
// Plain values and functions; thread-compatible. Times are wall-clock values
// as written on the server (MicroTime, six fractional digits); leader election
// never trusts them for expiry (clocks skew) — see leader_decision.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/kube/object.h"

namespace kube {

struct LeaseRecord {
  std::string holder_identity;  // "" when released
  int32_t lease_duration_seconds = 0;
  std::optional<absl::Time> acquire_time;
  std::optional<absl::Time> renew_time;
  int32_t lease_transitions = 0;

  friend bool operator==(const LeaseRecord&, const LeaseRecord&) = default;
};

// Reads spec; absent fields keep their defaults.
LeaseRecord read_lease_record(const Object& lease);

// Replaces the fields of `spec` that LeaseRecord covers.
void write_lease_record(Object& lease, const LeaseRecord& record);

// A new Lease object (apiVersion coordination.k8s.io/v1, kind Lease).
Object make_lease(std::string_view ns, std::string_view name, const LeaseRecord& record);

}  // namespace kube
