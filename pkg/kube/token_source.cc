#include "pkg/kube/token_source.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "pkg/util/strings.h"

namespace kube {

util::StatusOr<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string reason = std::error_code(err, std::generic_category()).message();
    if (err == ENOENT) return util::not_found_error(util::cat(path, ": ", reason));
    if (err == EACCES) return util::permission_denied_error(util::cat(path, ": ", reason));
    return util::unavailable_error(util::cat(path, ": ", reason));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return util::unavailable_error(util::cat(path, ": read error"));
  return std::move(content).str();
}

FileTokenSource::FileTokenSource(std::string path, util::Clock& clock, absl::Duration max_age)
    : path_(std::move(path)), clock_(clock), max_age_(max_age) {}

util::StatusOr<util::SecretString> FileTokenSource::token() {
  util::MutexLock lock(mu_);
  const util::MonotonicTime now = clock_.monotonic_now();
  if (cached_.has_value() && !stale_ && now - read_at_ < max_age_) return *cached_;
  auto content = read_file(path_);
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
