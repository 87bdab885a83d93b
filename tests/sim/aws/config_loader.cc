#include "tests/sim/aws/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>

#include "pkg/util/go_duration.h"
#include "pkg/util/strings.h"

namespace sim::aws {
namespace {

util::Status bad(std::string_view where, std::string_view what) {
  return util::invalid_argument_error(util::cat("aws-sim config: ", where, ": ", what));
}

// Rejects keys outside `allowed`, so a typo is an error rather than a silent default.
util::Status check_keys(const YAML::Node& map, std::string_view where,
                        std::initializer_list<std::string_view> allowed) {
  if (!map.IsMap()) return bad(where, "must be a mapping");
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    bool known = false;
    for (std::string_view a : allowed)
      known = known || a == key;
    if (!known) return bad(where, util::cat("unknown key '", key, "'"));
  }
  return util::ok_status();
}

util::StatusOr<std::string> scalar(const YAML::Node& map, std::string_view where, const char* key) {
  const YAML::Node node = map[key];
  if (!node) return bad(where, util::cat("missing required key '", key, "'"));
  if (!node.IsScalar()) return bad(where, util::cat("'", key, "' must be a string"));
  return node.as<std::string>();
}

std::optional<std::string> optional_scalar(const YAML::Node& map, const char* key) {
  const YAML::Node node = map[key];
  if (!node || !node.IsScalar()) return std::nullopt;
  return node.as<std::string>();
}

// "3600" (seconds) or a Go duration ("12h").
util::StatusOr<absl::Duration> duration(const YAML::Node& node, std::string_view where) {
  if (!node.IsScalar()) return bad(where, "must be a duration");
  const std::string text = node.as<std::string>();
  bool digits = !text.empty();
  for (char c : text)
    digits = digits && c >= '0' && c <= '9';
  if (digits) return absl::Seconds(std::stoll(text));
  auto parsed = util::parse_go_duration(text);
  if (!parsed.ok()) return bad(where, parsed.status().message());
  return *parsed;
}

// Reads map[key] as a duration into *out when present; leaves *out otherwise.
util::Status optional_duration(const YAML::Node& map, const char* key, std::string_view where,
                               absl::Duration* out) {
  const YAML::Node node = map[key];
  if (!node) return util::ok_status();
  auto parsed = duration(node, util::cat(where, ".", key));
  if (!parsed.ok()) return parsed.status();
  *out = *parsed;
  return util::ok_status();
}

util::StatusOr<std::vector<std::string>> string_list(const YAML::Node& node,
                                                     std::string_view where) {
  std::vector<std::string> out;
  if (!node) return out;
  if (!node.IsSequence()) return bad(where, "must be a list");
  for (const auto& item : node) {
    if (!item.IsScalar()) return bad(where, "items must be strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

util::StatusOr<UserConfig> parse_user(const YAML::Node& node, std::string_view where) {
  RETURN_IF_ERROR(check_keys(node, where, {"arn", "access_key_id", "secret_access_key"}));
  UserConfig user;
  ASSIGN_OR_RETURN(user.arn, scalar(node, where, "arn"));
  ASSIGN_OR_RETURN(user.access_key_id, scalar(node, where, "access_key_id"));
  ASSIGN_OR_RETURN(std::string secret, scalar(node, where, "secret_access_key"));
  user.secret_access_key = util::SecretString(std::move(secret));
  return user;
}

util::StatusOr<RoleConfig> parse_role(const YAML::Node& node, std::string_view where) {
  RETURN_IF_ERROR(
      check_keys(node, where,
                 {"arn", "max_session_duration", "trust", "external_id", "required_session_tags"}));
  RoleConfig role;
  ASSIGN_OR_RETURN(role.arn, scalar(node, where, "arn"));
  RETURN_IF_ERROR(
      optional_duration(node, "max_session_duration", where, &role.max_session_duration));
  ASSIGN_OR_RETURN(role.trust, string_list(node["trust"], util::cat(where, ".trust")));
  role.external_id = optional_scalar(node, "external_id");
  if (const YAML::Node tags = node["required_session_tags"]) {
    if (!tags.IsSequence()) return bad(where, "required_session_tags must be a list");
    for (const auto& tag : tags) {
      const std::string tag_where = util::cat(where, ".required_session_tags");
      RETURN_IF_ERROR(check_keys(tag, tag_where, {"key", "value"}));
      TagRequirement req;
      ASSIGN_OR_RETURN(req.key, scalar(tag, tag_where, "key"));
      req.value = optional_scalar(tag, "value");
      role.required_session_tags.push_back(std::move(req));
    }
  }
  return role;
}

util::StatusOr<InstanceProfileConfig> parse_instance_profile(const YAML::Node& node) {
  constexpr std::string_view kWhere = "instance_profile";
  RETURN_IF_ERROR(check_keys(
      node, kWhere,
      {"arn", "role", "instance_id", "region", "availability_zone", "credential_lifetime"}));
  InstanceProfileConfig ip;
  ASSIGN_OR_RETURN(ip.arn, scalar(node, kWhere, "arn"));
  ASSIGN_OR_RETURN(ip.role_arn, scalar(node, kWhere, "role"));
  ip.instance_id = optional_scalar(node, "instance_id").value_or(ip.instance_id);
  ip.region = optional_scalar(node, "region").value_or(ip.region);
  ip.availability_zone =
      optional_scalar(node, "availability_zone").value_or(util::cat(ip.region, "a"));
  RETURN_IF_ERROR(optional_duration(node, "credential_lifetime", kWhere, &ip.credential_lifetime));
  return ip;
}

util::StatusOr<ContainerCredentialsConfig> parse_container(const YAML::Node& node) {
  constexpr std::string_view kWhere = "container_credentials";
  RETURN_IF_ERROR(
      check_keys(node, kWhere, {"path", "authorization_token", "role", "credential_lifetime"}));
  ContainerCredentialsConfig cc;
  cc.path = optional_scalar(node, "path").value_or(cc.path);
  cc.authorization_token =
      util::SecretString(optional_scalar(node, "authorization_token").value_or(""));
  ASSIGN_OR_RETURN(cc.role_arn, scalar(node, kWhere, "role"));
  RETURN_IF_ERROR(optional_duration(node, "credential_lifetime", kWhere, &cc.credential_lifetime));
  return cc;
}

util::StatusOr<std::vector<WebIdentityTokenConfig>> parse_web_identity(const YAML::Node& node) {
  RETURN_IF_ERROR(check_keys(node, "web_identity", {"tokens"}));
  std::vector<WebIdentityTokenConfig> out;
  const YAML::Node tokens = node["tokens"];
  if (!tokens) return out;
  if (!tokens.IsSequence()) return bad("web_identity.tokens", "must be a list");
  for (const auto& item : tokens) {
    constexpr std::string_view kWhere = "web_identity.tokens";
    RETURN_IF_ERROR(check_keys(item, kWhere, {"token", "subject", "audience", "provider"}));
    WebIdentityTokenConfig t;
    ASSIGN_OR_RETURN(std::string token, scalar(item, kWhere, "token"));
    t.token = util::SecretString(std::move(token));
    t.subject = optional_scalar(item, "subject").value_or(t.subject);
    t.audience = optional_scalar(item, "audience").value_or(t.audience);
    t.provider = optional_scalar(item, "provider").value_or(t.provider);
    out.push_back(std::move(t));
  }
  return out;
}

util::StatusOr<bool> optional_bool(const YAML::Node& map, const char* key, std::string_view where,
                                   bool fallback) {
  const YAML::Node node = map[key];
  if (!node) return fallback;
  const std::string text = node.IsScalar() ? node.as<std::string>() : "";
  if (text == "true") return true;
  if (text == "false") return false;
  return bad(where, util::cat("'", key, "' must be true or false"));
}

// The content of the file at `path`; nullopt when it cannot be opened.
std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A trust anchor's CA bundle: inline PEM, or a file (relative to the config's directory).
util::StatusOr<std::string> certificate_bundle(const YAML::Node& node, std::string_view where,
                                               const std::filesystem::path& base_dir) {
  if (node["certificate_bundle"]) return scalar(node, where, "certificate_bundle");
  ASSIGN_OR_RETURN(const std::string file, scalar(node, where, "certificate_bundle_file"));
  const std::filesystem::path path = base_dir / file;  // an absolute `file` replaces base_dir
  std::optional<std::string> text = read_text(path);
  if (!text) return bad(where, util::cat("cannot read certificate_bundle_file ", path.string()));
  return std::move(*text);
}

util::StatusOr<RolesAnywhereConfig> parse_roles_anywhere(const YAML::Node& node,
                                                         const std::filesystem::path& base_dir) {
  RETURN_IF_ERROR(check_keys(node, "roles_anywhere", {"trust_anchors", "profiles"}));
  RolesAnywhereConfig out;
  if (const YAML::Node anchors = node["trust_anchors"]) {
    if (!anchors.IsSequence()) return bad("roles_anywhere.trust_anchors", "must be a list");
    for (size_t i = 0; i < anchors.size(); ++i) {
      const std::string where = util::cat("roles_anywhere.trust_anchors[", i, "]");
      RETURN_IF_ERROR(check_keys(
          anchors[i], where, {"arn", "certificate_bundle", "certificate_bundle_file", "enabled"}));
      TrustAnchorConfig anchor;
      ASSIGN_OR_RETURN(anchor.arn, scalar(anchors[i], where, "arn"));
      ASSIGN_OR_RETURN(anchor.certificate_bundle, certificate_bundle(anchors[i], where, base_dir));
      ASSIGN_OR_RETURN(anchor.enabled, optional_bool(anchors[i], "enabled", where, true));
      out.trust_anchors.push_back(std::move(anchor));
    }
  }
  if (const YAML::Node profiles = node["profiles"]) {
    if (!profiles.IsSequence()) return bad("roles_anywhere.profiles", "must be a list");
    for (size_t i = 0; i < profiles.size(); ++i) {
      const std::string where = util::cat("roles_anywhere.profiles[", i, "]");
      RETURN_IF_ERROR(check_keys(profiles[i], where, {"arn", "role_arns", "duration", "enabled"}));
      RolesAnywhereProfileConfig profile;
      ASSIGN_OR_RETURN(profile.arn, scalar(profiles[i], where, "arn"));
      ASSIGN_OR_RETURN(profile.role_arns,
                       string_list(profiles[i]["role_arns"], util::cat(where, ".role_arns")));
      RETURN_IF_ERROR(optional_duration(profiles[i], "duration", where, &profile.duration));
      ASSIGN_OR_RETURN(profile.enabled, optional_bool(profiles[i], "enabled", where, true));
      out.profiles.push_back(std::move(profile));
    }
  }
  return out;
}

util::StatusOr<IamConfig> from_yaml(const YAML::Node& root, const std::filesystem::path& base_dir) {
  IamConfig config;
  if (!root || root.IsNull()) return config;
  RETURN_IF_ERROR(
      check_keys(root, "top level",
                 {"accounts", "regions", "issued_duration_cap", "users", "roles",
                  "instance_profile", "container_credentials", "web_identity", "roles_anywhere"}));
  ASSIGN_OR_RETURN(config.accounts, string_list(root["accounts"], "accounts"));
  if (root["regions"]) {
    ASSIGN_OR_RETURN(config.regions, string_list(root["regions"], "regions"));
  }
  if (root["issued_duration_cap"]) {
    absl::Duration cap;
    RETURN_IF_ERROR(optional_duration(root, "issued_duration_cap", "top level", &cap));
    config.issued_duration_cap = cap;
  }
  if (const YAML::Node users = root["users"]) {
    if (!users.IsSequence()) return bad("users", "must be a list");
    for (size_t i = 0; i < users.size(); ++i) {
      ASSIGN_OR_RETURN(UserConfig user, parse_user(users[i], util::cat("users[", i, "]")));
      config.users.push_back(std::move(user));
    }
  }
  if (const YAML::Node roles = root["roles"]) {
    if (!roles.IsSequence()) return bad("roles", "must be a list");
    for (size_t i = 0; i < roles.size(); ++i) {
      ASSIGN_OR_RETURN(RoleConfig role, parse_role(roles[i], util::cat("roles[", i, "]")));
      config.roles.push_back(std::move(role));
    }
  }
  if (root["instance_profile"]) {
    const YAML::Node node = root["instance_profile"];
    ASSIGN_OR_RETURN(config.instance_profile, parse_instance_profile(node));
  }
  if (root["container_credentials"]) {
    const YAML::Node node = root["container_credentials"];
    ASSIGN_OR_RETURN(config.container_credentials, parse_container(node));
  }
  if (root["web_identity"]) {
    ASSIGN_OR_RETURN(config.web_identity_tokens, parse_web_identity(root["web_identity"]));
  }
  if (root["roles_anywhere"]) {
    ASSIGN_OR_RETURN(config.roles_anywhere, parse_roles_anywhere(root["roles_anywhere"], base_dir));
  }
  return config;
}

}  // namespace

util::StatusOr<IamConfig> parse_iam_config(std::string_view text,
                                           const std::filesystem::path& base_dir) {
  try {
    return from_yaml(YAML::Load(std::string(text)), base_dir);
  } catch (const std::exception& e) {  // YAML::Exception, std::out_of_range from stoll
    return util::invalid_argument_error(util::cat("aws-sim config: ", e.what()));
  }
}

util::StatusOr<IamConfig> load_iam_config(const std::string& path) {
  std::optional<std::string> text = read_text(path);
  if (!text) return util::not_found_error(util::cat("aws-sim config: cannot open ", path));
  return parse_iam_config(*text, std::filesystem::path(path).parent_path());
}

}  // namespace sim::aws
