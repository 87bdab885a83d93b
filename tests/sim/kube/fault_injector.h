// Request-level faults the simulator can inject, set in-process or through
// POST /_sim/faults: added latency, the next N requests (optionally only of
// one verb and/or resource) failing with 429/5xx and Retry-After, and the
// next N watches answering ERROR 410 Expired. (Dropping watches, compaction
// and restarts act on the whole server: see Server.)
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/mutex.h"

namespace sim::kube {

struct FailureRule {
  int count = 1;         // requests to fail; -1 = until cleared
  std::string verb;      // "" = any (get, list, watch, create, update, patch, delete, ...)
  std::string resource;  // "" = any ("secrets", "awsiamroles", "leases")
  int code = 500;        // 429, 500, 502, 503, 504
  int retry_after_seconds = 1;
};

class FaultInjector {
 public:
  // Latency added before matching requests are handled ("" = any).
  void set_latency(absl::Duration latency, std::string verb = "", std::string resource = "");
  void fail_next(FailureRule rule);
  void force_watch_expired(int count = 1);
  void clear();

  absl::Duration latency_for(std::string_view verb, std::string_view resource) const;
  // Consumes one matching failure, if any.
  std::optional<FailureRule> take_failure(std::string_view verb, std::string_view resource);
  bool take_forced_watch_expiry();

 private:
  struct Latency {
    absl::Duration latency;
    std::string verb;
    std::string resource;
  };
  mutable util::Mutex mu_;
  std::vector<Latency> latencies_ ABSL_GUARDED_BY(mu_);
  std::vector<FailureRule> failures_ ABSL_GUARDED_BY(mu_);
  int forced_expiries_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sim::kube
