#include "pkg/kube/token_source.h"

#include "pkg/util/files.h"
#include "pkg/util/strings.h"

namespace kube {

FileTokenSource::FileTokenSource(std::string path, util::Clock& clock, absl::Duration max_age)
    : path_(std::move(path)), clock_(clock), max_age_(max_age) {}

util::StatusOr<util::SecretString> FileTokenSource::token() {
  util::MutexLock lock(mu_);
  const util::MonotonicTime now = clock_.monotonic_now();
  if (cached_.has_value() && !stale_ && now - read_at_ < max_age_) return *cached_;
  auto content = util::read_file(path_);
  if (content.ok()) {
    util::SecretString raw(std::move(content).value());
    util::SecretString token{std::string(util::trim(raw.reveal()))};
    if (!token.empty()) {
      cached_ = std::move(token);
      read_at_ = now;
      stale_ = false;
      return *cached_;
    }
  }
  if (cached_.has_value()) return *cached_;  // keep the last good token
  if (!content.ok()) {
    return util::unauthenticated_error(
        util::cat("cannot read bearer token file ", content.status().message()));
  }
  return util::unauthenticated_error(util::cat("bearer token file ", path_, " is empty"));
}

void FileTokenSource::invalidate() {
  util::MutexLock lock(mu_);
  stale_ = true;
}

}  // namespace kube
