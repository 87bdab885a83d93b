// The simulator's own control endpoints, served on the STS port under /_sim/
// for scripts and out-of-process tests:
//   GET    /_sim/calls    {"total":N,"dropped":N,"counters":{action:{result:N}},"calls":[...]}
//   DELETE /_sim/calls    clears the record and counters
//   GET    /_sim/faults   the current faults (same shape as POST)
//   POST   /_sim/faults   {"reset":true, "latency_ms":200, "throttle_next":3, "outage":503,
//                          "role_errors":{"<role ARN glob>":"AccessDenied"},
//                          "disabled_regions":["eu-west-1"], "imds_unavailable":true,
//                          "container_unavailable":false}
//                         Present keys change; "reset" first clears every fault.
//                         A role error of "" removes it. Answers the new state.
//   GET    /_sim/cost-model  STS's cost model (same shape as POST)
//   POST   /_sim/cost-model  {"preset":"measured"|"none", "latency_median_ms":30,
//                             "latency_p99_ms":90, "account_rps":500, "account_burst":500}
//                            "preset" first, then the present keys; answers the new model.
//   GET    /_sim/health   "ok"
// A bad request (unknown key, wrong type, negative number) answers 400 and
// changes nothing. Call records hold key ids, never secrets.
//
// Thread-safety: thread-safe.
#pragma once

#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/fault_injector.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/sts_cost_model.h"

namespace sim::aws {

class AdminApi {
 public:
  AdminApi(CallLog& calls, FaultInjector& faults, StsCostGate& sts_costs)
      : calls_(calls), faults_(faults), sts_costs_(sts_costs) {}

  // True for paths this API serves (/_sim/...).
  static bool serves(const SimRequest& request);
  SimResponse handle(const SimRequest& request);

 private:
  SimResponse post_faults(const SimRequest& request);
  SimResponse post_cost_model(const SimRequest& request);

  CallLog& calls_;
  FaultInjector& faults_;
  StsCostGate& sts_costs_;
};

// JSON of the call log / of the fault state / of STS's cost model (also used by tests).
std::string calls_to_json(const CallLog& calls);
std::string faults_to_json(const FaultInjector::State& state);
std::string cost_model_to_json(const StsCostModel& model);

}  // namespace sim::aws
