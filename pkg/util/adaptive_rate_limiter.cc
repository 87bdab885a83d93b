#include "pkg/util/adaptive_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace util {
namespace {

// Back to unlimited once the CUBIC rate passes max(kCalmFactor·W_max,
// kCalmFloorQps): so far above the limit we found that it is stale.
constexpr double kCalmFactor = 16;
constexpr double kCalmFloorQps = 1000;

// A waiter whose debt is within this much of paid is served (absorbs rounding).
constexpr double kTokenEpsilon = 1e-9;

constexpr absl::Duration kSlot = absl::Milliseconds(100);

// CUBIC's K: the seconds after a cut at which the curve is back at W_max
// (its plateau), K = cbrt(W_max·(1-β)/C).
double cubic_k(double w_max, const AdaptiveRateLimiterOptions& options) {
  return std::cbrt(w_max * (1 - options.beta) / options.scale);
}

AdaptiveRateLimiterOptions sanitized(AdaptiveRateLimiterOptions options) {
  const AdaptiveRateLimiterOptions defaults;
  if (!(options.ceiling_qps > 0 && std::isfinite(options.ceiling_qps))) options.ceiling_qps = 0;
  options.ceiling_burst = std::max(options.ceiling_burst, 1);
  if (!(options.beta > 0 && options.beta < 1)) options.beta = defaults.beta;
  if (!(options.scale > 0 && std::isfinite(options.scale))) options.scale = defaults.scale;
  if (!(options.min_rate > 0 && std::isfinite(options.min_rate))) {
    options.min_rate = defaults.min_rate;
  }
  if (!(options.published_qps > 0 && std::isfinite(options.published_qps))) {
    options.published_qps = 0;
  }
  return options;
}

}  // namespace

util::Status AdaptiveRateLimiterOptions::validate() const {
  if (!(ceiling_qps >= 0 && std::isfinite(ceiling_qps))) {
    return invalid_argument_error("rate limiter: ceiling_qps must be finite and >= 0");
  }
  if (ceiling_burst < 1) return invalid_argument_error("rate limiter: ceiling_burst must be >= 1");
  if (!(beta > 0 && beta < 1)) {
    return invalid_argument_error("rate limiter: beta must be in (0, 1)");
  }
  if (!(scale > 0 && std::isfinite(scale))) {
    return invalid_argument_error("rate limiter: scale must be finite and > 0");
  }
  if (!(min_rate > 0 && std::isfinite(min_rate))) {
    return invalid_argument_error("rate limiter: min_rate must be finite and > 0");
  }
  if (!(published_qps >= 0 && std::isfinite(published_qps))) {
    return invalid_argument_error("rate limiter: published_qps must be finite and >= 0");
  }
  return ok_status();
}

int64_t AdaptiveRateLimiter::AcceptedWindow::slot_of(MonotonicTime now) const {
  absl::Duration unused;
  return std::max<int64_t>(0, absl::IDivDuration(now - origin_, kSlot, &unused));
}

void AdaptiveRateLimiter::AcceptedWindow::record(MonotonicTime now) {
  const int64_t slot = slot_of(now);
  const auto i = static_cast<size_t>(slot % kSlots);
  if (slot_ids_[i] != slot) {
    slot_ids_[i] = slot;
    counts_[i] = 0;
  }
  ++counts_[i];
}

uint64_t AdaptiveRateLimiter::AcceptedWindow::count(MonotonicTime now) const {
  const int64_t slot = slot_of(now);
  uint64_t total = 0;
  for (size_t i = 0; i < slot_ids_.size(); ++i) {
    if (slot_ids_[i] > slot - kSlots && slot_ids_[i] <= slot) total += counts_[i];
  }
  return total;
}

AdaptiveRateLimiter::AdaptiveRateLimiter(Clock& clock, AdaptiveRateLimiterOptions options)
    : clock_(clock),
      options_(sanitized(options)),
      limiting_(options_.ceiling_qps > 0),
      rate_(options_.ceiling_qps),
      capacity_(limiting_ ? options_.ceiling_burst : 0),
      tokens_(capacity_),
      refilled_at_(clock.monotonic_now()),
      cut_at_(refilled_at_),
      accepted_(refilled_at_) {
  if (options_.ceiling_qps == 0 && options_.published_qps > 0) {
    MutexLock lock(mu_);
    limiting_ = true;
    probing_ = true;
    w_max_ = options_.published_qps;
    k_seconds_ = cubic_k(w_max_, options_);
    cut_at_ = refilled_at_ - absl::Seconds(k_seconds_);  // on the plateau
    rate_ = w_max_;
    capacity_ = capacity_for(rate_);
    tokens_ = capacity_;
  }
}

AdaptiveRateLimiter::Ticket AdaptiveRateLimiter::ticket_locked(MonotonicTime now) {
  return Ticket{.sent = now, .cuts_at_send = cuts_};
}

double AdaptiveRateLimiter::capacity_for(double rate) const {
  const double one_second = std::max(1.0, rate);
  if (options_.ceiling_qps == 0) return one_second;
  if (rate >= options_.ceiling_qps) return options_.ceiling_burst;
  return std::min(one_second, static_cast<double>(options_.ceiling_burst));
}

