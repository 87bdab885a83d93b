// What a non-2xx HTTP answer means to the project's clients: the one table
// from HTTP status to util::StatusCode (hence to retry decisions) that the
// Kubernetes, STS, IMDS and container-endpoint clients share, and which
// answers are worth repeating. Services with their own error codes (a
// Kubernetes Status reason, an AWS error code) look at those first and fall
// back to this table.
//
// Mapping:
//   400, 405, 406, 413, 415, 422 → kInvalidArgument
//   401 → kUnauthenticated          403 → kPermissionDenied
//   404 → kNotFound                 409 → kAborted (conflict: re-read, retry)
//   410 → kOutOfRange (gone: what was asked for is no longer available)
//   408, 504 → kDeadlineExceeded    429, other 5xx → kUnavailable
//   anything else → kUnknown
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "pkg/http/transport.h"
#include "pkg/util/status.h"

namespace http {

util::StatusCode status_code_for_http(int http_status);

// 429 and 5xx: the server may answer differently if asked again.
bool is_retryable_http_status(int http_status);

// Whether an exchange is worth repeating: a transport failure that may pass
// (kUnavailable, kDeadlineExceeded) or a retryable HTTP status.
bool is_retryable(const util::StatusOr<Response>& exchange);

// The status of an error answer: code from status_code_for_http(), `message`
// as given, and the HTTP status in the detail (what code that decides reads).
util::Status http_error_status(int http_status, std::string message);

}  // namespace http
