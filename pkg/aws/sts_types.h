// The STS Query API operations the controller uses (AssumeRole,
// AssumeRoleWithWebIdentity, GetCallerIdentity, Version 2011-06-15): request
// values with their exact form encoding, and the parsed results.
//
// Plain values, not synchronised. Secrets (the web identity token, returned
// keys) are util::SecretString; to_form() output of a web identity request
// holds the token and must only be sent, never logged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pkg/aws/credentials.h"
#include "pkg/util/secret_string.h"

namespace aws {

inline constexpr std::string_view kStsApiVersion = "2011-06-15";

struct StsTag {
  std::string key;
  std::string value;

  friend bool operator==(const StsTag&, const StsTag&) = default;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::optional<int> duration_seconds;  // STS default 3600; 900..43200 (1 h when chaining)
  std::optional<std::string> external_id;
  std::optional<std::string> policy;  // session policy JSON
  std::vector<std::string> policy_arns;
  std::vector<StsTag> tags;
  std::vector<std::string> transitive_tag_keys;
  std::optional<std::string> source_identity;

  // Action=AssumeRole&Version=2011-06-15&RoleArn=...&RoleSessionName=...
  // then, when set: DurationSeconds, ExternalId, Policy,
  // PolicyArns.member.N.arn, Tags.member.N.Key/Value,
  // TransitiveTagKeys.member.N, SourceIdentity (N from 1). Values are
  // RFC 3986 percent-encoded (space as %20).
  std::string to_form() const;
};

struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  util::SecretString web_identity_token;
  std::optional<int> duration_seconds;
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;
  std::optional<std::string> provider_id;

  // Action=AssumeRoleWithWebIdentity&Version=...&RoleArn&RoleSessionName&
  // WebIdentityToken then DurationSeconds, Policy, PolicyArns.member.N.arn,
  // ProviderId. Holds the token: send it, never log it.
  std::string to_form() const;
};

struct AssumedRoleUser {
  std::string arn;              // arn:aws:sts::123456789012:assumed-role/role/session
  std::string assumed_role_id;  // AROA...:session
};

struct AssumeRoleResult {
  Credentials credentials;
  AssumedRoleUser assumed_role_user;
  std::optional<int> packed_policy_size;  // percent of the limit
  std::string source_identity;
  std::string request_id;
};

struct AssumeRoleWithWebIdentityResult {
  Credentials credentials;
  AssumedRoleUser assumed_role_user;
  std::optional<int> packed_policy_size;
  std::string subject_from_web_identity_token;
  std::string audience;
  std::string provider;
  std::string source_identity;
  std::string request_id;
};

struct CallerIdentity {
  std::string account;
  std::string arn;
  std::string user_id;
  std::string request_id;
};

// Form encoding of one name or value: RFC 3986 unreserved characters kept,
// everything else %XX (uppercase).
std::string form_encode(std::string_view text);

}  // namespace aws
