// Credentials from IAM Roles Anywhere: CreateSession for one role, signed with
// the X.509 identity in files (X509IdentityFiles: re-read when they change; a
// pair that does not load never signs). Outside AWS this is the controller's
// own identity with nothing that lapses while the certificate is valid. Wrap
// it in a CachingProvider (default_chain does) for refreshes and single flight.
//
// Thread-safe. Borrows the client and the files. Errors: create() refuses an
// ARN of the wrong type; credentials() the files' errors (an expired
// certificate is not sent) or the client's. Never kNotFound: when configured,
// it is the source (a chain does not fall through to another).
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/x509_identity_files.h"

namespace aws {

struct RolesAnywhereProviderOptions {
  std::string trust_anchor_arn;
  std::string profile_arn;
  std::string role_arn;
  std::optional<absl::Duration> session_duration;  // none: the profile's
  std::stop_token stop;                            // ends a call in flight
};

class RolesAnywhereProvider final : public CredentialsProvider {
 public:
  static util::StatusOr<std::unique_ptr<RolesAnywhereProvider>> create(
      RolesAnywhereClient& client, X509IdentityFiles& files, RolesAnywhereProviderOptions options);

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "roles anywhere"; }

 private:
  RolesAnywhereProvider(RolesAnywhereClient& client, X509IdentityFiles& files,
                        RolesAnywhereProviderOptions options)
      : client_(client), files_(files), options_(std::move(options)) {}

  RolesAnywhereClient& client_;
  X509IdentityFiles& files_;
  const RolesAnywhereProviderOptions options_;
};

}  // namespace aws
