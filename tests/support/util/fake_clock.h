// A Clock for tests: time moves only when the test calls step() or set_system(),
// and step() wakes every thread blocked in wait_until(), so no test sleeps.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "pkg/util/clock.h"

namespace util::testing {

// Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time system_start = absl::FromUnixSeconds(1'800'000'000));

  absl::Time system_now() const override;
  MonotonicTime monotonic_now() const override;
  bool wait_until(CondVar& cv, Mutex& mu, MonotonicTime deadline) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Advances both readings by `d` and wakes all waiters.
  void step(absl::Duration d);
  // Moves only the wall clock (as an NTP adjustment would) and wakes waiters.
  void set_system(absl::Time t);

  // Number of threads currently blocked in wait_until(); lets a test step time
  // only once the code under test is waiting. Blocks (in real time, bounded by
  // `timeout`) until at least `n` waiters exist; returns false on timeout.
  bool await_waiters(size_t n, absl::Duration timeout = absl::Seconds(10)) const;
  size_t waiters() const;
  // Blocks (as await_waiters) until a thread waits for exactly `deadline`:
  // shows what a timer has learnt without stepping time.
  bool await_waiter_until(MonotonicTime deadline, absl::Duration timeout = absl::Seconds(10)) const;

 private:
  struct Waiter;
  void wake_all();
  // Blocks (real time, bounded by `timeout`) until `done` holds; `done` runs
  // with mu_ held. False on timeout.
  bool await(const std::function<bool()>& done, absl::Duration timeout) const;

  mutable Mutex mu_;
  mutable CondVar waiters_changed_;
  absl::Time system_ ABSL_GUARDED_BY(mu_);
  MonotonicTime monotonic_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Waiter>> waiters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace util::testing
