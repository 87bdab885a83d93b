#include "pkg/http/http_status.h"

namespace http {

util::StatusCode status_code_for_http(int http_status) {
  using util::StatusCode;
  switch (http_status) {
    case 400:
    case 405:
    case 406:
    case 413:
    case 415:
    case 422:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return StatusCode::kAborted;
    case 410:
      return StatusCode::kOutOfRange;
    case 408:
    case 504:
      return StatusCode::kDeadlineExceeded;
    case 429:
      return StatusCode::kUnavailable;
    default:
      return http_status >= 500 && http_status <= 599 ? StatusCode::kUnavailable
                                                      : StatusCode::kUnknown;
  }
}

bool is_retryable_http_status(int http_status) {
  return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

bool is_retryable(const util::StatusOr<Response>& exchange) {
  if (!exchange.ok()) {
    return exchange.status().code() == util::StatusCode::kUnavailable ||
           exchange.status().code() == util::StatusCode::kDeadlineExceeded;
  }
  return is_retryable_http_status(exchange->status);
}

util::Status http_error_status(int http_status, std::string message) {
  return {status_code_for_http(http_status), std::move(message),
          util::ErrorDetail{.http_status = http_status}};
}

}  // namespace http
