// Parses STS Query API response bodies (XML, namespace
// https://sts.amazonaws.com/doc/2011-06-15/): the success documents of
// AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity, and the
// ErrorResponse document of any failure.
//
// Thread-safe: pure functions. The parse buffer holding the secret key and
// token is zeroed before returning. Errors: kInternal "malformed STS <Action>
// response: <what>" (never quoting the body, which may hold secrets).
#pragma once

#include <optional>
#include <string_view>

#include "pkg/aws/aws_error.h"
#include "pkg/aws/sts_types.h"
#include "pkg/util/status.h"

namespace aws {

util::StatusOr<AssumeRoleResult> parse_assume_role_response(std::string_view xml);
util::StatusOr<AssumeRoleWithWebIdentityResult> parse_assume_role_with_web_identity_response(
    std::string_view xml);
util::StatusOr<CallerIdentity> parse_get_caller_identity_response(std::string_view xml);

// ErrorResponse/Error/{Type,Code,Message} and ErrorResponse/RequestId; nullopt
// when the body is not such a document (or has no Code).
std::optional<AwsError> parse_error_response(std::string_view xml);

}  // namespace aws
