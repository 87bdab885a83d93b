// Lease-based leader election on a coordination.k8s.io/v1 Lease (client-go's
// LeaderElector), so only one controller replica writes at a time: acquire
// the Lease (creating it if absent), renew it every retry period, give up
// leadership when it could not renew within the renew deadline, and on
// shutdown release it (no holder, leaseDurationSeconds 1) so a successor takes
// over at once. Writes are conditional on the Lease's resourceVersion: a 409
// means another candidate won the race, and this one follows. The leader
// renews the Lease as it last wrote it without reading it first (client-go's
// fast path: one request per renewal); only when that write fails does it
// read the Lease and decide again.
// The policy is decide() in leader_decision.h; this class does the I/O.
//
// Thread-safety: run() once, on its own thread; is_leader(), leader() and
// attempts() from any thread. Callbacks run on the run() thread, except
// on_started_leading, which gets its own thread. Ownership: borrows the
// RestClient and Clock. Time source: the Clock's monotonic reading for all
// timing (FakeClock in tests); its wall reading only for the record's
// timestamps. Errors: create() returns kInvalidArgument for a bad config.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "absl/random/random.h"
#include "pkg/kube/leader_decision.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace kube {

class LeaderElector {
 public:
  static util::StatusOr<std::unique_ptr<LeaderElector>> create(LeaderElectionConfig config,
                                                               RestClient& client,
                                                               util::Clock& clock);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Campaigns until leading, then leads until leadership is lost or `stop` is
  // requested; returns after on_stopped_leading (if it led). As in client-go,
  // a replica that lost leadership should exit and restart; run() returns.
  void run(std::stop_token stop);

  bool is_leader() const { return leading_.load(std::memory_order_acquire); }
  // The holder last observed ("" when none).
  std::string leader() const;
  // Acquire/renew attempts completed so far (tests use it to know a step of
  // the fake clock has been acted on).
  int64_t attempts() const { return attempts_.load(std::memory_order_acquire); }

 private:
  LeaderElector(LeaderElectionConfig config, RestClient& client, util::Clock& clock);

  // One round of get → decide → create/update. True when this candidate now
  // holds the Lease.
  bool try_acquire_or_renew(std::stop_token stop);
  // The leader's renewal of its own last write, while the Lease it observed
  // is unexpired. False (nothing learnt) when not leading or the write failed.
  bool renew_what_we_wrote(const std::stop_token& stop);
  // decide() on what was observed, then the conditional update of the Lease
  // as last read or written. True when this candidate now holds it.
  bool update_as_decided(util::MonotonicTime now, absl::Time wall_now, const std::stop_token& stop);
  void observe(const LeaseRecord& record, util::MonotonicTime now);
  void release();
  void lead(std::stop_token stop);

  const LeaderElectionConfig config_;
  RestClient& client_;
  util::Clock& clock_;
  const Resource leases_ = Resource::leases();
  absl::BitGen rng_;  // run thread only

  // Run-thread state: what this candidate last saw of the Lease.
  std::optional<LeaseRecord> observed_;
  util::MonotonicTime observed_changed_at_;
  std::optional<Object> last_lease_;  // the Lease as last read or written (has resourceVersion)
  std::string reported_leader_;

  mutable util::Mutex mu_;
  std::string leader_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> leading_{false};
  std::atomic<int64_t> attempts_{0};
};

}  // namespace kube
