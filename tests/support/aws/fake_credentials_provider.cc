#include "tests/support/aws/fake_credentials_provider.h"

#include "pkg/util/clock.h"
#include "pkg/util/strings.h"

namespace aws::testing {

util::StatusOr<Credentials> FakeCredentialsProvider::credentials() {
  util::MutexLock lock(mu_);
  ++calls_;
  changed_.notify_all();
  while (held_)
    changed_.wait(mu_);
  if (!queue_.empty()) {
    util::StatusOr<Credentials> answer = std::move(queue_.front());
    queue_.pop_front();
    return answer;
  }
  return fixed_;
}

void FakeCredentialsProvider::push(util::StatusOr<Credentials> answer) {
  util::MutexLock lock(mu_);
  queue_.push_back(std::move(answer));
}

void FakeCredentialsProvider::set(util::StatusOr<Credentials> answer) {
  util::MutexLock lock(mu_);
  fixed_ = std::move(answer);
}

void FakeCredentialsProvider::hold() {
  util::MutexLock lock(mu_);
  held_ = true;
}

void FakeCredentialsProvider::release() {
  util::MutexLock lock(mu_);
  held_ = false;
  changed_.notify_all();
}

int FakeCredentialsProvider::calls() const {
  util::MutexLock lock(mu_);
  return calls_;
}

bool FakeCredentialsProvider::await_calls(int n, absl::Duration timeout) const {
  util::RealClock clock;
  const util::MonotonicTime deadline = clock.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (calls_ < n) {
    if (clock.wait_until(changed_, mu_, deadline)) return calls_ >= n;
  }
  return true;
}

Credentials test_credentials(std::string_view suffix, std::optional<absl::Time> expiration) {
  Credentials c;
  c.access_key_id = util::cat("AKID", suffix);
  c.secret_access_key = util::SecretString(util::cat("secret-", suffix));
  c.session_token = util::SecretString(util::cat("token-", suffix));
  c.expiration = expiration;
  c.source = util::cat("test ", suffix);
  return c;
}

}  // namespace aws::testing