void AdaptiveRateLimiter::refill_locked(MonotonicTime now) {
  if (!limiting_) return;
  const double elapsed = absl::ToDoubleSeconds(now - refilled_at_);
  if (elapsed <= 0) return;
  tokens_ = std::min(capacity_, tokens_ + elapsed * rate_);
  refilled_at_ = now;
}

void AdaptiveRateLimiter::set_rate_locked(MonotonicTime now, double rate) {
  refill_locked(now);  // what was earned so far, at the old rate
  const double old_rate = rate_;
  rate_ = std::max(rate, options_.min_rate);
  if (options_.ceiling_qps > 0) rate_ = std::min(rate_, options_.ceiling_qps);
  capacity_ = capacity_for(rate_);
  tokens_ = std::min(tokens_, capacity_);
  // A waiter wakes at its own deadline and recomputes it, so a lower rate
  // strands nobody; a higher one would keep waiters asleep too long.
  if (rate_ > old_rate) recheck_.notify_all();
}

void AdaptiveRateLimiter::stop_limiting_locked() {
  limiting_ = false;
  recheck_.notify_all();
}

void AdaptiveRateLimiter::cut_locked(MonotonicTime now) {
  double w_max = static_cast<double>(accepted_.count(now));  // per second: a 1 s window
  if (limiting_) w_max = std::min(w_max, rate_);
  w_max_ = std::max(w_max, options_.min_rate);
  k_seconds_ = cubic_k(w_max_, options_);
  cut_at_ = now;
  ++cuts_;
  probing_ = true;
  if (!limiting_) {
    limiting_ = true;
    ++limiting_epoch_;
    tokens_ = 0;  // the server just said "too fast": no burst
    refilled_at_ = now;
  }
  set_rate_locked(now, options_.beta * w_max_);
}

void AdaptiveRateLimiter::recover_locked(MonotonicTime now) {
  const double t = absl::ToDoubleSeconds(now - cut_at_) - k_seconds_;
  const double rate = options_.scale * t * t * t + w_max_;
  if (options_.ceiling_qps == 0 && rate > std::max(kCalmFactor * w_max_, kCalmFloorQps)) {
    stop_limiting_locked();
    return;
  }
  set_rate_locked(now, rate);
}

std::optional<AdaptiveRateLimiter::Ticket> AdaptiveRateLimiter::acquire(
    const std::stop_token& stop) {
  if (stop.stop_requested()) return std::nullopt;
  // Registered before locking: it runs at once if stop is requested meanwhile.
  std::stop_callback on_stop(stop, [this] {
    MutexLock wake(mu_);
    recheck_.notify_all();
  });
  MutexLock lock(mu_);
  MonotonicTime now = clock_.monotonic_now();
  if (!limiting_) return ticket_locked(now);
  refill_locked(now);
  tokens_ -= 1;
  const uint64_t serial = ++reserved_;
  const uint64_t epoch = limiting_epoch_;
  while (!stop.stop_requested()) {
    if (!limiting_ || limiting_epoch_ != epoch) return ticket_locked(now);
    // Tokens taken after ours have lowered tokens_ too: add them back to see
    // what is still owed up to and including our own token.
    const double debt = -(tokens_ + static_cast<double>(reserved_ - serial));
    if (debt <= kTokenEpsilon) return ticket_locked(now);
    const absl::Duration wait = absl::Ceil(absl::Seconds(debt / rate_), absl::Nanoseconds(1));
    clock_.wait_until(recheck_, mu_, now + wait);
    now = clock_.monotonic_now();
    refill_locked(now);
  }
  return std::nullopt;
}

std::optional<AdaptiveRateLimiter::Ticket> AdaptiveRateLimiter::try_acquire() {
  MutexLock lock(mu_);
  const MonotonicTime now = clock_.monotonic_now();
  if (!limiting_) return ticket_locked(now);
  refill_locked(now);
  if (tokens_ < 1) return std::nullopt;
  tokens_ -= 1;
  ++reserved_;
  return ticket_locked(now);
}

void AdaptiveRateLimiter::on_response(const Ticket& ticket, bool throttled) {
  MutexLock lock(mu_);
  const MonotonicTime now = clock_.monotonic_now();
  if (throttled) {
    ++throttles_;
    // Sent before the most recent cut: part of the congestion event that cut.
    if (ticket.cuts_at_send < cuts_) return;
    cut_locked(now);
    return;
  }
  accepted_.record(now);
  if (limiting_ && probing_) recover_locked(now);
}

double AdaptiveRateLimiter::allowed_rate() const {
  MutexLock lock(mu_);
  return limiting_ ? rate_ : std::numeric_limits<double>::infinity();
}

uint64_t AdaptiveRateLimiter::throttles() const {
  MutexLock lock(mu_);
  return throttles_;
}

uint64_t AdaptiveRateLimiter::cuts() const {
  MutexLock lock(mu_);
  return cuts_;
}

}  // namespace util
