// Time sources for everything that reads or waits on time. Inject a Clock so
// tests drive time with testing::FakeClock instead of sleeping.
//
// Two readings (as Envoy's TimeSource): wall time, compared with credential
// expirations and written to the API; monotonic time, for timers, backoff and
// lease observation, which must never jump when the wall clock is adjusted.
#pragma once

#include <compare>
#include <stop_token>

#include "absl/time/time.h"
#include "pkg/util/mutex.h"

namespace util {

// A point on the monotonic clock. Only differences are meaningful.
class MonotonicTime {
 public:
  MonotonicTime() = default;
  static MonotonicTime from_epoch(absl::Duration since_epoch) {
    return MonotonicTime(since_epoch);
  }
  absl::Duration since_epoch() const { return since_epoch_; }

  friend MonotonicTime operator+(MonotonicTime t, absl::Duration d) {
    return MonotonicTime(t.since_epoch_ + d);
  }
  friend MonotonicTime operator-(MonotonicTime t, absl::Duration d) {
    return MonotonicTime(t.since_epoch_ - d);
  }
  friend absl::Duration operator-(MonotonicTime a, MonotonicTime b) {
    return a.since_epoch_ - b.since_epoch_;
  }
  friend bool operator==(MonotonicTime a, MonotonicTime b) { return a.since_epoch_ == b.since_epoch_; }
  friend std::strong_ordering operator<=>(MonotonicTime a, MonotonicTime b) {
    if (a.since_epoch_ < b.since_epoch_) return std::strong_ordering::less;
    if (b.since_epoch_ < a.since_epoch_) return std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }

 private:
  explicit MonotonicTime(absl::Duration d) : since_epoch_(d) {}
  absl::Duration since_epoch_;
};

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  virtual absl::Time system_now() const = 0;
  virtual MonotonicTime monotonic_now() const = 0;

  // Blocks on `cv` until it is notified or the monotonic `deadline` passes;
  // `mu` must be held and is held again on return. May wake spuriously:
  // callers loop on their own condition. Returns true once the deadline passed.
  virtual bool wait_until(CondVar& cv, Mutex& mu, MonotonicTime deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) = 0;
};

// The process's real clocks (std::chrono::system_clock / steady_clock).
class RealClock final : public Clock {
 public:
  absl::Time system_now() const override;
  MonotonicTime monotonic_now() const override;
  bool wait_until(CondVar& cv, Mutex& mu, MonotonicTime deadline) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
};

// Sleeps until `deadline` on `clock`, or until `stop` is requested.
// Returns true if the deadline was reached, false if stopped first.
bool sleep_until(Clock& clock, MonotonicTime deadline, std::stop_token stop);

// Convenience: sleep_until(clock, clock.monotonic_now() + d, stop).
bool sleep_for(Clock& clock, absl::Duration d, std::stop_token stop);

}  // namespace util
