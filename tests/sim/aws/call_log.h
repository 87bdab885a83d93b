// A record of every call the simulators answered (who assumed which role, for
// how long, with what result), so tests can prove e.g. that the controller's
// --assume-role chaining really went through the intermediate role; plus
// counters per action and result. Served as JSON at GET /_sim/calls.
//
// Memory: keeps the newest `capacity` records (dropped() counts the rest);
// counters are exact regardless.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/mutex.h"

namespace sim::aws {

struct CallRecord {
  absl::Time time;
  std::string service;  // "sts", "imds", "container"
  // STS: the Action ("AssumeRole", "GetCallerIdentity", ...), "" when absent;
  // IMDS: "GetToken", "GetMetadata", "GetCredentials"; container: "GetCredentials".
  std::string action;
  std::string caller_arn;            // "" when unauthenticated
  std::string caller_access_key_id;  // key id only, never the secret
  std::string role_arn;
  std::string session_name;
  std::optional<int64_t> duration_seconds;
  std::optional<std::string> external_id;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string source_identity;
  std::string result;  // "Success" or the error code
  int http_status = 200;
  std::string issued_access_key_id;  // on success, the new key id
  std::string request_id;
};

class CallLog {
 public:
  explicit CallLog(size_t capacity = 100'000) : capacity_(capacity) {}

  void record(CallRecord call);

  std::vector<CallRecord> calls() const;
  // Calls of one action (e.g. "AssumeRole") in order.
  std::vector<CallRecord> calls_of(std::string_view action) const;
  // counters()[action][result] = count.
  std::map<std::string, std::map<std::string, int64_t>> counters() const;
  int64_t count(std::string_view action, std::string_view result) const;
  int64_t total() const;
  int64_t dropped() const;
  void clear();

  // Blocks until at least `n` calls were recorded in total (since the last
  // clear), or `timeout` of real time passed; returns whether they were. For
  // tests that wait on another thread's (the controller's) STS calls.
  bool wait_for_total(int64_t n, absl::Duration timeout) const;

 private:
  const size_t capacity_;
  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  std::deque<CallRecord> calls_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, int64_t>> counters_ ABSL_GUARDED_BY(mu_);
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sim::aws
