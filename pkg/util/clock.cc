#include "pkg/util/clock.h"

#include <chrono>

namespace util {

absl::Time RealClock::system_now() const { return absl::FromChrono(std::chrono::system_clock::now()); }

MonotonicTime RealClock::monotonic_now() const {
  return MonotonicTime::from_epoch(
      absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch()));
}

bool RealClock::wait_until(CondVar& cv, Mutex& mu, MonotonicTime deadline) {
  const auto steady_deadline = std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          absl::ToChronoNanoseconds(deadline.since_epoch())));
  return cv.wait_until(mu, steady_deadline) == std::cv_status::timeout ||
         monotonic_now() >= deadline;
}

bool sleep_until(Clock& clock, MonotonicTime deadline, std::stop_token stop) {
  Mutex mu;
  CondVar cv;
  // Wakes the wait below when a stop is requested; takes mu so the
  // notification cannot fall between our check of stop and the wait.
  // Registered before locking: it runs at once if stop was already requested.
  std::stop_callback on_stop(stop, [&] {
    MutexLock wake(mu);
    cv.notify_all();
  });
  MutexLock lock(mu);
  while (!stop.stop_requested()) {
    if (clock.monotonic_now() >= deadline) return true;
    clock.wait_until(cv, mu, deadline);
  }
  return false;
}

bool sleep_for(Clock& clock, absl::Duration d, std::stop_token stop) {
  return sleep_until(clock, clock.monotonic_now() + d, std::move(stop));
}

}  // namespace util
