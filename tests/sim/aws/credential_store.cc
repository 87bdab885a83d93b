#include "tests/sim/aws/credential_store.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "tests/sim/aws/random_ids.h"

namespace sim::aws {

bool secret_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

IssuedSession CredentialStore::issue(Principal principal, absl::Duration lifetime,
                                     std::vector<std::pair<std::string, std::string>> tags) {
  const absl::Time now = clock_.system_now();
  IssuedSession session;
  session.access_key_id = new_access_key_id("ASIA");
  session.secret_access_key = new_secret_access_key();
  session.session_token = new_session_token();
  session.issued_at = now;
  // STS expirations are whole seconds; round down so a client never believes
  // in a credential longer than the simulator honours it.
  const absl::Duration whole = absl::Seconds(std::max<int64_t>(1, absl::ToInt64Seconds(lifetime)));
  session.expiration = absl::FromUnixSeconds(absl::ToUnixSeconds(now + whole));
  session.principal = std::move(principal);
  session.tags = std::move(tags);

  util::MutexLock lock(mu_);
  if (++issued_since_purge_ >= std::max<size_t>(1024, sessions_.size() / 2)) purge_locked(now);
  sessions_[session.access_key_id] = session;
  return session;
}

void CredentialStore::purge_locked(absl::Time now) {
  issued_since_purge_ = 0;
  std::erase_if(sessions_,
                [&](const auto& item) { return item.second.expiration + kRetainExpired < now; });
}

std::optional<IssuedSession> CredentialStore::find(std::string_view access_key_id) const {
  util::MutexLock lock(mu_);
  auto it = sessions_.find(std::string(access_key_id));
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expiration + kRetainExpired < clock_.system_now()) return std::nullopt;
  return it->second;
}

size_t CredentialStore::size() const {
  util::MutexLock lock(mu_);
  return sessions_.size();
}

}  // namespace sim::aws
