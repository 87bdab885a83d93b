#include "controller/credential_source.h"

#include "pkg/aws/aws_error.h"
#include "pkg/util/strings.h"

namespace controller {

util::StatusOr<IssuedCredentials> StsCredentialSource::issue(const RoleRequest& request,
                                                             std::stop_token stop) {
  auto caller = caller_.credentials();
  if (!caller.ok()) {
    return util::Status(
        caller.status().code(),
        util::cat("the controller's own credentials are unavailable: ", caller.status().message()));
  }
  aws::AssumeRoleRequest sts_request{.role_arn = request.role.str(),
                                     .role_session_name = aws::role_session_name(request.role),
                                     .duration_seconds = request.duration_seconds,
                                     .external_id = request.external_id,
                                     .policy = request.policy,
                                     .policy_arns = request.policy_arns,
                                     .tags = request.tags};
  IssuedCredentials issued;
  auto result = sts_.assume_role(sts_request, *caller, stop);
  if (!result.ok() && request.duration_seconds > kRoleChainingMaxSeconds &&
      aws::is_role_chaining_limit_error(result.status())) {
    sts_request.duration_seconds = kRoleChainingMaxSeconds;
    issued.note = util::cat("roleSessionDuration ", request.duration_seconds,
                            "s exceeds the 1h limit of role chaining (the controller's own "
                            "credentials are a role session): sessions last 3600s");
    result = sts_.assume_role(sts_request, *caller, stop);
  }
  if (!result.ok()) return result.status();
  if (!result->credentials.expiration) {
    return util::internal_error("STS returned credentials without an expiration");
  }
  issued.credentials = RoleCredentials{.role_arn = request.role.str(),
                                       .access_key_id = result->credentials.access_key_id,
                                       .secret_access_key = result->credentials.secret_access_key,
                                       .session_token = result->credentials.session_token,
                                       .expiration = *result->credentials.expiration};
  return issued;
}

}  // namespace controller
