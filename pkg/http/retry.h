// Sending one request a few times, for the small clients whose servers are
// local agents (IMDS, the ECS / EKS Pod Identity endpoint): repeat transport
// failures and 429/5xx answers after a fixed delay, and stop waiting as soon
// as the caller's stop token is requested. (STS has its own retry strategy:
// pkg/aws/sts_client.h.)
//
// Thread-safe (the transport is). Borrows transport and clock; waits on the
// clock, so tests run with a fake one and no real sleep.
#pragma once

#include <stop_token>

#include "absl/time/time.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace http {

struct FixedRetryPolicy {
  int max_attempts = 3;                            // >= 1
  absl::Duration delay = absl::Milliseconds(200);  // between attempts; 0: at once
};

// The first answer that is not worth repeating (http::is_retryable), else the
// last attempt's. kCancelled when `stop` is requested before or while waiting
// for the next attempt.
util::StatusOr<Response> send_with_retries(Transport& transport, const Request& request,
                                           const FixedRetryPolicy& policy, util::Clock& clock,
                                           const std::stop_token& stop);

}  // namespace http
