#include "controller/process/base_role_arn_discovery.h"

#include "pkg/util/strings.h"

namespace controller {
namespace {

util::StatusOr<DiscoveredBaseRoleArn> from_instance_profile(aws::ImdsClient& imds) {
  ASSIGN_OR_RETURN(const std::string profile, imds.instance_profile_arn());
  ASSIGN_OR_RETURN(aws::BaseRoleArn arn, aws::base_role_arn_from_instance_profile(profile));
  return DiscoveredBaseRoleArn{.arn = std::move(arn),
                               .source = util::cat("the instance profile ", profile)};
}

util::StatusOr<DiscoveredBaseRoleArn> from_caller_identity(const BaseRoleArnSources& sources,
                                                           const std::stop_token& stop) {
  ASSIGN_OR_RETURN(const aws::Credentials credentials, sources.credentials.credentials());
  ASSIGN_OR_RETURN(const aws::CallerIdentity identity,
                   sources.sts.get_caller_identity(credentials, stop));
  // An IAM user's or an STS assumed-role session's ARN: its account is the one.
  util::StatusOr<aws::Arn> caller = aws::Arn::parse(identity.arn);
  if (!caller.ok()) {
    return util::annotate(caller.status(),
                          util::cat("GetCallerIdentity answered ARN '", identity.arn, "'"));
  }
  ASSIGN_OR_RETURN(aws::BaseRoleArn arn, aws::BaseRoleArn::parse(util::cat(
                                             "arn:", aws::partition_name(caller->partition()),
                                             ":iam::", caller->account_id(), ":role/")));
  return DiscoveredBaseRoleArn{
      .arn = std::move(arn),
      .source = util::cat("the account of the controller's credentials, ", identity.arn)};
}

}  // namespace

util::StatusOr<DiscoveredBaseRoleArn> discover_base_role_arn(const BaseRoleArnSources& sources,
                                                             const std::stop_token& stop) {
  if (sources.flag) return DiscoveredBaseRoleArn{.arn = *sources.flag, .source = "--base-role-arn"};
  util::StatusOr<DiscoveredBaseRoleArn> found = from_instance_profile(sources.imds);
  if (found.ok()) return found;
  const std::string profile_reason = found.status().message();
  found = from_caller_identity(sources, stop);
  if (found.ok()) return found;
  return util::not_found_error(
      util::cat("no --base-role-arn and none discovered (instance profile: ", profile_reason,
                "; the controller's credentials: ", found.status().message(), ")"));
}

}  // namespace controller
