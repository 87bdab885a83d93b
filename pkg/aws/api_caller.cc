#include "pkg/aws/api_caller.h"

#include <openssl/crypto.h>

#include "absl/random/random.h"
#include "pkg/http/retry.h"
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
  util::Status status;                      // of the latest attempt
  bool judged_final = false;  // else the loop ended the call (cancelled, build failed)
  const auto judge = [&](http::Attempt& attempt) {
    std::string outcome = "OK";
    int http_status = 0;
    if (!attempt.answer.ok()) {
      status = util::annotate(attempt.answer.status(), context);
      outcome = transport_outcome(attempt.answer.status());
    } else {
      http::Response& response = *attempt.answer;
      http_status = response.status;
      if (http_status >= 200 && http_status < 300) {
        status = call.on_success(response.body);
        if (!status.ok()) {
          status = append_context(status, util::cat("HTTP ", http_status));
          outcome = "MalformedResponse";
        }
      } else if (std::optional<AwsError> error = call.parse_error(response)) {
        status = aws_error_status(*error, http_status);
        outcome = error->code;
      } else {
        outcome = util::cat("HTTP", http_status);
        const std::string message =
            util::cat(context, ": HTTP ", http_status, " without an AWS error document");
        status = (http_status >= 500 || http_status == 429) ? util::unavailable_error(message)
                                                            : util::internal_error(message);
      }
      wipe(response.body);
    }
    if (options_.observer) {
      options_.observer({.operation = call.operation,
                         .outcome = outcome,
                         .http_status = http_status,
                         .latency = attempt.latency,
                         .attempt = attempt.number});
    }
    const bool throttled = is_throttling_error(status);
    if (status.ok() || !should_retry(status)) {
      judged_final = true;
      return http::Verdict::done(throttled);
    }
    if (attempt.number >= options_.max_attempts) {
      status = append_context(status, util::cat("gave up after ", attempt.number, " attempts"));
      judged_final = true;
      return http::Verdict::done(throttled);
    }
    if (!gen.has_value()) gen.emplace();
    return http::Verdict::retry(backoff.next(*gen), throttled);
  };
  const util::StatusOr<http::Response> last = http::send_with_retries(
      transport_, clock_,
      {.context = context, .build = call.build, .judge = judge, .limiter = &limiter_}, stop);
  return judged_final ? status : last.status();
}

}  // namespace aws
