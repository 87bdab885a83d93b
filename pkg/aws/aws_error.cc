#include "pkg/aws/aws_error.h"

#include <algorithm>

#include "pkg/http/http_status.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

bool in(std::string_view code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

std::string request_id_suffix(std::string_view request_id) {
  return util::cat(" (request id ", request_id, ")");
}

}  // namespace

util::StatusCode status_code_for_aws_error(std::string_view code, int http_status) {
  using util::StatusCode;
  if (in(code, {"AccessDenied", "AccessDeniedException", "IDPRejectedClaim"})) {
    return StatusCode::kPermissionDenied;
  }
  if (in(code, {"ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge",
                "InvalidParameterValue", "InvalidParameterCombination", "MissingParameter",
                "InvalidAction", "MalformedQueryString", "InvalidAuthorizationMessageException"})) {
    return StatusCode::kInvalidArgument;
  }
  if (in(code, {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
                "SignatureDoesNotMatch", "IncompleteSignature", "InvalidIdentityToken",
                "MissingAuthenticationToken", "RequestExpired", "UnrecognizedClientException"})) {
    return StatusCode::kUnauthenticated;
  }
  if (code == "RegionDisabledException") return StatusCode::kFailedPrecondition;
  if (in(code, {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                "TooManyRequestsException", "IDPCommunicationError", "InternalFailure",
                "InternalError", "ServiceUnavailable", "RequestTimeout"})) {
    return StatusCode::kUnavailable;
  }
  return http::status_code_for_http(http_status);
}

util::Status aws_error_status(const AwsError& error, int http_status) {
  const std::string code = error.code.empty() ? util::cat("HTTP", http_status) : error.code;
  std::string message = util::cat(code, ": ");
  message.append(error.message.empty() ? util::cat("HTTP ", http_status) : error.message);
  if (!error.request_id.empty()) message.append(request_id_suffix(error.request_id));
  return {status_code_for_aws_error(error.code, http_status), std::move(message),
          util::ErrorDetail{.http_status = http_status,
                            .reason = error.code,
                            .server_message = error.message,
                            .request_id = error.request_id}};
}

std::string aws_error_code(const util::Status& status) {
  const util::ErrorDetail* detail = status.detail();
  return detail != nullptr ? detail->reason : "";
}

bool is_throttling_error(const util::Status& status) {
  // The AWS SDKs' throttling codes (botocore retries/standard.py, aws-sdk-go-v2 retry).
  const util::ErrorDetail* detail = status.detail();
  if (detail == nullptr) return false;
  return detail->http_status == 429 ||
         in(detail->reason,
            {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
             "TooManyRequestsException", "ProvisionedThroughputExceededException",
             "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
             "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
             "EC2ThrottledException"});
}

bool is_role_chaining_limit_error(const util::Status& status) {
  const util::ErrorDetail* detail = status.detail();
  return detail != nullptr && detail->reason == "ValidationError" &&
         detail->server_message.find("role chaining") != std::string::npos;
}

std::string without_request_id(const util::Status& status) {
  const util::ErrorDetail* detail = status.detail();
  if (detail == nullptr || detail->request_id.empty()) return status.message();
  const std::string suffix = request_id_suffix(detail->request_id);
  std::string message = status.message();
  if (const size_t at = message.find(suffix); at != std::string::npos)
    message.erase(at, suffix.size());
  return message;
}

util::Status append_context(const util::Status& status, std::string_view context) {
  if (status.ok()) return status;
  return status.with_message(util::cat(status.message(), "; ", context));
}

}  // namespace aws
