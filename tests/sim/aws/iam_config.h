// The simulated IAM world as plain data: which users hold which long-term
// keys, which roles exist (by exact ARN or glob) and whom they trust, the EC2
// instance profile served by IMDS, the container-credentials endpoint and the
// web identity tokens STS accepts. Built in code by tests, or read from a
// YAML/JSON file by load_iam_config() for the standalone aws-sim.
//
// Thread-safety: plain values; IamModel owns the live, thread-safe copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/secret_string.h"

namespace sim::aws {

// An IAM user and one long-term access key pair.
struct UserConfig {
  std::string arn;            // arn:aws:iam::123456789012:user/bootstrap
  std::string access_key_id;  // AKIA...
  util::SecretString secret_access_key;
};

// A session tag the role's trust policy requires (aws:RequestTag/<key>).
struct TagRequirement {
  std::string key;
  std::optional<std::string> value;  // nullopt: any value, only presence required
};

// An IAM role, or a family of roles when `arn` contains '*' or '?'
// (arn:aws:iam::123456789012:role/load/* stands for 1,000 load-test roles).
// Exact ARNs are looked up before patterns; patterns in declaration order.
struct RoleConfig {
  std::string arn;
  // IAM's MaxSessionDuration: 3600 (default) .. 43200 seconds.
  absl::Duration max_session_duration = absl::Hours(1);
  // Principal ARN globs allowed to assume the role: a user ARN, a role ARN
  // (matches every assumed-role session of that role), an assumed-role session
  // ARN, "arn:aws:iam::<account>:root" (every principal of that account), "*",
  // "web-identity" (AssumeRoleWithWebIdentity with any accepted token), or
  // "rolesanywhere.amazonaws.com" (IAM Roles Anywhere's CreateSession).
  std::vector<std::string> trust;
  std::optional<std::string> external_id;  // sts:ExternalId condition
  std::vector<TagRequirement> required_session_tags;
};

// What IMDS serves: an instance profile whose role the instance's credentials belong to.
struct InstanceProfileConfig {
  std::string arn;       // arn:aws:iam::123456789012:instance-profile/kube-node
  std::string role_arn;  // must resolve to a configured role
  std::string instance_id = "i-0123456789abcdef0";
  std::string region = "us-east-1";
  std::string availability_zone = "us-east-1a";
  // The instance's credentials live this long (real EC2: about 6 hours),
  // reissued when less than a quarter of it is left.
  absl::Duration credential_lifetime = absl::Hours(6);
};

// The ECS / EKS Pod Identity endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI).
struct ContainerCredentialsConfig {
  std::string path = "/v1/credentials";
  // Expected Authorization header value; empty = no check (ECS relative-URI mode).
  util::SecretString authorization_token;
  std::string role_arn;  // must resolve to a configured role
  absl::Duration credential_lifetime = absl::Hours(6);
};

// A token AssumeRoleWithWebIdentity accepts, and what STS reports about it.
struct WebIdentityTokenConfig {
  util::SecretString token;
  std::string subject = "system:serviceaccount:default:default";
  std::string audience = "sts.amazonaws.com";
  std::string provider = "arn:aws:iam::123456789012:oidc-provider/oidc.sim.local";
};

// IAM Roles Anywhere: trust anchors (CA bundles) whose certificates may call
// CreateSession, and profiles (which roles, for how long).
struct TrustAnchorConfig {
  std::string arn;                 // arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>
  std::string certificate_bundle;  // PEM: the CA certificate(s)
  bool enabled = true;
};

struct RolesAnywhereProfileConfig {
  std::string arn;  // arn:aws:rolesanywhere:<region>:<account>:profile/<id>
  // Roles a session may be for (globs allowed, as role ARNs); each must also
  // trust "rolesanywhere.amazonaws.com".
  std::vector<std::string> role_arns;
  absl::Duration duration = absl::Hours(1);  // the profile's durationSeconds (900 .. 43200 s)
  bool enabled = true;
};

struct RolesAnywhereConfig {
  std::vector<TrustAnchorConfig> trust_anchors;
  std::vector<RolesAnywhereProfileConfig> profiles;
};

// The service principal a role's trust list names to admit IAM Roles Anywhere.
inline constexpr std::string_view kRolesAnywherePrincipal = "rolesanywhere.amazonaws.com";

struct IamConfig {
  // Known account ids; when non-empty, every ARN in the config must be in one.
  std::vector<std::string> accounts;
  // Regions accepted in a SigV4 credential scope (globs allowed: "eu-*").
  std::vector<std::string> regions = {"us-east-1"};
  std::vector<UserConfig> users;
  std::vector<RoleConfig> roles;
  std::optional<InstanceProfileConfig> instance_profile;
  std::optional<ContainerCredentialsConfig> container_credentials;
  std::vector<WebIdentityTokenConfig> web_identity_tokens;
  RolesAnywhereConfig roles_anywhere;
  // SIMULATOR-ONLY KNOB (real STS has nothing like it): caps the lifetime of
  // every credential the simulator issues, whatever DurationSeconds asked, so
  // a demo shows refreshes within seconds. The validation of DurationSeconds is
  // unchanged; only the issued Expiration is earlier.
  std::optional<absl::Duration> issued_duration_cap;
};

}  // namespace sim::aws
