// The SDKs' default credential chain, for the controller's base identity:
// IAM Roles Anywhere when configured (RolesAnywhereProvider; then it is the one
// source: configured, it never answers kNotFound), environment, shared files
// (static keys or credential_process), web identity (IRSA), container endpoint
// (ECS / EKS Pod Identity), IMDSv2 — the first configured source wins — behind
// one CachingProvider (refreshing 5 min early, single flight). Sources without
// an expiration (static keys) are read once.
//
// Thread-safe. Borrows transport, clock, STS client (for web identity) and the
// IMDS client (which base role ARN discovery shares: one session token), which
// must outlive the result. All other configuration comes from `env`.
#pragma once

#include <stop_token>

#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/providers/caching_provider.h"
#include "pkg/aws/providers/imds_client.h"
#include "pkg/aws/sts_client.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"

namespace aws {

struct DefaultChainOptions {
  EnvLookup env;
  CachingOptions caching;
  absl::Duration process_timeout = absl::Minutes(1);  // credential_process
  // Between retries of the container endpoint (waited on `clock`; IMDS has its
  // own in ImdsOptions).
  absl::Duration container_retry_delay = absl::Milliseconds(200);
  std::stop_token stop;  // ends those waits (the process's shutdown)
  // The first source: RolesAnywhereProvider, made from the --roles-anywhere-* flags.
  CredentialsProviderPtr roles_anywhere;
};

CredentialsProviderPtr default_chain(http::Transport& transport, util::Clock& clock, StsClient& sts,
                                     ImdsClient& imds, DefaultChainOptions options);

}  // namespace aws
