// Every temporary credential the simulators issued (STS AssumeRole*, IMDS,
// container endpoint), so later requests signed with them are accepted until
// they expire and answered ExpiredToken afterwards.
//
// Time: wall time from the injected util::Clock; an Expiration is whole seconds.
// Memory: sessions are dropped one hour after they expire (a request signed
// with one then gets InvalidClientTokenId, as STS answers for unknown keys);
// purging is amortised over issue().
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/secret_string.h"
#include "tests/sim/aws/principal.h"

namespace sim::aws {

// Compares a secret (a key, a session or bearer token) with what a request
// presented, in time that does not depend on where they differ.
bool secret_equal(std::string_view a, std::string_view b);

struct IssuedSession {
  std::string access_key_id;  // ASIA + 16
  util::SecretString secret_access_key;
  util::SecretString session_token;
  absl::Time issued_at;
  absl::Time expiration;  // whole seconds
  Principal principal;    // always kAssumedRole
  std::vector<std::pair<std::string, std::string>> tags;
};

class CredentialStore {
 public:
  // How long an expired session is still recognised (ExpiredToken rather than
  // InvalidClientTokenId).
  static constexpr absl::Duration kRetainExpired = absl::Hours(1);

  explicit CredentialStore(const util::Clock& clock) : clock_(clock) {}

  // Issues fresh credentials for `principal`, valid from now for `lifetime`
  // (rounded down to whole seconds, at least 1 s).
  IssuedSession issue(Principal principal, absl::Duration lifetime,
                      std::vector<std::pair<std::string, std::string>> tags = {});

  std::optional<IssuedSession> find(std::string_view access_key_id) const;
  size_t size() const;

 private:
  void purge_locked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const util::Clock& clock_;
  mutable util::Mutex mu_;
  std::unordered_map<std::string, IssuedSession> sessions_ ABSL_GUARDED_BY(mu_);
  size_t issued_since_purge_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sim::aws
