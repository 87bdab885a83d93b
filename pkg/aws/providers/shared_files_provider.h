// Credentials from the shared AWS files, as the SDKs read them:
// AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials, sections [name])
// and AWS_CONFIG_FILE (default ~/.aws/config, sections [profile name] and
// [default]), profile AWS_PROFILE (default "default"). A profile gives static
// keys (aws_access_key_id, aws_secret_access_key, aws_session_token) or a
// credential_process, run via /bin/sh -c, whose stdout is the JSON
// {"Version":1,"AccessKeyId","SecretAccessKey","SessionToken","Expiration"}.
// The credentials file wins over the config file for the same key, and static
// keys win over credential_process.
//
// This is how the controller bootstraps outside AWS:
// AWS_SHARED_CREDENTIALS_FILE=/meta/aws-iam/credentials.process whose profile
// runs `cat /meta/aws-iam/credentials.json`. Both files are re-read and the
// process re-run on every call (wrap in CachingProvider, which calls again
// before Expiration), so updates of a mounted Secret are picked up.
//
// Thread-safe. Errors: kNotFound when no file exists, or the default profile
// is absent or has neither keys nor a process; kFailedPrecondition when an
// explicit AWS_PROFILE is absent or a file cannot be read; kInvalidArgument for
// a key id without secret; for credential_process: kUnavailable when it exits
// non-zero (with its stderr, never its stdout), kInvalidArgument for bad JSON,
// missing fields or Version != 1, kDeadlineExceeded when it times out.
#pragma once

#include "absl/time/time.h"
#include "pkg/aws/credentials_provider.h"

namespace aws {

struct SharedFilesOptions {
  EnvLookup env;  // AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE, AWS_PROFILE, HOME
  absl::Duration process_timeout = absl::Minutes(1);
};

class SharedFilesProvider final : public CredentialsProvider {
 public:
  explicit SharedFilesProvider(SharedFilesOptions options) : options_(std::move(options)) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "shared files"; }

 private:
  const SharedFilesOptions options_;
};

// Parses credential_process output. Errors never quote `json`.
util::StatusOr<Credentials> parse_credential_process_output(std::string_view json);

}  // namespace aws
