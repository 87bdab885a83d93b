// Credentials from IAM Roles Anywhere: CreateSession for one role with the
// X.509 certificate, chain and private key in files, as a mounted Secret holds
// them (cert-manager's tls.crt, tls.key, ca.crt). Outside AWS this is the
// controller's own identity with nothing that lapses while the certificate is
// valid. The files are read again whenever they change (cert-manager rotates
// them in place); a pair that does not load (mid-rotation, a key that does not
// match its certificate) is never used: the last good identity signs while it
// is valid, and the failure is reported once it is not. Wrap it in a
// CachingProvider (default_chain does) for refreshes and single flight.
//
// Thread-safe. Borrows the client and the clock. Time: certificate validity
// against clock.system_now(). Errors: create() refuses files that do not make
// an identity (X509Identity::load's messages, prefixed with the file names),
// an ARN of the wrong type; credentials() the client's errors, or the files'
// once no valid identity is left. Never kNotFound: when configured, it is the
// source (a chain does not fall through to another).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/x509_identity.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace aws {

struct RolesAnywhereFiles {
  std::string certificate;  // PEM; the end-entity certificate first
  std::string private_key;  // PEM: PKCS#8, PKCS#1 RSA or SEC1 EC
  std::string chain;        // optional PEM bundle of intermediates
};

// What identity() found when the files had changed: the identity they make
// now, or why they do not make one (the previous identity then still signs).
struct RolesAnywhereFilesChange {
  std::shared_ptr<const X509Identity> loaded;  // null when rejected
  util::Status rejected;
};

struct RolesAnywhereProviderOptions {
  RolesAnywhereFiles files;
  std::string trust_anchor_arn;
  std::string profile_arn;
  std::string role_arn;
  std::optional<absl::Duration> session_duration;  // none: the profile's
  std::stop_token stop;                            // ends a call in flight
  // Optional: told of each change after the first load, under the provider's
  // lock (keep it short: a log line).
  std::function<void(const RolesAnywhereFilesChange&)> on_files_changed;
};

class RolesAnywhereProvider final : public CredentialsProvider {
 public:
  // Reads and checks the files and the ARNs now: the start-up refusal.
  static util::StatusOr<std::unique_ptr<RolesAnywhereProvider>> create(
      RolesAnywhereClient& client, util::Clock& clock, RolesAnywhereProviderOptions options);

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "roles anywhere"; }

  // The identity CreateSession would be signed with now: the files as they
  // are, when they changed and load, else the last good one while it is
  // valid. Also what metrics read (the certificate's validity).
  util::StatusOr<std::shared_ptr<const X509Identity>> identity();
  // The identity the files made when they last loaded, even if it has expired
  // since (what metrics show); never null after create().
  std::shared_ptr<const X509Identity> loaded() const;

 private:
  RolesAnywhereProvider(RolesAnywhereClient& client, util::Clock& clock,
                        RolesAnywhereProviderOptions options)
      : client_(client), clock_(clock), options_(std::move(options)) {}

  // The files' content, or an error naming the file that cannot be read.
  util::StatusOr<X509Pem> read_files() const;

  RolesAnywhereClient& client_;
  util::Clock& clock_;
  const RolesAnywhereProviderOptions options_;

  mutable util::Mutex mu_;
  std::shared_ptr<const X509Identity> identity_ ABSL_GUARDED_BY(mu_);
  X509Pem loaded_ ABSL_GUARDED_BY(mu_);         // the files identity_ came from
  util::Status rejected_ ABSL_GUARDED_BY(mu_);  // why the files as they are do not load
};

}  // namespace aws
