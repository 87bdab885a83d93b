// Caches another provider's credentials and refreshes them before they
// expire: one fetch at a time (single flight), early (5 minutes before
// expiration by default, as aws-c-auth), and keeps serving still-valid cached
// credentials when a refresh fails.
//
// Thread-safe. Takes ownership of the source. Time: compares expirations with
// clock.system_now(). Callers with no usable cached credentials wait for the
// fetch in flight and share its result (success or error); callers while a
// valid cached value exists are served at once, even during a refresh.
// Credentials without an expiration are cached forever. Errors: the source's
// error, prefixed with the source name; when the cached credentials expired
// and the refresh failed, says so.
#pragma once

#include <memory>
#include <optional>

#include "absl/time/time.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace aws {

struct CachingOptions {
  // Refresh this long before the expiration (aws-c-auth: 5 min; botocore's
  // advisory refresh is 15 min).
  absl::Duration refresh_early = absl::Minutes(5);
  // After a fetch that failed or returned credentials already inside the
  // refresh window, wait at least this long before fetching again (while the
  // cached credentials are valid), so a broken source is not hammered.
  absl::Duration min_refresh_interval = absl::Seconds(30);
};

class CachingProvider final : public CredentialsProvider {
 public:
  CachingProvider(CredentialsProviderPtr source, util::Clock& clock, CachingOptions options = {});

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return source_->name(); }

  // Drops the cached credentials: the next call fetches (e.g. after STS said
  // ExpiredToken for credentials the cache still thought valid).
  void invalidate();

  // How many callers wait for the fetch in flight now: what a slow source
  // holds up (0 when nothing is being fetched).
  size_t waiting_callers() const;

 private:
  // Starts a fetch with mu_ released, stores its outcome, wakes waiters.
  util::StatusOr<Credentials> fetch_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CredentialsProviderPtr source_;
  util::Clock& clock_;
  const CachingOptions options_;

  mutable util::Mutex mu_;
  util::CondVar fetched_;
  std::optional<Credentials> cached_ ABSL_GUARDED_BY(mu_);
  // Do not fetch before this time while cached_ is valid.
  absl::Time next_refresh_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool fetching_ ABSL_GUARDED_BY(mu_) = false;
  size_t waiting_ ABSL_GUARDED_BY(mu_) = 0;       // callers waiting for the fetch in flight
  uint64_t fetches_ ABSL_GUARDED_BY(mu_) = 0;     // completed fetches
  util::Status last_error_ ABSL_GUARDED_BY(mu_);  // of the last completed fetch
};

}  // namespace aws
