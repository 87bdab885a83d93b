#include "pkg/aws/providers/environment_provider.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

std::string get(const EnvLookup& env, std::string_view name) {
  return env(name).value_or("");
}

}  // namespace

util::StatusOr<Credentials> EnvironmentProvider::credentials() {
  Credentials out;
  out.source = "environment";
  out.access_key_id = get(env_, "AWS_ACCESS_KEY_ID");
  if (out.access_key_id.empty()) return util::not_found_error("AWS_ACCESS_KEY_ID not set");
  out.secret_access_key = util::SecretString(get(env_, "AWS_SECRET_ACCESS_KEY"));
  if (out.secret_access_key.empty()) {
    return util::invalid_argument_error(
        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  std::string token = get(env_, "AWS_SESSION_TOKEN");
  if (token.empty()) token = get(env_, "AWS_SECURITY_TOKEN");
  out.session_token = util::SecretString(std::move(token));
  const std::string expiration = get(env_, "AWS_CREDENTIAL_EXPIRATION");
  if (!expiration.empty()) {
    const util::StatusOr<absl::Time> t = util::parse_rfc3339(expiration);
    if (!t.ok()) {
      return util::invalid_argument_error(
          util::cat("AWS_CREDENTIAL_EXPIRATION '", expiration, "' is not an RFC 3339 time"));
    }
    out.expiration = *t;
  }
  return out;
}

}  // namespace aws
