// Credentials from the environment, as every AWS SDK reads them:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (or the legacy
// AWS_SECURITY_TOKEN) and AWS_CREDENTIAL_EXPIRATION (RFC 3339).
//
// Thread-safe; reads the variables on every call through the injected lookup.
// Errors: kNotFound when AWS_ACCESS_KEY_ID is unset or empty; kInvalidArgument
// when the key id is set without a secret, or the expiration is not RFC 3339.
#pragma once

#include "pkg/aws/credentials_provider.h"

namespace aws {

class EnvironmentProvider final : public CredentialsProvider {
 public:
  explicit EnvironmentProvider(EnvLookup env) : env_(std::move(env)) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "environment"; }

 private:
  const EnvLookup env_;
};

}  // namespace aws
