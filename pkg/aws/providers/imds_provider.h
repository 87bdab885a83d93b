// The EC2 instance role's credentials from IMDSv2 (role name, then its
// credentials), unless AWS_EC2_METADATA_DISABLED=true. Wrap in CachingProvider.
//
// Thread-safe. Borrows its ImdsClient (which may serve others too). Errors: kNotFound when disabled
// or when no role is attached; else the ImdsClient's errors ("GET <path>: ...").
#pragma once

#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/providers/imds_client.h"

namespace aws {

class ImdsProvider final : public CredentialsProvider {
 public:
  // `disabled`: AWS_EC2_METADATA_DISABLED was "true" (see imds_disabled()).
  ImdsProvider(ImdsClient& client, bool disabled) : client_(client), disabled_(disabled) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "imds"; }

 private:
  ImdsClient& client_;
  const bool disabled_;
};

// AWS_EC2_METADATA_DISABLED is "true" (any case).
bool imds_disabled(const EnvLookup& env);

}  // namespace aws
