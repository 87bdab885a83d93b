// The seam between whoever needs AWS credentials and wherever they come from
// (environment, shared files + credential_process, web identity, container
// endpoint, IMDS, an assumed role), composed as decorators: ChainProvider,
// CachingProvider, AssumeRoleProvider (as aws-c-auth's providers).
//
// Implementations are thread-safe. Errors: kNotFound means "this source is not
// configured" (a chain then tries the next source); any other code means the
// source is configured and failed, with a message saying why and never holding
// a secret value.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pkg/aws/credentials.h"
#include "pkg/util/status.h"

namespace aws {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;

  // Credentials now: fetched, read or cached, depending on the provider.
  virtual util::StatusOr<Credentials> credentials() = 0;

  // Short name for messages: "environment", "shared files", "imds", ...
  virtual std::string_view name() const = 0;
};

using CredentialsProviderPtr = std::unique_ptr<CredentialsProvider>;

// Reads an environment variable; nullopt when unset. Injected so tests never
// touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv). Only main() and default wiring should use it.
EnvLookup process_env();

// A fixed environment, for tests and embedding.
EnvLookup fixed_env(std::unordered_map<std::string, std::string> values);

}  // namespace aws
