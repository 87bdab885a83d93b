#include "controller/loop/credential_source.h"

#include "pkg/aws/aws_error.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// `credentials` (with an expiration) as the Secret holds them for `request`'s role.
RoleCredentials role_credentials(const RoleRequest& request, const aws::Credentials& credentials) {
  return RoleCredentials{.role_arn = request.role.str(),
                         .access_key_id = credentials.access_key_id,
                         .secret_access_key = credentials.secret_access_key,
                         .session_token = credentials.session_token,
                         .expiration = *credentials.expiration};
}

}  // namespace

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
  issued.credentials = role_credentials(request, result->credentials);
  return issued;
}

util::StatusOr<IssuedCredentials> RolesAnywhereCredentialSource::issue(const RoleRequest& request,
                                                                       std::stop_token stop) {
  if (request.policy || !request.policy_arns.empty()) {
    return util::invalid_argument_error(
        "spec.policy and spec.policyARNs are not supported with --roles-anywhere-direct: "
        "CreateSession takes no session policy (set one on the Roles Anywhere profile)");
  }
  auto signer = identity_.identity();
  if (!signer.ok()) {
    return util::Status(
        signer.status().code(),
        util::cat("the controller's certificate is unusable: ", signer.status().message()));
  }
  const absl::Time asked_at = clock_.system_now();
  ASSIGN_OR_RETURN(aws::CreateSessionResult session,
                   client_.create_session({.trust_anchor_arn = trust_anchor_arn_,
                                           .profile_arn = profile_arn_,
                                           .role_arn = request.role.str(),
                                           .duration = absl::Seconds(request.duration_seconds)},
                                          **signer, stop));
  IssuedCredentials issued;
  const absl::Duration lasts = *session.credentials.expiration - asked_at;
  if (lasts < absl::Seconds(request.duration_seconds) - absl::Minutes(1)) {
    issued.note = util::cat("roleSessionDuration ", request.duration_seconds,
                            "s exceeds the Roles Anywhere profile's duration: sessions last about ",
                            absl::ToInt64Minutes(lasts + absl::Seconds(30)), " minutes");
  }
  issued.credentials = role_credentials(request, session.credentials);
  return issued;
}

}  // namespace controller
