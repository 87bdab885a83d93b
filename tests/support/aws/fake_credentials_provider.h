// A CredentialsProvider for tests of code that consumes credentials: answers
// from a script (FIFO of results, then a fixed answer) and counts calls.
// Optionally blocks each call until released, to test concurrency.
//
// Thread-safe.
#pragma once

#include <deque>
#include <string>

#include "pkg/aws/credentials_provider.h"
#include "pkg/util/mutex.h"

namespace aws::testing {

class FakeCredentialsProvider final : public CredentialsProvider {
 public:
  explicit FakeCredentialsProvider(std::string name = "fake") : name_(std::move(name)) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return name_; }

  // Answers used in order, then the fixed answer (initially kNotFound).
  void push(util::StatusOr<Credentials> answer);
  void set(util::StatusOr<Credentials> answer);

  // While held, calls block after counting themselves (await_calls() sees them).
  void hold();
  void release();

  int calls() const;
  // Blocks until calls() >= n, at most `timeout` of real time; false on timeout.
  bool await_calls(int n, absl::Duration timeout = absl::Seconds(10)) const;

 private:
  const std::string name_;
  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  std::deque<util::StatusOr<Credentials>> queue_ ABSL_GUARDED_BY(mu_);
  util::StatusOr<Credentials> fixed_ ABSL_GUARDED_BY(mu_) =
      util::not_found_error("fake credentials not configured");
  bool held_ ABSL_GUARDED_BY(mu_) = false;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

// Complete credentials for tests: key id "AKID<suffix>", secret "secret-<suffix>".
Credentials test_credentials(std::string_view suffix = "TEST",
                             std::optional<absl::Time> expiration = std::nullopt);

}  // namespace aws::testing
