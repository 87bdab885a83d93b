// The parameters of an STS Query API request (form body and/or query string),
// decoded into an AssumeRole*-shaped value, and their validation worded as
// STS words it ("1 validation error detected: Value 'x' at 'roleSessionName'
// failed to satisfy constraint: Member must have length greater than or equal to 2").
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/sim/aws/sts_error.h"

namespace sim::aws {

using ParamList = std::vector<std::pair<std::string, std::string>>;

// Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a byte).
ParamList parse_form(std::string_view text);
// First value of `name`, if present.
std::optional<std::string> find_param(const ParamList& params, std::string_view name);

struct StsRequest {
  std::optional<std::string> action;
  std::optional<std::string> version;
  std::optional<std::string> role_arn;
  std::optional<std::string> role_session_name;
  std::optional<std::string> duration_text;  // DurationSeconds as sent
  std::optional<int64_t> duration_seconds;   // parsed, when it is an integer
  std::optional<std::string> external_id;
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;                   // PolicyArns.member.N.arn
  std::vector<std::pair<std::string, std::string>> tags;  // Tags.member.N.Key/Value
  std::vector<std::string> transitive_tag_keys;
  std::optional<std::string> source_identity;
  std::optional<std::string> web_identity_token;  // secret: never echoed or logged
  std::optional<std::string> provider_id;
};

StsRequest parse_sts_request(const ParamList& params);

// The ValidationError STS gives for AssumeRole's parameters, or nullopt when
// they satisfy every constraint. Also MalformedPolicyDocument for a policy that
// is not JSON.
std::optional<StsError> validate_assume_role(const StsRequest& request);
// The same for AssumeRoleWithWebIdentity (its token's value is never echoed).
std::optional<StsError> validate_assume_role_with_web_identity(const StsRequest& request);

// STS's "PackedPolicySize": percent of the packed-policy allowance used by the
// session policy, policy ARNs and tags; nullopt when none were passed.
std::optional<int> packed_policy_percent(const StsRequest& request);

}  // namespace sim::aws
