// What STS calls cost on the simulator (DESIGN.md §5 "Costs, not only
// behaviour"): how long every answer takes, and STS's account-wide throttle.
// StsCostModel is the value (AwsSimulator::Options, set_sts_cost_model or
// POST /_sim/cost-model); StsCostGate applies it to each STS request.
//
// Thread-safety: StsCostModel is a value; StsCostGate is thread-safe.
// Time: token buckets refill on the injected clock; the gate only decides,
// StsService sleeps the sampled latency.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/random/random.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/token_bucket.h"
#include "tests/sim/common/latency_distribution.h"

namespace sim::aws {

// All zero (the default): answers at once, never throttled by the model.
struct StsCostModel {
  LatencyDistribution latency;  // every STS answer (success, error or throttle) takes this long
  double account_rps = 0;       // account-wide token bucket; 0 = no throttle
  double account_burst = 0;     // bucket size (0 with account_rps > 0: burst = account_rps)

  // STS round trips of tens of milliseconds; AWS publishes no AssumeRole
  // quota, so the account limit is our assumption: 500 requests/s, burst 500.
  static StsCostModel measured();
};

class StsCostGate {
 public:
  StsCostGate(StsCostModel model, util::Clock& clock);

  // Every account's bucket starts full again under the new model.
  void set_model(StsCostModel model);
  StsCostModel model() const;

  // How long the next answer takes.
  absl::Duration sample_latency();
  // Takes a token from `account`'s bucket, shared by all its callers; false
  // when it is empty and the request is to be answered Throttling. No queueing.
  bool admit(const std::string& account);

 private:
  util::Clock& clock_;
  mutable util::Mutex mu_;
  StsCostModel model_ ABSL_GUARDED_BY(mu_);
  absl::BitGen random_ ABSL_GUARDED_BY(mu_);
  // Created full on an account's first request.
  std::map<std::string, std::unique_ptr<util::TokenBucket>, std::less<>> buckets_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::aws
