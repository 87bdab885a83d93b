// IAM name helpers for the simulator: IAM-policy style glob matching of ARNs
// ('*' any run of characters, '/' included; '?' one character) and the parts
// of role and user ARNs that STS echoes back (partition, account, role name).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sim::aws {

// True when `text` matches `pattern` ('*' and '?' wildcards, case-sensitive).
bool glob_match(std::string_view pattern, std::string_view text);

// arn:<partition>:iam::<12-digit account>:role/<path/>name
struct RoleArnParts {
  std::string partition;
  std::string account;
  std::string path;  // "/" or "/team/app/"
  std::string name;  // last path segment: "my-role"
};

// Parses an IAM role ARN; nullopt unless it has exactly that shape.
std::optional<RoleArnParts> parse_role_arn(std::string_view arn);

// True when `arn` has the generic ARN shape STS accepts before looking the role
// up (arn:<partition>:<service>:<region>:<account>:<resource>, non-empty
// partition/service/resource). STS answers "<arn> is invalid" otherwise.
bool has_arn_shape(std::string_view arn);

// The account of an arn:<partition>:<service>:<region>:<account>:... ARN, or "".
std::string arn_account(std::string_view arn);
// The partition of an ARN ("aws", "aws-cn", ...), or "".
std::string arn_partition(std::string_view arn);
// The region of an ARN ("" for global services such as IAM, or when malformed).
std::string arn_region(std::string_view arn);

// "arn:<partition>:sts::<account>:assumed-role/<role name>/<session>".
std::string assumed_role_arn(const RoleArnParts& role, std::string_view session_name);

// Stable pseudo-random IAM unique ids derived from an ARN, as IAM shows them:
// prefix + 17 characters of [A-Z2-7] ("AROA" roles, "AIDA" users, "AIPA"
// instance profiles).
std::string unique_id_for(std::string_view prefix, std::string_view arn);

}  // namespace sim::aws
