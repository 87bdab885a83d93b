#include "pkg/http/retry.h"

#include "pkg/http/http_status.h"

namespace http {

util::StatusOr<Response> send_with_retries(Transport& transport, const Request& request,
                                           const FixedRetryPolicy& policy, util::Clock& clock,
                                           const std::stop_token& stop) {
  util::StatusOr<Response> response = transport.send(request);
  for (int attempt = 2; attempt <= policy.max_attempts && is_retryable(response); ++attempt) {
    if (stop.stop_requested() ||
        (policy.delay > absl::ZeroDuration() && !util::sleep_for(clock, policy.delay, stop))) {
      return util::cancelled_error("stopped while waiting to retry");
    }
    response = transport.send(request);
  }
  return response;
}

}  // namespace http
