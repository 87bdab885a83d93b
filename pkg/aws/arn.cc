#include "pkg/aws/arn.h"

#include <algorithm>
#include <vector>

#include "pkg/util/strings.h"

namespace aws {
namespace {

constexpr size_t kMaxRoleNameLength = 64;
constexpr size_t kMaxPathLength = 512;
constexpr size_t kAccountIdLength = 12;

bool is_session_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

bool is_account_id(std::string_view s) {
  return s.size() == kAccountIdLength &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

util::Status invalid(std::string_view what, std::string_view text, std::string_view why) {
  return util::invalid_argument_error(util::cat("invalid ", what, " '", text, "': ", why));
}

// Checks an IAM path "/" or "/a/b/": printable ASCII, no empty level, <= 512 chars.
util::Status check_path(std::string_view what, std::string_view text, std::string_view path) {
  if (path.size() > kMaxPathLength) {
    return invalid(what, text, util::cat("path longer than ", kMaxPathLength, " characters"));
  }
  if (path.empty() || path.front() != '/' || path.back() != '/') {
    return invalid(what, text, "path must start and end with '/'");
  }
  if (path.find("//") != std::string_view::npos) return invalid(what, text, "empty path level");
  for (char c : path) {
    if (c < 0x21 || c > 0x7e) {
      return invalid(what, text, "path may contain only printable ASCII characters");
    }
  }
  return util::ok_status();
}

// Checks the partition, service "iam", no region and a 12-digit account.
util::Status check_iam(std::string_view what, const Arn& arn) {
  if (arn.service() != "iam") {
    return invalid(what, arn.str(), util::cat("service is '", arn.service(), "', not 'iam'"));
  }
  if (!arn.region().empty()) return invalid(what, arn.str(), "IAM ARNs have no region");
  if (!is_account_id(arn.account_id())) {
    return invalid(what, arn.str(),
                   util::cat("account id '", arn.account_id(), "' is not 12 digits"));
  }
  return util::ok_status();
}

// The Go original's normalizePath: the last level keeps what fits, earlier
// levels at least one character each, joined with '.'.
std::string normalize_levels(const std::vector<std::string>& levels, size_t count, int remaining) {
  if (count == 0) return "";
  std::string last = levels[count - 1];
  const int max_name = remaining - 2 * static_cast<int>(count - 1) - 1;
  if (static_cast<int>(last.size()) > max_name)
    last.resize(static_cast<size_t>(std::max(max_name, 0)));
  return normalize_levels(levels, count - 1, remaining - static_cast<int>(last.size()) - 1) + "." +
         last;
}

}  // namespace

util::StatusOr<Arn> Arn::parse(std::string_view text) {
  if (text.substr(0, 4) != "arn:") return invalid("ARN", text, "must start with 'arn:'");
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      return invalid("ARN", text, "want arn:<partition>:<service>:<region>:<account>:<resource>");
    }
    fields.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  Arn arn;
  const util::StatusOr<Partition> partition = parse_partition(fields[1]);
  if (!partition.ok()) {
    return util::invalid_argument_error(
        util::cat("unknown partition '", fields[1], "' in ARN '", text, "'"));
  }
  arn.partition_ = *partition;
  arn.service_ = std::string(fields[2]);
  arn.region_ = std::string(fields[3]);
  arn.account_id_ = std::string(fields[4]);
  arn.resource_ = std::string(text.substr(start));
  arn.text_ = std::string(text);
  if (arn.service_.empty()) return invalid("ARN", text, "empty service");
  if (arn.resource_.empty()) return invalid("ARN", text, "empty resource");
  return arn;
}

util::StatusOr<RoleArn> RoleArn::parse(std::string_view text) {
  ASSIGN_OR_RETURN(Arn arn, Arn::parse(text));
  RETURN_IF_ERROR(check_iam("role ARN", arn));
  const std::string resource = arn.resource();
  if (resource.substr(0, 5) != "role/") {
    return invalid("role ARN", text, "not an IAM role (want ...:role/<name>)");
  }
  const size_t last_slash = resource.rfind('/');
  RoleArn role(std::move(arn));
  role.path_ = resource.substr(4, last_slash - 4 + 1);
  role.name_ = resource.substr(last_slash + 1);
  RETURN_IF_ERROR(check_path("role ARN", text, role.path_));
  if (role.name_.empty()) return invalid("role ARN", text, "empty role name");
  if (role.name_.size() > kMaxRoleNameLength) {
    return invalid("role ARN", text,
                   util::cat("role name longer than ", kMaxRoleNameLength, " characters"));
  }
  if (!std::all_of(role.name_.begin(), role.name_.end(), is_session_name_char)) {
    return invalid("role ARN", text, "role name may contain only A-Z a-z 0-9 and _+=,.@-");
  }
  return role;
}

util::StatusOr<BaseRoleArn> BaseRoleArn::parse(std::string_view text) {
  std::string with_slash(util::trim(text));
  if (with_slash.empty() || with_slash.back() != '/') with_slash.push_back('/');
  ASSIGN_OR_RETURN(const Arn arn, Arn::parse(with_slash));
  RETURN_IF_ERROR(check_iam("base role ARN", arn));
  if (arn.resource().substr(0, 5) != "role/") {
    return invalid("base role ARN", text, "want arn:<partition>:iam::<account>:role/");
  }
  RETURN_IF_ERROR(check_path("base role ARN", text, std::string_view(arn.resource()).substr(4)));
  BaseRoleArn base;
  base.text_ = std::move(with_slash);
  base.partition_ = arn.partition();
  return base;
}

bool is_full_arn_reference(std::string_view reference) {
  return reference.substr(0, 4) == "arn:";
}

util::StatusOr<RoleArn> resolve_role_reference(std::string_view reference,
                                               const BaseRoleArn* base_role_arn) {
  if (reference.empty()) return util::invalid_argument_error("role reference is empty");
  if (is_full_arn_reference(reference)) return RoleArn::parse(reference);
  if (base_role_arn == nullptr) {
    return util::failed_precondition_error(util::cat(
        "role reference '", reference,
        "' is not an ARN and no base role ARN is known (set --base-role-arn or run on EC2 "
        "with an instance profile)"));
  }
  return RoleArn::parse(base_role_arn->str() + std::string(reference));
}

util::StatusOr<BaseRoleArn> base_role_arn_from_instance_profile(
    std::string_view instance_profile_arn) {
  ASSIGN_OR_RETURN(const Arn arn, Arn::parse(instance_profile_arn));
  RETURN_IF_ERROR(check_iam("instance profile ARN", arn));
  if (arn.resource().substr(0, 17) != "instance-profile/" || arn.resource().size() == 17) {
    return invalid("instance profile ARN", instance_profile_arn,
                   "want arn:<partition>:iam::<account>:instance-profile/<name>");
  }
  return BaseRoleArn::parse(
      util::cat("arn:", partition_name(arn.partition()), ":iam::", arn.account_id(), ":role/"));
}

std::string iam_account_prefix(std::string_view text) {
  auto arn = Arn::parse(text);
  if (!arn.ok() || !check_iam("ARN", *arn).ok()) return "";
  return util::cat("arn:", partition_name(arn->partition()), ":iam::", arn->account_id(), ":");
}

std::string role_session_name(const RoleArn& role) {
  const std::string& account = role.account_id();
  const int remaining = static_cast<int>(kMaxRoleSessionNameLength - account.size());
  std::vector<std::string> levels;
  const std::string_view path = std::string_view(role.path()).substr(1);  // "a/b/" or ""
  if (!path.empty()) {
    for (std::string_view level : util::split(path.substr(0, path.size() - 1), '/')) {
      levels.emplace_back(level);
    }
  }
  levels.push_back(role.name());
  for (std::string& level : levels) {
    for (char& c : level) {
      if (!is_session_name_char(c)) c = '_';
    }
  }
  // The original works while the name keeps at least one character:
  // remaining - 2 * (levels - 1) - 1 >= 1. Deeper paths keep the name (up to
  // what fits alone) and as many of its nearest levels as leave it whole.
  const int max_levels = remaining / 2;
  if (static_cast<int>(levels.size()) > max_levels) {
    const int name_length = std::min(static_cast<int>(role.name().size()), remaining - 1);
    const int keep = 1 + (remaining - 1 - name_length) / 2;
    levels.erase(levels.begin(), levels.end() - keep);
  }
  return account + normalize_levels(levels, levels.size(), remaining);
}

}  // namespace aws
