// IAM Roles for Service Accounts (IRSA): AWS_ROLE_ARN +
// AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME) exchanged for role
// credentials with STS AssumeRoleWithWebIdentity. The token file is re-read on
// every call (kubelet rotates the projected token). Wrap in CachingProvider.
//
// Thread-safe. Borrows the STS client, which must outlive it. Errors:
// kNotFound when neither variable is set; kInvalidArgument when only one is,
// or AWS_ROLE_ARN is not a role ARN; kFailedPrecondition when the token file
// cannot be read or is empty; else the StsClient's error. Never includes the token.
#pragma once

#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/sts_client.h"

namespace aws {

class WebIdentityProvider final : public CredentialsProvider {
 public:
  // Session name when AWS_ROLE_SESSION_NAME is unset.
  static constexpr std::string_view kDefaultSessionName = "kube-aws-iam-controller";

  WebIdentityProvider(EnvLookup env, StsClient& sts) : env_(std::move(env)), sts_(sts) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "web identity"; }

 private:
  const EnvLookup env_;
  StsClient& sts_;
};

}  // namespace aws
