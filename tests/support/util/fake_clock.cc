#include "tests/support/util/fake_clock.h"

#include <algorithm>
#include <chrono>

namespace util::testing {

// One blocked wait_until() call. `state_mu` orders the waker against the
// waiter leaving: once `cv` is null the waiter's objects may be gone.
struct FakeClock::Waiter {
  Waiter(CondVar* c, Mutex* m, MonotonicTime d) : deadline(d), cv(c), mu(m) {}
  const MonotonicTime deadline;
  Mutex state_mu;
  CondVar* cv ABSL_GUARDED_BY(state_mu);
  Mutex* mu ABSL_GUARDED_BY(state_mu);
};

FakeClock::FakeClock(absl::Time system_start)
    : system_(system_start), monotonic_(MonotonicTime::from_epoch(absl::Hours(1))) {}

absl::Time FakeClock::system_now() const {
  MutexLock lock(mu_);
  return system_;
}

MonotonicTime FakeClock::monotonic_now() const {
  MutexLock lock(mu_);
  return monotonic_;
}

bool FakeClock::wait_until(CondVar& cv, Mutex& mu, MonotonicTime deadline) {
  // Lock order: a waker takes state_mu, then mu. We hold mu here, so the
  // waiter is filled in before it is shared, without taking state_mu.
  auto waiter = std::make_shared<Waiter>(&cv, &mu, deadline);
  {
    MutexLock lock(mu_);
    if (monotonic_ >= deadline) return true;
    waiters_.push_back(waiter);
    waiters_changed_.notify_all();
  }
  // A waker locks `mu` before notifying, so it cannot notify between our
  // registration above and this wait (we hold `mu` until wait releases it).
  cv.wait(mu);

  // Leave without holding `mu`: a waker holds state_mu while taking mu.
  mu.unlock();
  {
    MutexLock state(waiter->state_mu);
    waiter->cv = nullptr;
    waiter->mu = nullptr;
  }
  {
    MutexLock lock(mu_);
    std::erase(waiters_, waiter);
    waiters_changed_.notify_all();
  }
  mu.lock();
  return monotonic_now() >= deadline;
}

void FakeClock::step(absl::Duration d) {
  {
    MutexLock lock(mu_);
    system_ += d;
    monotonic_ = monotonic_ + d;
  }
  wake_all();
}

void FakeClock::set_system(absl::Time t) {
  {
    MutexLock lock(mu_);
    system_ = t;
  }
  wake_all();
}

void FakeClock::wake_all() {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    MutexLock lock(mu_);
    waiters = waiters_;
  }
  for (const auto& waiter : waiters) {
    MutexLock state(waiter->state_mu);
    if (waiter->cv == nullptr) continue;
    waiter->mu->lock();
    waiter->mu->unlock();
    waiter->cv->notify_all();
  }
}

size_t FakeClock::waiters() const {
  MutexLock lock(mu_);
  return waiters_.size();
}

bool FakeClock::await_waiters(size_t n, absl::Duration timeout) const {
  return await([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return waiters_.size() >= n; }, timeout);
}

bool FakeClock::await_waiter_until(MonotonicTime deadline, absl::Duration timeout) const {
  return await(
      [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return std::any_of(waiters_.begin(), waiters_.end(),
                           [&](const auto& waiter) { return waiter->deadline == deadline; });
      },
      timeout);
}

bool FakeClock::await(const std::function<bool()>& done, absl::Duration timeout) const {
  const auto give_up = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  MutexLock lock(mu_);
  while (!done()) {
    if (waiters_changed_.wait_until(mu_, give_up) == std::cv_status::timeout) return done();
  }
  return true;
}

}  // namespace util::testing
