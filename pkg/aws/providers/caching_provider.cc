#include "pkg/aws/providers/caching_provider.h"

#include <algorithm>

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

bool valid_at(const std::optional<Credentials>& c, absl::Time now) {
  return c.has_value() && !c->expires_within(now, absl::ZeroDuration());
}

}  // namespace

CachingProvider::CachingProvider(CredentialsProviderPtr source, util::Clock& clock,
                                 CachingOptions options)
    : source_(std::move(source)), clock_(clock), options_(options) {}

void CachingProvider::invalidate() {
  util::MutexLock lock(mu_);
  cached_.reset();
  next_refresh_ = absl::InfinitePast();
}

size_t CachingProvider::waiting_callers() const {
  util::MutexLock lock(mu_);
  return waiting_;
}

util::StatusOr<Credentials> CachingProvider::credentials() {
  util::MutexLock lock(mu_);
  while (true) {
    const absl::Time now = clock_.system_now();
    const bool valid = valid_at(cached_, now);
    if (valid && now < next_refresh_) return *cached_;
    if (!fetching_) return fetch_locked();
    // A fetch is in flight: valid credentials need not wait for it.
    if (valid) return *cached_;
    const uint64_t seen = fetches_;
    ++waiting_;
    while (fetching_ && fetches_ == seen)
      fetched_.wait(mu_);
    --waiting_;
    if (fetches_ != seen) {
      if (valid_at(cached_, clock_.system_now())) return *cached_;
      if (!last_error_.ok()) return last_error_;  // share the failed fetch's error
    }
  }
}

util::StatusOr<Credentials> CachingProvider::fetch_locked() {
  fetching_ = true;
  mu_.unlock();
  util::StatusOr<Credentials> result = source_->credentials();
  mu_.lock();
  fetching_ = false;
  ++fetches_;
  const absl::Time now = clock_.system_now();
  if (result.ok() && result->expires_within(now, absl::ZeroDuration())) {
    result = util::unavailable_error(util::cat(source_->name(), ": credentials from ",
                                               result->source, " expired at ",
                                               util::format_rfc3339(*result->expiration)));
  }
  if (result.ok()) {
    cached_ = *result;
    last_error_ = util::ok_status();
    if (!result->expiration.has_value()) {
      next_refresh_ = absl::InfiniteFuture();
    } else {
      const absl::Time due = *result->expiration - options_.refresh_early;
      // Inside the refresh window already: try again later, not on every call.
      next_refresh_ =
          due > now ? due : std::min(now + options_.min_refresh_interval, *result->expiration);
    }
    fetched_.notify_all();
    return result;
  }
  fetched_.notify_all();
  if (valid_at(cached_, now)) {
    // Keep serving what still works; retry the source later.
    last_error_ = result.status();
    next_refresh_ = std::min(now + options_.min_refresh_interval, *cached_->expiration);
    return *cached_;
  }
  if (cached_.has_value() && cached_->expiration.has_value()) {
    last_error_ = util::Status(
        result.status().code(),
        util::cat(result.status().message(), " (cached credentials from ", cached_->source,
                  " expired at ", util::format_rfc3339(*cached_->expiration), ")"));
  } else {
    last_error_ = result.status();
  }
  return last_error_;
}

}  // namespace aws
