// The one loop that sends a request until an answer is final, for every client
// here: STS and IAM Roles Anywhere (aws::ApiCaller), the Kubernetes API
// (kube::RestClient) and the local credential agents (IMDS, the ECS / EKS Pod
// Identity endpoint). Each attempt waits for the client's rate limiter, gets a
// request built at its own time (signed, with a fresh token), is sent, timed,
// and handed to the client's judge, which reads the answer and says whether
// and when to repeat it. The clients differ only in their judges: adaptive
// backoff on AWS throttling, a 401 re-authentication and Retry-After for the
// Kubernetes API, a fixed delay for the local agents.
//
// Request bodies are zeroed after each attempt: they may hold credentials (an
// AssumeRole form, a Secret's data).
//
// Thread-safe (the transport and the limiter are). Borrows transport, clock
// and limiter; waits on the clock, so tests run with a fake one and no real
// sleep. Errors: the last attempt's answer as the judge left it; build()'s
// error and kCancelled (stop requested while waiting for a limiter ticket or
// for the next attempt), prefixed with `context`.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/http/transport.h"
#include "pkg/util/adaptive_rate_limiter.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace http {

// One attempt, as the judge sees it.
struct Attempt {
  int number = 1;  // 1-based
  // The transport's answer; the judge may read, rewrite or consume it (it is
  // what the loop returns when the judge ends the call).
  util::StatusOr<Response>& answer;
  absl::Duration latency;  // of this attempt, on the monotonic clock
};

// What the judge made of an attempt.
struct Verdict {
  // Repeat after this wait (zero: at once); nullopt: the call is over.
  std::optional<absl::Duration> retry_after;
  // The server throttled this attempt: the rate limiter slows down. Only an
  // answer says anything about the rate a server accepts, so this is ignored
  // when the transport failed.
  bool throttled = false;

  static Verdict done(bool throttled = false) { return {std::nullopt, throttled}; }
  static Verdict retry(absl::Duration wait, bool throttled = false) { return {wait, throttled}; }
};

struct RetryingSend {
  std::string_view context;  // for messages: "STS AssumeRole", "get secrets app"
  // Each attempt's request; an error ends the call.
  std::function<util::StatusOr<Request>()> build;
  std::function<Verdict(Attempt&)> judge;
  util::AdaptiveRateLimiter* limiter = nullptr;  // optional: each attempt waits for a ticket
};

util::StatusOr<Response> send_with_retries(Transport& transport, util::Clock& clock,
                                           const RetryingSend& send, const std::stop_token& stop);

// The judge of the local agents: repeat transport failures and 429/5xx
// answers (http::is_retryable) after a fixed delay.
struct FixedRetryPolicy {
  int max_attempts = 3;                            // >= 1
  absl::Duration delay = absl::Milliseconds(200);  // between attempts; 0: at once
};

// The first answer that is not worth repeating, else the last attempt's.
util::StatusOr<Response> send_with_retries(Transport& transport, const Request& request,
                                           const FixedRetryPolicy& policy, util::Clock& clock,
                                           const std::stop_token& stop);

}  // namespace http
