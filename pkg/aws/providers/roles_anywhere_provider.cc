#include "pkg/aws/providers/roles_anywhere_provider.h"

namespace aws {

util::StatusOr<std::unique_ptr<RolesAnywhereProvider>> RolesAnywhereProvider::create(
    RolesAnywhereClient& client, X509IdentityFiles& files, RolesAnywhereProviderOptions options) {
  RETURN_IF_ERROR(
      parse_roles_anywhere_arn(options.trust_anchor_arn, RolesAnywhereResource::kTrustAnchor)
          .status());
  RETURN_IF_ERROR(
      parse_roles_anywhere_arn(options.profile_arn, RolesAnywhereResource::kProfile).status());
  RETURN_IF_ERROR(RoleArn::parse(options.role_arn).status());
  return std::unique_ptr<RolesAnywhereProvider>(
      new RolesAnywhereProvider(client, files, std::move(options)));
}

util::StatusOr<Credentials> RolesAnywhereProvider::credentials() {
  ASSIGN_OR_RETURN(const std::shared_ptr<const X509Identity> signer, files_.identity());
  ASSIGN_OR_RETURN(CreateSessionResult session,
                   client_.create_session({.trust_anchor_arn = options_.trust_anchor_arn,
                                           .profile_arn = options_.profile_arn,
                                           .role_arn = options_.role_arn,
                                           .duration = options_.session_duration},
                                          *signer, options_.stop));
  return std::move(session.credentials);
}

}  // namespace aws
