// AWS service errors (ErrorResponse/Error/{Type,Code,Message} + RequestId) as
// util::Status values whose message starts with the AWS error code and reads
// well in a Kubernetes Event:
//   "AccessDenied: User: arn:... is not authorized to perform: sts:AssumeRole
//    on resource: arn:... (request id 1234)"
// and the mapping of AWS codes to util::StatusCode (hence to retry decisions).
//
// Thread-safe: pure functions. The message is AWS's own text, which never
// holds a secret; callers must not add secrets to it.
#pragma once

#include <string>
#include <string_view>

#include "pkg/util/status.h"

namespace aws {

struct AwsError {
  std::string type;  // "Sender" / "Receiver"
  std::string code;  // "AccessDenied"
  std::string message;
  std::string request_id;
};

// AccessDenied → kPermissionDenied; ValidationError, MalformedPolicyDocument,
// PackedPolicyTooLarge, InvalidParameter* → kInvalidArgument; ExpiredToken,
// InvalidClientTokenId, SignatureDoesNotMatch, InvalidIdentityToken, ... →
// kUnauthenticated; RegionDisabledException → kFailedPrecondition;
// Throttling, ThrottlingException, RequestLimitExceeded,
// IDPCommunicationError, InternalFailure, ServiceUnavailable, any 5xx →
// kUnavailable. Other codes by HTTP status, as every client maps it
// (pkg/http/http_status.h: 400 kInvalidArgument, 401 kUnauthenticated,
// 403 kPermissionDenied, 404 kNotFound, 429 and 5xx kUnavailable, ...).
util::StatusCode status_code_for_aws_error(std::string_view code, int http_status);

// "<Code>: <Message> (request id <RequestId>)" with the mapped status code,
// and the error's fields as the status's ErrorDetail (reason = the code).
util::Status aws_error_status(const AwsError& error, int http_status);

// The AWS error code of a status made by aws_error_status() (also after
// annotate() / append_context()); "" for anything else, e.g. a transport failure.
std::string aws_error_code(const util::Status& status);

// Whether AWS asked the caller to slow down: a throttling error code (the
// AWS SDKs' list: Throttling, ThrottlingException, RequestLimitExceeded, ...)
// or HTTP 429.
bool is_throttling_error(const util::Status& status);

// Whether STS refused an AssumeRole because DurationSeconds exceeds the one
// hour that sessions obtained by role chaining may last (the caller's own
// credentials are a role session). STS says so only in a ValidationError's
// text ("The requested DurationSeconds exceeds the 1 hour session limit for
// roles assumed by role chaining."): this is the one place that reads it.
bool is_role_chaining_limit_error(const util::Status& status);

// The status's message without the " (request id ...)" that aws_error_status()
// added: text that stays equal across repeats of one failure (Events
// aggregate on it).
std::string without_request_id(const util::Status& status);

// Appends context to the end, keeping the code-first message and the detail:
// "Throttling: Rate exceeded (request id 1); gave up after 3 attempts".
util::Status append_context(const util::Status& status, std::string_view context);

}  // namespace aws
