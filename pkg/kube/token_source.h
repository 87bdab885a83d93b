// Where the REST client gets its bearer token: a fixed token (kubeconfig
// `token`) or a file re-read as it rotates (the projected service-account
// token, kubeconfig `tokenFile`). Kubelet rotates projected tokens well before
// they expire, so a file source re-reads at most every `max_age` (client-go:
// 1 minute) and at once after invalidate() (the client calls it on a 401).
//
// Thread-safe. Time source: the injected Clock (monotonic), which must outlive
// the source. Errors: kUnauthenticated when the file cannot be read or is
// empty and no earlier token is cached (a failed re-read keeps serving the
// last good token, as client-go does). Tokens are util::SecretString: never
// logged.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "pkg/util/clock.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace kube {

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual util::StatusOr<util::SecretString> token() = 0;
  // The server rejected the token: re-read before the next request.
  virtual void invalidate() = 0;
};

class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(util::SecretString token) : token_(std::move(token)) {}
  util::StatusOr<util::SecretString> token() override { return token_; }
  void invalidate() override {}

 private:
  const util::SecretString token_;
};

class FileTokenSource final : public TokenSource {
 public:
  static constexpr absl::Duration kDefaultMaxAge = absl::Minutes(1);  // client-go's period

  FileTokenSource(std::string path, util::Clock& clock, absl::Duration max_age = kDefaultMaxAge);

  util::StatusOr<util::SecretString> token() override;
  void invalidate() override;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
  util::Clock& clock_;
  const absl::Duration max_age_;
  util::Mutex mu_;
  std::optional<util::SecretString> cached_ ABSL_GUARDED_BY(mu_);
  util::MonotonicTime read_at_ ABSL_GUARDED_BY(mu_);
  bool stale_ ABSL_GUARDED_BY(mu_) = true;
};

}  // namespace kube
