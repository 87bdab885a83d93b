// The live IAM world of the simulator: users and their long-term keys, roles
// (exact or glob ARNs) with their trust lists, the instance profile, the
// container endpoint, web identity tokens, accepted regions and the
// simulator-only issued-duration cap. Built from an IamConfig, checked once.
//
// Thread-safety: thread-safe; lookups return copies.
// Errors: create/add_* return kInvalidArgument naming the bad field.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pkg/util/mutex.h"
#include "pkg/util/status.h"
#include "tests/sim/aws/iam_config.h"
#include "tests/sim/aws/principal.h"

namespace sim::aws {

// Session-duration limits (IAM and STS).
inline constexpr absl::Duration kMinSessionDuration = absl::Seconds(900);
inline constexpr absl::Duration kMaxSessionDuration = absl::Seconds(43200);
inline constexpr absl::Duration kDefaultSessionDuration = absl::Seconds(3600);
// AWS caps sessions obtained by role chaining at one hour.
inline constexpr absl::Duration kRoleChainingLimit = absl::Hours(1);

class IamModel {
 public:
  static util::StatusOr<std::unique_ptr<IamModel>> create(IamConfig config);

  util::Status add_user(UserConfig user);
  // Appends a role; exact ARNs are always found before patterns.
  util::Status add_role(RoleConfig role);
  void set_issued_duration_cap(std::optional<absl::Duration> cap);

  struct UserKey {
    Principal principal;
    util::SecretString secret_access_key;
  };
  std::optional<UserKey> find_user_key(std::string_view access_key_id) const;

  // The role `role_arn` names: the exact entry, else the first matching
  // pattern. The returned config's `arn` is `role_arn` itself.
  std::optional<RoleConfig> find_role(std::string_view role_arn) const;

  std::optional<WebIdentityTokenConfig> find_web_identity_token(std::string_view token) const;
  std::optional<TrustAnchorConfig> find_trust_anchor(std::string_view arn) const;
  std::optional<RolesAnywhereProfileConfig> find_profile(std::string_view arn) const;
  util::Status add_trust_anchor(TrustAnchorConfig anchor);
  util::Status add_profile(RolesAnywhereProfileConfig profile);
  bool region_allowed(std::string_view region) const;
  std::optional<absl::Duration> issued_duration_cap() const;
  std::optional<InstanceProfileConfig> instance_profile() const;
  std::optional<ContainerCredentialsConfig> container_credentials() const;

 private:
  explicit IamModel(IamConfig config) : config_(std::move(config)) {}
  util::Status check_arn_account_locked(std::string_view arn, std::string_view where) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Status check_user_locked(const UserConfig& user) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Status check_role_locked(const RoleConfig& role) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Status check_trust_anchor_locked(const TrustAnchorConfig& anchor) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Status check_profile_locked(const RolesAnywhereProfileConfig& profile) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  util::Status check_all_locked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::optional<RoleConfig> find_role_locked(std::string_view role_arn) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  IamConfig config_ ABSL_GUARDED_BY(mu_);
};

// True when `role`'s trust list admits `caller` (see RoleConfig::trust).
bool role_trusts(const RoleConfig& role, const Principal& caller);
// True when it admits IAM Roles Anywhere (kRolesAnywherePrincipal).
bool role_trusts_roles_anywhere(const RoleConfig& role);

}  // namespace sim::aws
