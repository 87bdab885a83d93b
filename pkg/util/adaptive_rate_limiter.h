// Client-side rate control in front of a server that says "too fast" with a
// throttling answer (AWS STS `Throttling`, the Kubernetes API's 429 from API
// Priority and Fairness): starts fast, finds the server's limit from its
// throttling answers, backs off and recovers.
//
// Thread-safe: many threads may acquire() and on_response() concurrently.
// Time: reads and waits only on the injected Clock's monotonic reading
// (FakeClock in tests).
//
// The algorithm is the AWS SDKs' adaptive retry mode (botocore
// retries/adaptive.py, throttling.py, bucket.py); our changes are marked (*).
//
// - Start fast. Until the first throttled answer there is no client-side limit.
// - Cut. A throttled answer cuts the rate to beta·W_max (CUBIC's multiplicative
//   decrease; beta = 0.7); from then on a token bucket paces the requests.
// - Recover. Each successful answer sets the rate to the CUBIC curve
//       rate(t) = C·(t − K)³ + W_max,   K = ∛(W_max·(1 − beta) / C),
//   t the seconds since the cut, C = 0.4: concave back up to W_max in K
//   seconds (K = 3.3 s for W_max = 50/s), a plateau, then convex probing above
//   it. Without answers the rate stays where it is.
// - Bucket. The fill rate is the rate (at least min_rate = 0.5/s); the capacity
//   is one second's worth, max(1, rate) tokens. On a rate change the bucket is
//   first refilled at the old rate, then its tokens are clamped to the new
//   capacity. It starts empty when limiting begins: the server just said "too
//   fast".
// - (*) One cut per congestion event. A Ticket records how many cuts were made
//   before its request was sent; a throttled answer to a request sent before
//   the most recent cut does not cut again (TCP's once-per-window rule). The
//   SDKs cut on every throttled answer, so N requests in flight throttled
//   together cut the rate by 0.7^N and collapse it. (A cut count rather than a
//   send time, so that "before" is exact even when the clock reads the same
//   instant, as a coarse or fake clock does.)
// - (*) W_max is what the server accepted, not what we sent: the successful
//   answers counted in the last second (ten 100 ms slots; counted as a full
//   second even right after start-up), capped by the current rate when
//   limiting, and at least min_rate. In front of a server-side burst bucket
//   the sending rate overstates the server's rate by up to the burst; the
//   accepted count over a second does not (much). A server that took 50
//   requests in the first 100 ms and then throttles gives W_max = 50/s.
// - (*) Back to unlimited after a long calm, instead of the SDKs' cap at twice
//   the measured sending rate: once the CUBIC rate passes
//   max(16·W_max, 1000/s) — 14 s after the cut for W_max = 1/s, 17 s for 50/s,
//   34 s for 500/s, all without a throttle — the limit we found is stale (the
//   server's limit rose, or our traffic stayed far below it), so the bucket is
//   disabled and the limiter starts fast again; the next throttle finds the
//   limit anew.
// - (*) A published quota (published_qps > 0, e.g. IAM Roles Anywhere's
//   CreateSession: 10/s per account by default): limiting starts at it, the
//   bucket full, as if a cut had found it K seconds ago: the CUBIC curve is on
//   its plateau, so the limiter probes above it (a raised quota is found) but
//   does not open with a burst the service is known to throttle. The SDKs
//   start unlimited and learn the quota from a burst of throttled answers.
// - (*) The operator's ceiling (ceiling_qps > 0; replaces the fixed --sts-qps
//   and --kube-qps buckets): the rate never exceeds it. The bucket is enabled
//   from the start, at the ceiling and full (ceiling_burst tokens), and a calm
//   returns to the ceiling instead of to unlimited. The capacity is
//   ceiling_burst at the ceiling and never more than ceiling_burst below it.
//
// Waiting is by reservation (as TokenBucket::reserve): a caller takes its token
// at once, going into debt, so callers are served in arrival order. A waiter
// recomputes its wait from the current rate whenever it wakes, and is woken
// when the rate rises, when the limiter stops limiting, and on stop.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <stop_token>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace util {

