// Failures to inject into the simulators: added latency, throttling of the
// next N STS requests, a 500/503 STS outage, forced errors for chosen roles,
// regions where STS is disabled, and IMDS / container endpoint outages. Set
// in-process or by POST /_sim/faults.
//
// Thread-safety: thread-safe; the services read it on every request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/mutex.h"

namespace sim::aws {

class FaultInjector {
 public:
  struct State {
    absl::Duration latency = absl::ZeroDuration();  // before every STS/IMDS/container answer
    int throttle_next = 0;  // this many STS requests get 400 Throttling "Rate exceeded"
    int outage_status = 0;  // 0 (off), 500 (InternalFailure) or 503 (ServiceUnavailable)
    // (role ARN glob, error code): AssumeRole* of a matching role fails with it.
    std::vector<std::pair<std::string, std::string>> role_errors;
    std::vector<std::string> disabled_regions;  // RegionDisabledException for these
    bool imds_unavailable = false;              // IMDS answers 503
    bool container_unavailable = false;         // container endpoint answers 503
  };

  State state() const;
  // Replaces the whole state (what POST /_sim/faults with "reset" does first).
  void set_state(State state);
  void reset() { set_state(State{}); }

  void set_latency(absl::Duration latency);
  void throttle_next(int n);
  // 0 turns the outage off; otherwise 500 or 503.
  void set_outage(int status);
  // Empty `code` removes the forced error for that pattern.
  void set_role_error(std::string role_arn_glob, std::string code);
  void set_region_disabled(std::string region, bool disabled);
  void set_imds_unavailable(bool unavailable);
  void set_container_unavailable(bool unavailable);

  // --- decisions, read by the services per request ---
  absl::Duration latency() const;
  // True (and one fewer left) when this request is to be throttled.
  bool take_throttle();
  int outage_status() const;
  std::optional<std::string> role_error(std::string_view role_arn) const;
  bool region_disabled(std::string_view region) const;
  bool imds_unavailable() const;
  bool container_unavailable() const;

 private:
  mutable util::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::aws
