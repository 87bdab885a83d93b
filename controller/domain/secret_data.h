// The Secret's data keys, byte for byte as the Go original writes them
// (tests/data/go-original-output/), and the reading of an existing Secret's
// data back into what the reconciler needs to decide.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/interned_string.h"
#include "pkg/util/secret_string.h"

namespace controller {

inline constexpr std::string_view kCredentialsKey = "credentials";
inline constexpr std::string_view kCredentialsProcessKey = "credentials.process";
inline constexpr std::string_view kCredentialsJsonKey = "credentials.json";
inline constexpr std::string_view kRoleArnKey = "role-arn";
inline constexpr std::string_view kExpireKey = "expire";
inline constexpr std::string_view kGenerationKey = "awsiamrole-generation";
inline constexpr std::string_view kDefaultMountPath = "/meta/aws-iam";

// Temporary credentials of one assumed role.
struct RoleCredentials {
  std::string role_arn;
  std::string access_key_id;
  util::SecretString secret_access_key;
  util::SecretString session_token;
  absl::Time expiration;
};

// Decoded Secret data: key → bytes. Values are secrets (they hold keys).
using SecretData = std::map<std::string, util::SecretString, std::less<>>;

// The six keys for `credentials` made for CR generation `generation`; the
// credential_process line reads `<mount_path>/credentials.json`.
SecretData render_secret_data(const RoleCredentials& credentials, int64_t generation,
                              std::string_view mount_path);

// What an existing Secret's data says, for the refresh decision.
struct SecretDataState {
  std::optional<absl::Time> expire;  // from `expire`
  // From `role-arn`; interned: the role's status holds the same ARN.
  std::optional<util::InternedString> role_arn;
  std::optional<int64_t> generation;  // from `awsiamrole-generation`
  // Keys that are missing or unparsable; empty when the Secret is complete.
  std::vector<std::string> problems;
};

SecretDataState inspect_secret_data(const SecretData& data);
// The same, for a Secret whose credential keys are not decoded: `data` needs
// only role-arn, expire and awsiamrole-generation, and `holds(key)` says
// whether credential key `key` is there and not empty.
SecretDataState inspect_secret_data(const SecretData& data,
                                    const std::function<bool(std::string_view key)>& holds);

}  // namespace controller
