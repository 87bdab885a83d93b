#include "pkg/aws/providers/default_chain.h"

#include "pkg/aws/providers/chain_provider.h"
#include "pkg/aws/providers/container_provider.h"
#include "pkg/aws/providers/environment_provider.h"
#include "pkg/aws/providers/imds_provider.h"
#include "pkg/aws/providers/shared_files_provider.h"
#include "pkg/aws/providers/web_identity_provider.h"

namespace aws {

CredentialsProviderPtr default_chain(http::Transport& transport, util::Clock& clock, StsClient& sts,
                                     ImdsClient& imds, DefaultChainOptions options) {
  const EnvLookup& env = options.env;
  std::vector<CredentialsProviderPtr> sources;
  if (options.roles_anywhere) sources.push_back(std::move(options.roles_anywhere));
  sources.push_back(std::make_unique<EnvironmentProvider>(env));
  sources.push_back(std::make_unique<SharedFilesProvider>(
      SharedFilesOptions{.env = env, .process_timeout = options.process_timeout}));
  sources.push_back(std::make_unique<WebIdentityProvider>(env, sts));
  sources.push_back(std::make_unique<ContainerProvider>(
      transport, clock,
      ContainerOptions{
          .env = env, .retry_delay = options.container_retry_delay, .stop = options.stop}));
  sources.push_back(std::make_unique<ImdsProvider>(imds, imds_disabled(env)));
  return std::make_unique<CachingProvider>(std::make_unique<ChainProvider>(std::move(sources)),
                                           clock, options.caching);
}

}  // namespace aws
