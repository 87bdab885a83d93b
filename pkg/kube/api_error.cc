#include "pkg/kube/api_error.h"

#include <charconv>

#include "pkg/http/http_status.h"
#include "pkg/util/strings.h"

namespace kube {
namespace {

util::StatusCode code_for(int http_code, std::string_view reason) {
  using util::StatusCode;
  if (reason == "NotFound") return StatusCode::kNotFound;
  if (reason == "AlreadyExists") return StatusCode::kAlreadyExists;
  if (reason == "Conflict") return StatusCode::kAborted;
  if (reason == "Gone" || reason == "Expired") return StatusCode::kOutOfRange;
  if (reason == "Forbidden") return StatusCode::kPermissionDenied;
  if (reason == "Unauthorized") return StatusCode::kUnauthenticated;
  if (reason == "Invalid" || reason == "BadRequest") return StatusCode::kInvalidArgument;
  if (reason == "TooManyRequests" || reason == "ServiceUnavailable")
    return StatusCode::kUnavailable;
  if (reason == "Timeout" || reason == "ServerTimeout") return StatusCode::kDeadlineExceeded;
  return http::status_code_for_http(http_code);
}

// kubectl's wording when the server sent no Status body.
std::string fallback_message(int http_code, std::string_view verb, std::string_view resource,
                             std::string_view name) {
  std::string what = util::cat(verb, " ", resource);
  if (!name.empty()) what += util::cat(" ", name);
  switch (http_code) {
    case 401:
      return util::cat("Unauthorized (", what, ")");
    case 403:
      return util::cat("forbidden (", what, ")");
    case 404:
      return util::cat("the server could not find the requested resource (", what, ")");
    case 409:
      return util::cat("the server reported a conflict (", what, ")");
    case 410:
      return util::cat("the resource version is too old (", what, ")");
    case 429:
      return util::cat("the server has received too many requests (", what, ")");
    default:
      return util::cat("the server responded with the status code ", http_code,
                       " but did not return more information (", what, ")");
  }
}

// Appends details.causes that the message does not already spell out.
std::string with_causes(std::string message, const JsonValue& status) {
  const JsonValue* causes = json::find_path(status, {"details", "causes"});
  if (causes == nullptr || !causes->IsArray()) return message;
  for (const auto& cause : causes->GetArray()) {
    const std::string_view field = json::get_string(cause, "field");
    const std::string_view text = json::get_string(cause, "message");
    if (text.empty() || message.find(text) != std::string::npos) continue;
    message += field.empty() ? util::cat("; ", text) : util::cat("; ", field, ": ", text);
  }
  return message;
}

}  // namespace

util::Status status_from_status_object(const JsonValue& status) {
  const int http_code = static_cast<int>(json::get_int(status, "code").value_or(0));
  const std::string_view reason = json::get_string(status, "reason");
  std::string message(json::get_string(status, "message"));
  if (message.empty())
    message = util::cat(reason.empty() ? "unknown error" : reason, " (", http_code, ")");
  util::ErrorDetail detail{
      .http_status = http_code, .reason = std::string(reason), .server_message = message};
  if (const JsonValue* details = json::find(status, "details"); details != nullptr) {
    if (auto seconds = json::get_int(*details, "retryAfterSeconds"); seconds && *seconds >= 0) {
      detail.retry_after = absl::Seconds(*seconds);
    }
    if (const JsonValue* causes = json::find(*details, "causes");
        causes != nullptr && causes->IsArray()) {
      for (const auto& cause : causes->GetArray()) {
        const std::string_view cause_reason = json::get_string(cause, "reason");
        if (!cause_reason.empty()) detail.causes.emplace_back(cause_reason);
      }
    }
  }
  return {code_for(http_code, reason), with_causes(std::move(message), status), std::move(detail)};
}

util::Status status_from_response(const http::Response& response, std::string_view verb,
                                  std::string_view resource, std::string_view name) {
  util::ErrorDetail detail;
  std::string message;
  auto body = json::parse(response.body);
  if (body.ok() && json::get_string(*body, "kind") == "Status" &&
      !json::get_string(*body, "message").empty()) {
    const util::Status parsed = status_from_status_object(*body);
    detail = *parsed.detail();
    message = parsed.message();
  } else {
    message = fallback_message(response.status, verb, resource, name);
  }
  // The HTTP status decides when the body has no reason (or no body at all).
  detail.http_status = response.status;
  if (auto header = response.headers.get("Retry-After")) {
    if (auto after = parse_retry_after(*header)) detail.retry_after = *after;
  }
  const util::StatusCode code = code_for(response.status, detail.reason);
  return {code, std::move(message), std::move(detail)};
}

std::optional<absl::Duration> parse_retry_after(std::string_view header) {
  header = util::trim(header);
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) return std::nullopt;
  return absl::Seconds(seconds);
}

std::optional<absl::Duration> retry_after(const util::Status& status) {
  const util::ErrorDetail* detail = status.detail();
  if (detail == nullptr) return std::nullopt;
  return detail->retry_after;
}

bool is_namespace_terminating(const util::Status& status) {
  const util::ErrorDetail* detail = status.detail();
  return status.code() == util::StatusCode::kPermissionDenied && detail != nullptr &&
         detail->has_cause(kNamespaceTerminatingCause);
}

}  // namespace kube
