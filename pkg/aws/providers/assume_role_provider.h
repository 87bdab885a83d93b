// The credentials of an assumed role, fetched from STS AssumeRole with the
// credentials of a source provider: the controller's --assume-role
// intermediate, whose own credentials must be refreshed too. Wrap it in a
// CachingProvider; each call here is one STS call.
//
// Thread-safe. Borrows the source and the STS client, which must outlive it.
// Errors: the source's error prefixed "<source name>: " (the caller's identity
// is missing), or the StsClient's error unchanged (aws_error_code() works).
#pragma once

#include <optional>
#include <string>

#include "pkg/aws/arn.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/sts_client.h"

namespace aws {

struct AssumeRoleOptions {
  RoleArn role;
  std::string session_name;             // default: role_session_name(role)
  std::optional<int> duration_seconds;  // STS default (3600) when unset
  std::optional<std::string> external_id;
};

class AssumeRoleProvider final : public CredentialsProvider {
 public:
  AssumeRoleProvider(CredentialsProvider& source, StsClient& sts, AssumeRoleOptions options);

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return name_; }

 private:
  CredentialsProvider& source_;
  StsClient& sts_;
  const AssumeRoleOptions options_;
  const std::string name_;  // "assume-role arn:aws:iam::...:role/x"
};

}  // namespace aws
