// What requests cost on the simulated apiserver (DESIGN.md §5 "Costs, not only
// behaviour"): how long reads and writes take, and the refusal of mutating
// requests beyond a concurrency limit. LatencyModel is the value (set through
// ServerOptions, Server::set_latency_model or POST /_sim/latency-model);
// LatencyModelGate applies it to each request the Router handles.
//
// Thread-safety: LatencyModel is a value; LatencyModelGate is thread-safe.
// Time: the gate only decides; the Router sleeps the sampled latency on the
// server's clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/random/random.h"
#include "absl/time/time.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"
#include "tests/sim/common/latency_distribution.h"

namespace sim::kube {

// All zero (the default): requests cost nothing and are never refused.
struct LatencyModel {
  LatencyDistribution read;   // get, list (not watch: a watch is a long stream)
  LatencyDistribution write;  // create, update, patch, delete, deletecollection
  // API Priority and Fairness stand-in: when more than this many mutating
  // requests are being handled at once, further ones get 429 TooManyRequests
  // with Retry-After: 1 at once (the real apiserver's
  // --max-mutating-requests-inflight, default 200). 0 = unlimited.
  int max_mutating_inflight = 0;

  // A real kube-apiserver + etcd (kind on a 2-core machine): one write ~8 ms
  // sequentially (p99 ~40 ms), reads from the watch cache ~1 ms (p99 ~5 ms),
  // and the default mutating in-flight limit.
  static LatencyModel measured();
};

// The model as the admin API shows it: {"readMedianMs":1.0,"readP99Ms":5.0,
// "writeMedianMs":8.0,"writeP99Ms":40.0,"maxMutatingInflight":200}.
std::string latency_model_to_json(const LatencyModel& model);

// `current` changed by a POST /_sim/latency-model body: "preset" ("measured"
// or "none") first, then any of the fields latency_model_to_json() writes.
// Errors: kInvalidArgument (and nothing applied) for a body that is not a
// JSON object, an unknown field or preset, or a negative or non-numeric value.
util::StatusOr<LatencyModel> apply_latency_model_json(const LatencyModel& current,
                                                      std::string_view body);

class LatencyModelGate {
 public:
  // An admitted request: the latency to spend before handling it. For a
  // mutating request it holds an in-flight slot until destroyed, so the slot
  // covers the modelled latency and the handling.
  class Admission {
   public:
    Admission(Admission&& other) noexcept;
    Admission& operator=(Admission&&) = delete;
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;
    ~Admission();

    absl::Duration latency() const { return latency_; }

   private:
    friend class LatencyModelGate;
    Admission(LatencyModelGate* slot_owner, absl::Duration latency)
        : slot_owner_(slot_owner), latency_(latency) {}

    LatencyModelGate* slot_owner_;  // non-null while holding a mutating in-flight slot
    absl::Duration latency_;
  };

  explicit LatencyModelGate(LatencyModel model) : model_(model) {}

  // Requests already admitted keep their latency and slot.
  void set_model(LatencyModel model);
  LatencyModel model() const;

  // For one request of `verb` (get, list, watch, create, ...; "" for what the
  // model does not cover, such as discovery: no latency, never refused).
  // nullopt: refused, max_mutating_inflight mutating requests are in flight.
  std::optional<Admission> admit(std::string_view verb);

 private:
  void release_mutating_slot();

  mutable util::Mutex mu_;
  LatencyModel model_ ABSL_GUARDED_BY(mu_);
  absl::BitGen random_ ABSL_GUARDED_BY(mu_);
  int mutating_inflight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sim::kube
