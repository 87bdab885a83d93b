#include "tests/sim/aws/iam_model.h"

#include <algorithm>

#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/iam_names.h"

namespace sim::aws {
namespace {

bool is_pattern(std::string_view arn) {
  return arn.find_first_of("*?") != std::string_view::npos;
}

bool is_user_arn(std::string_view arn) {
  const std::vector<std::string_view> parts = util::split(arn, ':');
  return parts.size() == 6 && parts[0] == "arn" && !parts[1].empty() && parts[2] == "iam" &&
         parts[3].empty() && parts[4].size() == 12 && parts[5].substr(0, 5) == "user/" &&
         parts[5].size() > 5;
}

}  // namespace

util::StatusOr<std::unique_ptr<IamModel>> IamModel::create(IamConfig config) {
  std::unique_ptr<IamModel> model(new IamModel(std::move(config)));
  {
    util::MutexLock lock(model->mu_);
    RETURN_IF_ERROR(model->check_all_locked());
  }
  return model;
}

util::Status IamModel::check_arn_account_locked(std::string_view arn,
                                                std::string_view where) const {
  if (config_.accounts.empty()) return util::ok_status();
  const std::string account = arn_account(arn);
  for (const std::string& a : config_.accounts) {
    if (a == account) return util::ok_status();
  }
  return util::invalid_argument_error(
      util::cat(where, ": account '", account, "' of ", arn, " is not in `accounts`"));
}

util::Status IamModel::check_user_locked(const UserConfig& user) const {
  if (!is_user_arn(user.arn)) {
    return util::invalid_argument_error(util::cat("user: not an IAM user ARN: '", user.arn, "'"));
  }
  RETURN_IF_ERROR(check_arn_account_locked(user.arn, "user"));
  if (user.access_key_id.size() < 16 || user.access_key_id.size() > 128) {
    return util::invalid_argument_error(
        util::cat("user ", user.arn, ": access_key_id must have 16..128 characters"));
  }
  if (user.secret_access_key.empty()) {
    return util::invalid_argument_error(util::cat("user ", user.arn, ": empty secret_access_key"));
  }
  for (const UserConfig& other : config_.users) {
    if (&other != &user && other.access_key_id == user.access_key_id) {
      return util::invalid_argument_error(
          util::cat("user ", user.arn, ": access_key_id already used by ", other.arn));
    }
  }
  return util::ok_status();
}

util::Status IamModel::check_role_locked(const RoleConfig& role) const {
  // A pattern must still look like a role ARN once its wildcards stand for a name.
  std::string sample = role.arn;
  for (char& c : sample) {
    if (c == '*' || c == '?') c = 'x';
  }
  if (!parse_role_arn(sample)) {
    return util::invalid_argument_error(util::cat("role: not an IAM role ARN: '", role.arn, "'"));
  }
  RETURN_IF_ERROR(check_arn_account_locked(sample, "role"));
  if (role.max_session_duration < kDefaultSessionDuration ||
      role.max_session_duration > kMaxSessionDuration) {
    return util::invalid_argument_error(
        util::cat("role ", role.arn, ": max_session_duration must be 3600..43200 seconds"));
  }
  if (role.trust.empty()) {
    return util::invalid_argument_error(util::cat("role ", role.arn, ": empty trust list"));
  }
  return util::ok_status();
}

util::Status IamModel::check_trust_anchor_locked(const TrustAnchorConfig& anchor) const {
  const auto arn =
      ::aws::parse_roles_anywhere_arn(anchor.arn, ::aws::RolesAnywhereResource::kTrustAnchor);
  if (!arn.ok()) return util::annotate(arn.status(), "roles_anywhere.trust_anchors");
  RETURN_IF_ERROR(check_arn_account_locked(anchor.arn, "roles_anywhere.trust_anchors"));
  if (anchor.certificate_bundle.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return util::invalid_argument_error(
        util::cat("trust anchor ", anchor.arn, ": certificate_bundle holds no PEM certificate"));
  }
  return util::ok_status();
}

util::Status IamModel::check_profile_locked(const RolesAnywhereProfileConfig& profile) const {
  const auto arn =
      ::aws::parse_roles_anywhere_arn(profile.arn, ::aws::RolesAnywhereResource::kProfile);
  if (!arn.ok()) return util::annotate(arn.status(), "roles_anywhere.profiles");
  RETURN_IF_ERROR(check_arn_account_locked(profile.arn, "roles_anywhere.profiles"));
  if (profile.duration < kMinSessionDuration || profile.duration > kMaxSessionDuration) {
    return util::invalid_argument_error(
        util::cat("profile ", profile.arn, ": duration must be 900..43200 seconds"));
  }
  if (profile.role_arns.empty()) {
    return util::invalid_argument_error(util::cat("profile ", profile.arn, ": no role_arns"));
  }
  return util::ok_status();
}

util::Status IamModel::check_all_locked() const {
  for (const TrustAnchorConfig& anchor : config_.roles_anywhere.trust_anchors)
    RETURN_IF_ERROR(check_trust_anchor_locked(anchor));
  for (const RolesAnywhereProfileConfig& profile : config_.roles_anywhere.profiles)
    RETURN_IF_ERROR(check_profile_locked(profile));
  for (const UserConfig& user : config_.users)
    RETURN_IF_ERROR(check_user_locked(user));
  for (const RoleConfig& role : config_.roles)
    RETURN_IF_ERROR(check_role_locked(role));
  for (const std::string& region : config_.regions) {
    if (region.empty()) return util::invalid_argument_error("regions: empty region");
  }
  if (config_.issued_duration_cap && *config_.issued_duration_cap < absl::Seconds(1)) {
    return util::invalid_argument_error("issued_duration_cap must be at least 1s");
  }
  if (const auto& ip = config_.instance_profile) {
    if (arn_account(ip->arn).empty() || ip->arn.find(":instance-profile/") == std::string::npos) {
      return util::invalid_argument_error(
          util::cat("instance_profile: not an instance profile ARN: '", ip->arn, "'"));
    }
    if (!parse_role_arn(ip->role_arn) || !find_role_locked(ip->role_arn)) {
      return util::invalid_argument_error(
          util::cat("instance_profile: role '", ip->role_arn, "' is not a configured role"));
    }
  }
  if (const auto& cc = config_.container_credentials) {
    if (cc->path.empty() || cc->path[0] != '/') {
      return util::invalid_argument_error("container_credentials: path must start with '/'");
    }
    if (!parse_role_arn(cc->role_arn) || !find_role_locked(cc->role_arn)) {
      return util::invalid_argument_error(
          util::cat("container_credentials: role '", cc->role_arn, "' is not a configured role"));
    }
  }
  for (const WebIdentityTokenConfig& t : config_.web_identity_tokens) {
    if (t.token.reveal().size() < 4) {
      return util::invalid_argument_error("web_identity: tokens must have at least 4 characters");
    }
  }
  return util::ok_status();
}

util::Status IamModel::add_user(UserConfig user) {
  util::MutexLock lock(mu_);
  RETURN_IF_ERROR(check_user_locked(user));
  config_.users.push_back(std::move(user));
  return util::ok_status();
}

util::Status IamModel::add_role(RoleConfig role) {
  util::MutexLock lock(mu_);
  RETURN_IF_ERROR(check_role_locked(role));
  config_.roles.push_back(std::move(role));
  return util::ok_status();
}

void IamModel::set_issued_duration_cap(std::optional<absl::Duration> cap) {
  util::MutexLock lock(mu_);
  config_.issued_duration_cap = cap;
}

std::optional<IamModel::UserKey> IamModel::find_user_key(std::string_view access_key_id) const {
  util::MutexLock lock(mu_);
  for (const UserConfig& user : config_.users) {
    if (user.access_key_id != access_key_id) continue;
    UserKey key;
    key.principal.kind = PrincipalKind::kUser;
    key.principal.arn = user.arn;
    key.principal.account = arn_account(user.arn);
    key.principal.user_id = unique_id_for("AIDA", user.arn);
    key.secret_access_key = user.secret_access_key;
    return key;
  }
  return std::nullopt;
}

std::optional<RoleConfig> IamModel::find_role_locked(std::string_view role_arn) const {
  for (const RoleConfig& role : config_.roles) {
    if (role.arn == role_arn) return role;
  }
  for (const RoleConfig& role : config_.roles) {
    if (is_pattern(role.arn) && glob_match(role.arn, role_arn)) {
      RoleConfig match = role;
      match.arn = std::string(role_arn);
      return match;
    }
  }
  return std::nullopt;
}

std::optional<RoleConfig> IamModel::find_role(std::string_view role_arn) const {
  if (!parse_role_arn(role_arn)) return std::nullopt;
  util::MutexLock lock(mu_);
  return find_role_locked(role_arn);
}

std::optional<WebIdentityTokenConfig> IamModel::find_web_identity_token(
    std::string_view token) const {
  util::MutexLock lock(mu_);
  for (const WebIdentityTokenConfig& t : config_.web_identity_tokens) {
    if (secret_equal(t.token.reveal(), token)) return t;
  }
  return std::nullopt;
}

bool IamModel::region_allowed(std::string_view region) const {
  util::MutexLock lock(mu_);
  for (const std::string& pattern : config_.regions) {
    if (glob_match(pattern, region)) return true;
  }
  return false;
}

std::optional<absl::Duration> IamModel::issued_duration_cap() const {
  util::MutexLock lock(mu_);
  return config_.issued_duration_cap;
}

std::optional<InstanceProfileConfig> IamModel::instance_profile() const {
  util::MutexLock lock(mu_);
  return config_.instance_profile;
}

std::optional<ContainerCredentialsConfig> IamModel::container_credentials() const {
  util::MutexLock lock(mu_);
  return config_.container_credentials;
}

std::optional<TrustAnchorConfig> IamModel::find_trust_anchor(std::string_view arn) const {
  util::MutexLock lock(mu_);
  for (const TrustAnchorConfig& anchor : config_.roles_anywhere.trust_anchors) {
    if (anchor.arn == arn) return anchor;
  }
  return std::nullopt;
}

std::optional<RolesAnywhereProfileConfig> IamModel::find_profile(std::string_view arn) const {
  util::MutexLock lock(mu_);
  for (const RolesAnywhereProfileConfig& profile : config_.roles_anywhere.profiles) {
    if (profile.arn == arn) return profile;
  }
  return std::nullopt;
}

util::Status IamModel::add_trust_anchor(TrustAnchorConfig anchor) {
  util::MutexLock lock(mu_);
  RETURN_IF_ERROR(check_trust_anchor_locked(anchor));
  config_.roles_anywhere.trust_anchors.push_back(std::move(anchor));
  return util::ok_status();
}

util::Status IamModel::add_profile(RolesAnywhereProfileConfig profile) {
  util::MutexLock lock(mu_);
  RETURN_IF_ERROR(check_profile_locked(profile));
  config_.roles_anywhere.profiles.push_back(std::move(profile));
  return util::ok_status();
}

bool role_trusts_roles_anywhere(const RoleConfig& role) {
  return std::find(role.trust.begin(), role.trust.end(), kRolesAnywherePrincipal) !=
         role.trust.end();
}

bool role_trusts(const RoleConfig& role, const Principal& caller) {
  for (const std::string& entry : role.trust) {
    if (entry == "*") return true;
    if (entry == "web-identity") continue;  // only AssumeRoleWithWebIdentity
    const std::vector<std::string_view> parts = util::split(entry, ':');
    if (parts.size() == 6 && parts[5] == "root" && parts[4] == caller.account) return true;
    if (glob_match(entry, caller.arn)) return true;
    if (caller.kind == PrincipalKind::kAssumedRole && glob_match(entry, caller.role_arn)) {
      return true;
    }
  }
  return false;
}

}  // namespace sim::aws