struct AdaptiveRateLimiterOptions {
  double ceiling_qps = 0;    // requests/s; 0: no ceiling
  int ceiling_burst = 1;     // the bucket's capacity at the ceiling; at least 1
  double beta = 0.7;         // AWS SDKs: the cut keeps this fraction of W_max; in (0, 1)
  double scale = 0.4;        // AWS SDKs' CUBIC C, in requests/s per s³; > 0
  double min_rate = 0.5;     // AWS SDKs: the lowest rate, requests/s; > 0
  double published_qps = 0;  // the service's documented default quota; 0: none (start unlimited)

  // Checks the ranges above (ceiling_qps >= 0, ceiling_burst >= 1).
  util::Status validate() const;
};

class AdaptiveRateLimiter {
 public:
  // Expects options.validate() to be ok (check it in the caller's factory);
  // out-of-range fields are replaced by their defaults.
  explicit AdaptiveRateLimiter(Clock& clock, AdaptiveRateLimiterOptions options = {});

  // One request's permission to go; give it back to on_response().
  struct Ticket {
    MonotonicTime sent;         // when the permission was granted
    uint64_t cuts_at_send = 0;  // rate cuts made before the request went
  };

  // Blocks until the request may go, or returns nullopt if `stop` is requested
  // first (the reserved token is not returned: stop means shutdown).
  std::optional<Ticket> acquire(const std::stop_token& stop);

  // Returns a ticket if a token is available now; never waits or reserves.
  std::optional<Ticket> try_acquire();

  // The outcome of the request sent with `ticket`: throttled or not. Other
  // failures (5xx, timeouts) say nothing about the rate: do not report them.
  void on_response(const Ticket& ticket, bool throttled);

  // For metrics: the allowed rate in requests/s (+infinity when not limiting),
  // the throttled answers seen, and the rate cuts made.
  double allowed_rate() const;
  uint64_t throttles() const;
  uint64_t cuts() const;

 private:
  // Successful answers in the last second, in ten 100 ms slots of the
  // monotonic clock. Not thread-safe (guarded by the limiter's mutex).
  class AcceptedWindow {
   public:
    explicit AcceptedWindow(MonotonicTime origin) : origin_(origin) { slot_ids_.fill(kNoSlot); }
    void record(MonotonicTime now);
    uint64_t count(MonotonicTime now) const;

   private:
    static constexpr int64_t kSlots = 10;
    static constexpr int64_t kNoSlot = std::numeric_limits<int64_t>::min();
    int64_t slot_of(MonotonicTime now) const;

    MonotonicTime origin_;
    std::array<int64_t, kSlots> slot_ids_;  // the slot each entry counts, or kNoSlot
    std::array<uint64_t, kSlots> counts_{};
  };

  Ticket ticket_locked(MonotonicTime now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void refill_locked(MonotonicTime now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void set_rate_locked(MonotonicTime now, double rate) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void cut_locked(MonotonicTime now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void recover_locked(MonotonicTime now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void stop_limiting_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  double capacity_for(double rate) const;

  Clock& clock_;
  const AdaptiveRateLimiterOptions options_;
  mutable Mutex mu_;
  CondVar recheck_;  // waiters recompute: the rate rose, limiting stopped, or a stop came

  bool limiting_ ABSL_GUARDED_BY(mu_);
  uint64_t limiting_epoch_ ABSL_GUARDED_BY(mu_) = 0;  // +1 each time limiting starts
  double rate_ ABSL_GUARDED_BY(mu_);                  // fill rate, requests/s, when limiting
  double capacity_ ABSL_GUARDED_BY(mu_);              // tokens_ never exceeds it
  double tokens_ ABSL_GUARDED_BY(mu_);                // negative: reserved by waiters
  uint64_t reserved_ ABSL_GUARDED_BY(mu_) = 0;        // reservations ever made (orders waiters)
  MonotonicTime refilled_at_ ABSL_GUARDED_BY(mu_);

  // CUBIC state, meaningful once probing_: after a cut, or from a published quota.
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
  double w_max_ ABSL_GUARDED_BY(mu_) = 0;
  double k_seconds_ ABSL_GUARDED_BY(mu_) = 0;
  MonotonicTime cut_at_ ABSL_GUARDED_BY(mu_);

  AcceptedWindow accepted_ ABSL_GUARDED_BY(mu_);
  uint64_t throttles_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t cuts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace util
