#include "tests/sim/aws/container_credentials_service.h"

#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/iam_names.h"
#include "tests/sim/aws/role_session.h"

namespace sim::aws {
namespace {

SimResponse json_error(int status, std::string_view code, std::string_view message) {
  SimResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = util::cat("{\"code\":", util::json_quote(code),
                     ",\"message\":", util::json_quote(message), "}");
  return r;
}

}  // namespace

SimResponse ContainerCredentialsService::handle(const SimRequest& request, std::stop_token stop) {
  if (const absl::Duration latency = faults_.latency(); latency > absl::ZeroDuration()) {
    util::sleep_for(clock_, latency, stop);
  }
  CallRecord record;
  record.time = clock_.system_now();
  record.service = "container";
  record.action = "GetCredentials";
  SimResponse response = answer(request, record);
  record.result = response.status == 200 ? "Success" : std::to_string(response.status);
  record.http_status = response.status;
  calls_.record(std::move(record));
  return response;
}

SimResponse ContainerCredentialsService::answer(const SimRequest& request, CallRecord& record) {
  if (faults_.container_unavailable()) {
    return json_error(503, "ServiceUnavailable", "The credentials endpoint is unavailable");
  }
  const std::optional<ContainerCredentialsConfig> config = model_.container_credentials();
  if (!config || request.raw_path != config->path) {
    return json_error(404, "NotFound", "No credentials at this path");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return json_error(405, "MethodNotAllowed", "Only GET is supported");
  }
  if (!config->authorization_token.empty()) {
    const std::optional<std::string_view> auth = request.header("Authorization");
    if (!auth) return json_error(401, "AccessDenied", "Authorization header is missing");
    const std::string_view want = config->authorization_token.reveal();
    if (!secret_equal(*auth, want)) {
      return json_error(403, "AccessDenied", "Authorization token is invalid");
    }
  }
  record.role_arn = config->role_arn;
  const std::optional<IssuedSession> creds = credentials(*config);
  if (!creds) return json_error(500, "InternalError", "Cannot issue credentials");
  record.issued_access_key_id = creds->access_key_id;
  SimResponse r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = util::cat("{\"AccessKeyId\":", util::json_quote(creds->access_key_id),
                     ",\"SecretAccessKey\":", util::json_quote(creds->secret_access_key.reveal()),
                     ",\"Token\":", util::json_quote(creds->session_token.reveal()),
                     ",\"AccountId\":", util::json_quote(arn_account(config->role_arn)),
                     ",\"Expiration\":", util::json_quote(util::format_rfc3339(creds->expiration)),
                     ",\"RoleArn\":", util::json_quote(config->role_arn), "}");
  return r;
}

std::optional<IssuedSession> ContainerCredentialsService::credentials(
    const ContainerCredentialsConfig& config) {
  util::MutexLock lock(mu_);
  const absl::Time now = clock_.system_now();
  if (current_ && current_->principal.role_arn == config.role_arn) {
    const absl::Duration life = current_->expiration - current_->issued_at;
    if (current_->expiration - now > life / 4) return current_;
  }
  auto session = issue_role_session(model_, store_, config.role_arn, "eks-pod-identity",
                                    config.credential_lifetime);
  if (!session.ok()) return std::nullopt;
  current_ = std::move(session).value();
  return current_;
}

}  // namespace sim::aws
