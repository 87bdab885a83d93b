// A client of the EC2 instance metadata service, IMDSv2 only: a session token
// from PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds), cached
// until shortly before its TTL ends, sent as X-aws-ec2-metadata-token on every
// GET. Gives the instance role's credentials and the instance profile ARN
// (for base role ARN discovery). No IMDSv1 fallback: a PUT that fails is an error.
//
// Thread-safe. Borrows the transport and clock. Time: token expiry on the
// monotonic clock; retries wait retry_delay on the clock. Errors: an HTTP error
// answer as pkg/http/http_status.h maps it, with the HTTP status in the detail
// (404 kNotFound, e.g. no role attached; 403 kPermissionDenied, token PUT
// refused or IMDS disabled for the instance; 401 kUnauthenticated when a fresh
// token is refused too; 429/5xx kUnavailable after the retries);
// kUnavailable for connection errors; kDeadlineExceeded for timeouts;
// kCancelled when `stop` ends a retry wait; kInternal for malformed JSON.
// Messages ("GET <path>: ...") never hold the token or credentials.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "absl/time/time.h"
#include "pkg/aws/credentials.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/secret_string.h"

namespace aws {

struct ImdsOptions {
  std::string endpoint = "http://169.254.169.254";  // no trailing '/'
  absl::Duration timeout = absl::Seconds(1);        // per attempt (the SDKs' default)
  int max_attempts = 3;
  absl::Duration retry_delay = absl::Milliseconds(200);  // between attempts; 0: none
  absl::Duration token_ttl = absl::Hours(6);             // 1 s .. 6 h
  std::stop_token stop;  // ends retry waits (the process's shutdown)
};

// AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the endpoint.
ImdsOptions imds_options_from_env(const EnvLookup& env);

class ImdsClient {
 public:
  static util::StatusOr<std::unique_ptr<ImdsClient>> create(http::Transport& transport,
                                                            util::Clock& clock,
                                                            ImdsOptions options = {});

  // The body of GET <endpoint><path> (path starts with '/').
  util::StatusOr<std::string> get(std::string_view path);

  // InstanceProfileArn from /latest/meta-data/iam/info.
  util::StatusOr<std::string> instance_profile_arn();
  // The first line of /latest/meta-data/iam/security-credentials/.
  util::StatusOr<std::string> role_name();
  // /latest/meta-data/iam/security-credentials/<role>: Code must be "Success".
  util::StatusOr<Credentials> role_credentials(std::string_view role);

  const ImdsOptions& options() const { return options_; }

 private:
  ImdsClient(http::Transport& transport, util::Clock& clock, ImdsOptions options)
      : transport_(transport), clock_(clock), options_(std::move(options)) {}

  // One request with retries of connection errors, timeouts and 5xx.
  util::StatusOr<http::Response> send(http::Request request);
  // The cached session token, fetched when missing or about to expire.
  util::StatusOr<util::SecretString> token();
  void forget_token(const util::SecretString& token);

  http::Transport& transport_;
  util::Clock& clock_;
  const ImdsOptions options_;

  util::Mutex token_mu_;  // held while fetching a token: one PUT at a time
  util::SecretString token_ ABSL_GUARDED_BY(token_mu_);
  util::MonotonicTime token_expiry_ ABSL_GUARDED_BY(token_mu_);
};

// Parses the JSON of /latest/meta-data/iam/security-credentials/<role> (also
// the container endpoint's: AccessKeyId, SecretAccessKey, Token, Expiration;
// Code when present must be "Success"). Errors never quote the JSON.
util::StatusOr<Credentials> parse_metadata_credentials(std::string_view json);

}  // namespace aws
