#include "pkg/aws/aws_error.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace aws {
namespace {

bool in(std::string_view code, std::initializer_list<std::string_view> codes) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
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
  if (http_status >= 500 || http_status == 429) return StatusCode::kUnavailable;
  switch (http_status) {
    case 400:
      return StatusCode::kInvalidArgument;
    case 401:
      return StatusCode::kUnauthenticated;
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    default:
      return StatusCode::kUnknown;
  }
}

util::Status aws_error_status(const AwsError& error, int http_status) {
  const std::string code = error.code.empty() ? util::cat("HTTP", http_status) : error.code;
  std::string message = util::cat(code, ": ");
  message.append(error.message.empty() ? util::cat("HTTP ", http_status) : error.message);
  if (!error.request_id.empty()) message.append(util::cat(" (request id ", error.request_id, ")"));
  return util::Status(status_code_for_aws_error(error.code, http_status), std::move(message));
}

std::string aws_error_code(const util::Status& status) {
  const std::string& message = status.message();
  const size_t colon = message.find(": ");
  if (status.ok() || colon == std::string::npos || colon == 0) return "";
  const std::string_view code(message.data(), colon);
  if (!(code.front() >= 'A' && code.front() <= 'Z')) return "";
  for (char c : code) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '.') return "";
  }
  return std::string(code);
}

std::string without_request_id(std::string_view message) {
  const size_t start = message.find(" (request id ");
  if (start == std::string_view::npos) return std::string(message);
  const size_t end = message.find(')', start);
  if (end == std::string_view::npos) return std::string(message);
  return util::cat(message.substr(0, start), message.substr(end + 1));
}

util::Status append_context(const util::Status& status, std::string_view context) {
  if (status.ok()) return status;
  return util::Status(status.code(), util::cat(status.message(), "; ", context));
}

}  // namespace aws
