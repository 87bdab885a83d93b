#include "pkg/aws/providers/assume_role_provider.h"

#include "pkg/util/strings.h"

namespace aws {

AssumeRoleProvider::AssumeRoleProvider(CredentialsProvider& source, StsClient& sts,
                                       AssumeRoleOptions options)
    : source_(source),
      sts_(sts),
      options_(std::move(options)),
      name_(util::cat("assume-role ", options_.role.str())) {}

util::StatusOr<Credentials> AssumeRoleProvider::credentials() {
  util::StatusOr<Credentials> caller = source_.credentials();
  if (!caller.ok()) return util::annotate(caller.status(), source_.name());
  AssumeRoleRequest request;
  request.role_arn = options_.role.str();
  request.role_session_name =
      options_.session_name.empty() ? role_session_name(options_.role) : options_.session_name;
  request.duration_seconds = options_.duration_seconds;
  request.external_id = options_.external_id;
  util::StatusOr<AssumeRoleResult> result = sts_.assume_role(request, *caller);
  if (!result.ok()) return result.status();
  return std::move(result->credentials);
}

}  // namespace aws
