// Turns apiserver failures (`kind: Status` bodies, bare HTTP codes, in-stream
// watch ERROR events) into util::Status with a code that carries the retry
// meaning, and messages that read like kubectl's.
//
// Code mapping (reason / HTTP code → util code):
//   NotFound 404                     → kNotFound
//   AlreadyExists 409                → kAlreadyExists
//   Conflict 409                     → kAborted (re-read, retry now)
//   Gone / Expired 410               → kOutOfRange: the resourceVersion is
//                                      too old; informers relist. Nothing else
//                                      in pkg/kube returns kOutOfRange.
//   Forbidden 403                    → kPermissionDenied
//   Unauthorized 401                 → kUnauthenticated
//   Invalid 422, BadRequest 400, 405, 406, 413, 415 → kInvalidArgument
//                                      (422 keeps details.causes)
//   TooManyRequests 429, 5xx         → kUnavailable
//                                      (Retry-After: see retry_after())
//   Timeout 504 / ServerTimeout, 408 → kDeadlineExceeded
//   anything else                    → kUnknown
// The reason decides; without one the HTTP status does, as for every other
// client (pkg/http/http_status.h).
// Every status carries the server's answer as util::ErrorDetail: the HTTP
// status, the Status `reason`, `details.causes[].reason`s and Retry-After
// (the header, else `details.retryAfterSeconds`).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/http/transport.h"
#include "pkg/kube/json.h"
#include "pkg/util/status.h"

namespace kube {

// The status for a non-2xx response. `verb`, `resource` and `name` complete
// messages when the body is not a Status ("... (get secrets x)").
util::Status status_from_response(const http::Response& response, std::string_view verb,
                                  std::string_view resource, std::string_view name);

// The status for a `kind: Status` JSON object (watch ERROR events).
util::Status status_from_status_object(const JsonValue& status);

// details.causes[].reason of a write refused because its namespace is being deleted.
inline constexpr std::string_view kNamespaceTerminatingCause = "NamespaceTerminating";

// The server's Retry-After, as carried by status_from_response(); nullopt if none.
std::optional<absl::Duration> retry_after(const util::Status& status);

// Parses a Retry-After header value (delta-seconds only, as the apiserver sends).
std::optional<absl::Duration> parse_retry_after(std::string_view header);

inline bool is_not_found(const util::Status& s) {
  return s.code() == util::StatusCode::kNotFound;
}
inline bool is_already_exists(const util::Status& s) {
  return s.code() == util::StatusCode::kAlreadyExists;
}
inline bool is_conflict(const util::Status& s) {
  return s.code() == util::StatusCode::kAborted;
}
// A write refused because the namespace is being deleted (403 with the
// NamespaceTerminating cause): no write there can succeed any more.
bool is_namespace_terminating(const util::Status& status);
// 429 TooManyRequests: the apiserver (API Priority and Fairness) asks the
// client to slow down.
inline bool is_too_many_requests(const util::Status& s) {
  return s.detail() != nullptr && s.detail()->http_status == 429;
}
// 410 Gone / Expired: the requested resourceVersion is no longer available.
inline bool is_gone(const util::Status& s) {
  return s.code() == util::StatusCode::kOutOfRange;
}

}  // namespace kube
