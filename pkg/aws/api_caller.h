// The attempts of one AWS API call, for every AWS client here (STS, IAM Roles
// Anywhere), on pkg/http's retrying sender: each attempt waits for the adaptive rate limiter
// (util::AdaptiveRateLimiter: unlimited until the service throttles, then the
// AWS SDKs' adaptive mode; an optional fixed ceiling), is built and signed at
// its own time, sent, classified (success, the service's error document, a
// transport failure) and reported to an optional observer; throttling, 5xx,
// timeouts and connection errors are retried with jittered exponential
// backoff. Request and response bodies are wiped after use: they may hold
// credentials.
//
// Thread-safe: any number of calls at once. Borrows the transport and the
// clock. Time: backoff and the limiter wait on the clock (FakeClock in tests).
// Errors: the service's as aws_error_status(); transport failures
// kUnavailable / kDeadlineExceeded ("<service> <operation>: ..."); a 2xx body
// the caller cannot read, as the caller says, with the HTTP status added;
// kCancelled when `stop` is requested.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/aws/aws_error.h"
#include "pkg/http/transport.h"
#include "pkg/util/adaptive_rate_limiter.h"
#include "pkg/util/backoff.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace aws {

// One HTTP attempt, as reported to the observer.
struct ApiAttempt {
  std::string_view operation;  // "AssumeRole", "CreateSession", ...
  // "OK", the AWS error code ("Throttling", "ThrottlingException"), or one of
  // "ConnectionError", "Timeout", "TransportError", "MalformedResponse", "HTTP<status>".
  std::string_view outcome;
  int http_status = 0;     // 0 when no response arrived
  absl::Duration latency;  // of this attempt, on the monotonic clock
  int attempt = 1;         // 1-based
};
using ApiObserver = std::function<void(const ApiAttempt&)>;

struct ApiCallerOptions {
  // Attempts per call, the first included (1..10). The AWS SDKs' standard mode uses 3.
  int max_attempts = 3;
  // Between attempts: 0.5 s, 1 s, 2 s ... up to 20 s (the SDKs' cap), ±50 % jitter.
  util::BackoffPolicy backoff{.initial = absl::Milliseconds(500),
                              .max = absl::Seconds(20),
                              .multiplier = 2.0,
                              .jitter = 0.5};
  // An optional ceiling on attempts per second over all calls (0: none; the
  // rate adapts to throttling either way), and its burst.
  double qps = 0;
  int burst = 20;
  // The service's documented default quota, requests/s (0: none): the
  // limiter starts at it instead of learning it from a throttled burst
  // (util::AdaptiveRateLimiterOptions::published_qps).
  double published_qps = 0;
  ApiObserver observer;  // optional; called on the calling thread

  // kInvalidArgument naming the field, prefixed with `client` ("STS client").
  util::Status validate(std::string_view client) const;
};

class ApiCaller {
 public:
  // `options` must have passed validate().
  ApiCaller(http::Transport& transport, util::Clock& clock, ApiCallerOptions options);

  struct Call {
    std::string_view service;    // for messages: "STS", "IAM Roles Anywhere"
    std::string_view operation;  // "AssumeRole"
    // The request of one attempt, signed at the attempt's time; an error ends the call.
    std::function<util::StatusOr<http::Request>()> build;
    // The AWS error a non-2xx answer carries; nullopt when it carries none.
    std::function<std::optional<AwsError>(const http::Response&)> parse_error;
    // Reads a 2xx answer's body; an error (a malformed body) ends the call.
    std::function<util::Status(std::string_view body)> on_success;
  };
  util::Status call(const Call& call, const std::stop_token& stop);

  const util::AdaptiveRateLimiter& rate_limiter() const { return limiter_; }

 private:
  http::Transport& transport_;
  util::Clock& clock_;
  const ApiCallerOptions options_;
  util::AdaptiveRateLimiter limiter_;
};

// Zeroes a string that held credentials.
void wipe(std::string& text);

}  // namespace aws
