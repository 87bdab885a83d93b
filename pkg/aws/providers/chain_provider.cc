#include "pkg/aws/providers/chain_provider.h"

#include "pkg/util/strings.h"

namespace aws {

ChainProvider::ChainProvider(std::vector<CredentialsProviderPtr> sources)
    : sources_(std::move(sources)) {}

std::string ChainProvider::chosen() const {
  util::MutexLock lock(mu_);
  return chosen_ == nullptr ? "" : std::string(chosen_->name());
}

util::StatusOr<Credentials> ChainProvider::credentials() {
  CredentialsProvider* chosen = nullptr;
  {
    util::MutexLock lock(mu_);
    chosen = chosen_;
  }
  if (chosen != nullptr) {
    util::StatusOr<Credentials> result = chosen->credentials();
    if (result.ok()) return result;
    return util::annotate(result.status(), chosen->name());
  }
  std::string tried;
  for (const CredentialsProviderPtr& source : sources_) {
    util::StatusOr<Credentials> result = source->credentials();
    if (result.ok()) {
      util::MutexLock lock(mu_);
      chosen_ = source.get();
      return result;
    }
    if (!tried.empty()) tried.append("; ");
    tried.append(util::cat(source->name(), ": ", result.status().message()));
    if (result.status().code() != util::StatusCode::kNotFound) {
      return util::Status(result.status().code(), util::cat("no credentials: ", tried));
    }
  }
  if (sources_.empty()) tried = "no sources configured";
  return util::not_found_error(util::cat("no credentials: ", tried));
}

}  // namespace aws
