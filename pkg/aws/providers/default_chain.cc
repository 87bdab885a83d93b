#include "pkg/aws/providers/default_chain.h"

#include "pkg/aws/providers/chain_provider.h"
#include "pkg/aws/providers/container_provider.h"
#include "pkg/aws/providers/environment_provider.h"
#include "pkg/aws/providers/imds_provider.h"
#include "pkg/aws/providers/shared_files_provider.h"
#include "pkg/aws/providers/web_identity_provider.h"

namespace aws {

util::StatusOr<CredentialsProviderPtr> default_chain(http::Transport& transport, util::Clock& clock,
                                                     StsClient& sts,
                                                     const DefaultChainOptions& options) {
  const EnvLookup& env = options.env;
  ImdsOptions imds_options = imds_options_from_env(env);
  imds_options.retry_delay = options.metadata_retry_delay;
  imds_options.stop = options.stop;
  ASSIGN_OR_RETURN(std::unique_ptr<ImdsClient> imds,
                   ImdsClient::create(transport, clock, std::move(imds_options)));
  std::vector<CredentialsProviderPtr> sources;
  sources.push_back(std::make_unique<EnvironmentProvider>(env));
  sources.push_back(std::make_unique<SharedFilesProvider>(
      SharedFilesOptions{.env = env, .process_timeout = options.process_timeout}));
  sources.push_back(std::make_unique<WebIdentityProvider>(env, sts));
  sources.push_back(std::make_unique<ContainerProvider>(
      transport, clock,
      ContainerOptions{
          .env = env, .retry_delay = options.metadata_retry_delay, .stop = options.stop}));
  sources.push_back(std::make_unique<ImdsProvider>(std::move(imds), imds_disabled(env)));
  return CredentialsProviderPtr(std::make_unique<CachingProvider>(
      std::make_unique<ChainProvider>(std::move(sources)), clock, options.caching));
}

}  // namespace aws
