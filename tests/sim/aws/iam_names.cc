#include "tests/sim/aws/iam_names.h"

#include <openssl/sha.h>

#include <array>
#include <vector>

#include "pkg/util/glob.h"
#include "pkg/util/strings.h"

namespace sim::aws {

bool glob_match(std::string_view pattern, std::string_view text) {
  return util::glob_match(pattern, text, util::GlobDialect::kIamPolicy);
}

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// Field `index` of an arn:<partition>:<service>:<region>:<account>:<resource> ARN, or "".
std::string arn_part(std::string_view arn, size_t index) {
  const std::vector<std::string_view> parts = util::split(arn, ':');
  return parts.size() >= 6 && parts[0] == "arn" ? std::string(parts[index]) : std::string();
}

}  // namespace

std::optional<RoleArnParts> parse_role_arn(std::string_view arn) {
  const std::vector<std::string_view> parts = util::split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1].empty() || parts[2] != "iam" ||
      !parts[3].empty() || parts[4].size() != 12 || !all_digits(parts[4])) {
    return std::nullopt;
  }
  std::string_view resource = parts[5];
  if (resource.substr(0, 5) != "role/") return std::nullopt;
  resource.remove_prefix(5);
  const size_t slash = resource.rfind('/');
  std::string_view name = slash == std::string_view::npos ? resource : resource.substr(slash + 1);
  if (name.empty()) return std::nullopt;
  RoleArnParts out;
  out.partition = std::string(parts[1]);
  out.account = std::string(parts[4]);
  out.path = slash == std::string_view::npos ? "/" : util::cat("/", resource.substr(0, slash + 1));
  out.name = std::string(name);
  return out;
}

bool has_arn_shape(std::string_view arn) {
  const std::vector<std::string_view> parts = util::split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn") return false;
  if (parts[1].empty() || parts[2].empty()) return false;
  // The resource may itself contain ':' (e.g. "function:name:alias").
  return !parts[5].empty();
}

std::string arn_account(std::string_view arn) {
  return arn_part(arn, 4);
}

std::string arn_partition(std::string_view arn) {
  return arn_part(arn, 1);
}

std::string arn_region(std::string_view arn) {
  return arn_part(arn, 3);
}

std::string assumed_role_arn(const RoleArnParts& role, std::string_view session_name) {
  return util::cat("arn:", role.partition, ":sts::", role.account, ":assumed-role/", role.name, "/",
                   session_name);
}

std::string unique_id_for(std::string_view prefix, std::string_view arn) {
  static constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(arn.data()), arn.size(), digest.data());
  std::string out(prefix);
  for (size_t i = 0; i < 17; ++i)
    out.push_back(kBase32[digest[i] % 32]);
  return out;
}

}  // namespace sim::aws
