#include "pkg/aws/api_caller.h"

#include <openssl/crypto.h>

#include "absl/random/random.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

bool should_retry(const util::Status& status) {
  return status.code() == util::StatusCode::kUnavailable ||
         status.code() == util::StatusCode::kDeadlineExceeded;
}

std::string transport_outcome(const util::Status& status) {
  switch (status.code()) {
    case util::StatusCode::kUnavailable:
      return "ConnectionError";
    case util::StatusCode::kDeadlineExceeded:
      return "Timeout";
    default:
      return "TransportError";
  }
}

}  // namespace

void wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
}

util::Status ApiCallerOptions::validate(std::string_view client) const {
  if (max_attempts < 1 || max_attempts > 10) {
    return util::invalid_argument_error(
        util::cat(client, ": max_attempts must be 1..10, not ", max_attempts));
  }
  RETURN_IF_ERROR(backoff.validate());
  if (burst < 1) return util::invalid_argument_error(util::cat(client, ": burst must be >= 1"));
  if (qps < 0) return util::invalid_argument_error(util::cat(client, ": qps must be >= 0"));
  if (published_qps < 0) {
    return util::invalid_argument_error(util::cat(client, ": published_qps must be >= 0"));
  }
  return util::ok_status();
}

ApiCaller::ApiCaller(http::Transport& transport, util::Clock& clock, ApiCallerOptions options)
    : transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      limiter_(clock, {.ceiling_qps = options_.qps,
                       .ceiling_burst = options_.burst,
                       .published_qps = options_.published_qps}) {}

util::Status ApiCaller::call(const Call& call, const std::stop_token& stop) {
  const std::string context = util::cat(call.service, " ", call.operation);
  util::Backoff backoff(options_.backoff);
  std::optional<absl::InsecureBitGen> gen;  // seeded only when a retry needs jitter
  for (int attempt = 1;; ++attempt) {
    std::optional<util::AdaptiveRateLimiter::Ticket> ticket;
    if (!stop.stop_requested()) ticket = limiter_.acquire(stop);
    if (!ticket) return util::cancelled_error(util::cat(context, ": cancelled"));
    util::StatusOr<http::Request> request = call.build();
    if (!request.ok()) return util::annotate(request.status(), context);
    const util::MonotonicTime start = clock_.monotonic_now();
    util::StatusOr<http::Response> response = transport_.send(*request);
    wipe(request->body);
    const absl::Duration latency = clock_.monotonic_now() - start;

    util::Status status;
    std::string outcome = "OK";
    int http_status = 0;
    if (!response.ok()) {
      status = util::annotate(response.status(), context);
      outcome = transport_outcome(response.status());
    } else {
      http_status = response->status;
      if (http_status >= 200 && http_status < 300) {
        status = call.on_success(response->body);
        if (!status.ok()) {
          status = append_context(status, util::cat("HTTP ", http_status));
          outcome = "MalformedResponse";
        }
      } else if (std::optional<AwsError> error = call.parse_error(*response)) {
        status = aws_error_status(*error, http_status);
        outcome = error->code;
      } else {
        outcome = util::cat("HTTP", http_status);
        const std::string message =
            util::cat(context, ": HTTP ", http_status, " without an AWS error document");
        status = (http_status >= 500 || http_status == 429) ? util::unavailable_error(message)
                                                            : util::internal_error(message);
      }
      wipe(response->body);
      // Only an answer says anything about the rate the service accepts.
      limiter_.on_response(*ticket, is_throttling_error(status));
    }
    if (options_.observer) {
      options_.observer({.operation = call.operation,
                         .outcome = outcome,
                         .http_status = http_status,
                         .latency = latency,
                         .attempt = attempt});
    }
    if (status.ok() || !should_retry(status)) return status;
    if (attempt >= options_.max_attempts) {
      return append_context(status, util::cat("gave up after ", attempt, " attempts"));
    }
    if (!gen.has_value()) gen.emplace();
    if (!util::sleep_for(clock_, backoff.next(*gen), stop)) {
      return util::cancelled_error(util::cat(context, ": cancelled"));
    }
  }
}

}  // namespace aws
