// Tries credential sources in order; the first that is configured wins (as the
// SDKs' default chains). Sources answering kNotFound are skipped; the first
// configured source's answer, success or error, is the chain's. Once a source
// has succeeded the chain sticks to it (as the Java SDK's
// reuseLastProviderEnabled), so a transient failure of the chosen source never
// silently switches identity.
//
// Thread-safe. Takes ownership of the sources. Errors explain each source
// tried: "no credentials: environment: AWS_ACCESS_KEY_ID not set; shared
// files: neither ... exists; imds: connect to 169.254.169.254:80 failed" with
// the code of the last configured source that failed, or kNotFound when none
// is configured.
#pragma once

#include <vector>

#include "pkg/aws/credentials_provider.h"
#include "pkg/util/mutex.h"

namespace aws {

class ChainProvider final : public CredentialsProvider {
 public:
  explicit ChainProvider(std::vector<CredentialsProviderPtr> sources);

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "chain"; }

  // Name of the source that answered last with credentials; "" before that.
  std::string chosen() const;

 private:
  const std::vector<CredentialsProviderPtr> sources_;
  mutable util::Mutex mu_;
  CredentialsProvider* chosen_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace aws
