#include "pkg/aws/providers/shared_files_provider.h"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "pkg/aws/providers/process_runner.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace aws {
namespace {

// One profile's settings; values may be secrets, so all are zeroed on free.
using Profile = std::map<std::string, util::SecretString>;
using Profiles = std::map<std::string, Profile>;

// Reads a whole file; nullopt when it does not exist.
util::StatusOr<std::optional<util::SecretString>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<util::SecretString>();
    return util::failed_precondition_error(
        util::cat("cannot read ", path, ": ", std::generic_category().message(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  util::SecretString secret(std::move(text));
  return std::optional<util::SecretString>(std::move(secret));
}

// INI as botocore reads it: [section], key = value, '#'/';' comment lines,
// indented lines (nested settings) ignored, keys case-insensitive.
Profiles parse_ini(std::string_view text, bool config_file) {
  Profiles out;
  Profile* current = nullptr;
  for (std::string_view line : util::split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) continue;
    line = util::trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      const size_t close = line.find(']');
      std::string_view section = util::trim(
          line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      current = nullptr;
      if (config_file) {
        if (section.substr(0, 8) == "profile ") {
          section = util::trim(section.substr(8));
        } else if (section != "default") {
          continue;  // [sso-session x], [services x], ...
        }
      }
      current = &out[std::string(section)];
      continue;
    }
    if (current == nullptr) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    (*current)[util::to_lower(util::trim(line.substr(0, eq)))] =
        util::SecretString(std::string(util::trim(line.substr(eq + 1))));
  }
  return out;
}

std::string value(const Profile& profile, const std::string& key) {
  const auto it = profile.find(key);
  return it == profile.end() ? "" : std::string(it->second.reveal());
}

}  // namespace

util::StatusOr<Credentials> parse_credential_process_output(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return util::invalid_argument_error("credential_process output is not a JSON object");
  }
  if (!doc.HasMember("Version") || !doc["Version"].IsInt() || doc["Version"].GetInt() != 1) {
    return util::invalid_argument_error(
        util::cat("credential_process output has ",
                  doc.HasMember("Version") && doc["Version"].IsInt()
                      ? util::cat("Version ", doc["Version"].GetInt())
                      : std::string("no integer Version"),
                  ", want 1"));
  }
  auto string_field = [&](const char* name) -> std::string {
    return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
  };
  Credentials out;
  out.access_key_id = string_field("AccessKeyId");
  out.secret_access_key = util::SecretString(string_field("SecretAccessKey"));
  out.session_token = util::SecretString(string_field("SessionToken"));
  if (out.access_key_id.empty()) {
    return util::invalid_argument_error("credential_process output has no AccessKeyId");
  }
  if (out.secret_access_key.empty()) {
    return util::invalid_argument_error("credential_process output has no SecretAccessKey");
  }
  const std::string expiration = string_field("Expiration");
  if (!expiration.empty()) {
    const util::StatusOr<absl::Time> t = util::parse_rfc3339(expiration);
    if (!t.ok()) {
      return util::invalid_argument_error(
          util::cat("credential_process output has Expiration '", expiration, "', not RFC 3339"));
    }
    out.expiration = *t;
  }
  return out;
}

util::StatusOr<Credentials> SharedFilesProvider::credentials() {
  const EnvLookup& env = options_.env;
  const std::string home = env("HOME").value_or("");
  const std::string credentials_path =
      env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  const std::string config_path = env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  const std::optional<std::string> explicit_profile = env("AWS_PROFILE");
  const std::string profile_name =
      explicit_profile.has_value() && !explicit_profile->empty() ? *explicit_profile : "default";

  ASSIGN_OR_RETURN(const std::optional<util::SecretString> credentials_text,
                   read_file(credentials_path));
  ASSIGN_OR_RETURN(const std::optional<util::SecretString> config_text, read_file(config_path));
  if (!credentials_text.has_value() && !config_text.has_value()) {
    return util::not_found_error(
        util::cat("neither ", credentials_path, " nor ", config_path, " exists"));
  }
  // Config file first, then the credentials file overriding it.
  Profile profile;
  bool found = false;
  for (const auto& [text, is_config] :
       {std::pair{&config_text, true}, std::pair{&credentials_text, false}}) {
    if (!text->has_value()) continue;
    Profiles parsed = parse_ini((*text)->reveal(), is_config);
    const auto it = parsed.find(profile_name);
    if (it == parsed.end()) continue;
    found = true;
    for (auto& [key, v] : it->second)
      profile[key] = std::move(v);
  }
  const std::string where =
      util::cat("profile '", profile_name, "' of ", credentials_path, " / ", config_path);
  if (!found) {
    const std::string message =
        util::cat("no profile '", profile_name, "' in ", credentials_path, " or ", config_path);
    if (explicit_profile.has_value()) {
      return util::failed_precondition_error(util::cat(message, " (AWS_PROFILE)"));
    }
    return util::not_found_error(message);
  }

  Credentials out;
  out.access_key_id = value(profile, "aws_access_key_id");
  if (!out.access_key_id.empty()) {
    out.secret_access_key = util::SecretString(value(profile, "aws_secret_access_key"));
    if (out.secret_access_key.empty()) {
      return util::invalid_argument_error(
          util::cat(where, " has aws_access_key_id but no aws_secret_access_key"));
    }
    out.session_token = util::SecretString(value(profile, "aws_session_token"));
    // Not an SDK key: kube-aws-iam-controller writes it into the Secret's
    // static `credentials` file. Honouring it makes a cache re-read the file
    // (which kubelet keeps current) instead of keeping expired keys forever.
    // SDKs ignore unknown keys, and so is an unparsable value here.
    if (auto expiration = util::parse_rfc3339(value(profile, "aws_expiration")); expiration.ok()) {
      out.expiration = *expiration;
    }
    out.source = util::cat("shared credentials (profile ", profile_name, ")");
    return out;
  }
  const std::string command = value(profile, "credential_process");
  if (command.empty()) {
    const bool role = !value(profile, "role_arn").empty();
    return util::not_found_error(util::cat(where,
                                           " has neither aws_access_key_id nor credential_process",
                                           role ? " (role_arn profiles are not supported)" : ""));
  }
  const std::string what = util::cat("credential_process of profile '", profile_name, "'");
  util::StatusOr<ProcessResult> run = run_shell(command, options_.process_timeout);
  if (!run.ok()) return util::annotate(run.status(), what);
  if (run->signaled || run->exit_code != 0) {
    std::string stderr_text(util::trim(run->stderr_data));
    if (stderr_text.size() > 512) stderr_text = stderr_text.substr(0, 512) + "...";
    return util::unavailable_error(
        util::cat(what,
                  run->signaled ? util::cat(" was killed by signal ", run->signal)
                                : util::cat(" exited with status ", run->exit_code),
                  stderr_text.empty() ? "" : ": ", stderr_text));
  }
  util::StatusOr<Credentials> parsed = parse_credential_process_output(run->stdout_data.reveal());
  if (!parsed.ok()) return util::annotate(parsed.status(), what);
  parsed->source = util::cat("credential_process (profile ", profile_name, ")");
  return parsed;
}

}  // namespace aws
