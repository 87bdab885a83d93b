// Credentials from the ECS task / EKS Pod Identity endpoint:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, which must point at a loopback address
// or the ECS (169.254.170.2) / EKS (169.254.170.23, fd00:ec2::23) agents, as
// the SDKs require. The Authorization header comes from
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (re-read on every call) or
// AWS_CONTAINER_AUTHORIZATION_TOKEN. Wrap in CachingProvider.
//
// Thread-safe. Borrows the transport and clock (retries wait retry_delay on it).
// Errors: kNotFound when neither URI variable is set; kInvalidArgument for a
// disallowed host or a malformed URI or token; kFailedPrecondition when the
// token file cannot be read; an HTTP error answer as pkg/http/http_status.h
// maps it (401 kUnauthenticated, 403 kPermissionDenied, 429/5xx kUnavailable
// after the retries, ...) with the HTTP status in the detail; kUnavailable /
// kDeadlineExceeded for connection failures and timeouts; kCancelled when
// `stop` ends a retry wait; kInternal for a malformed answer. Never includes
// the token or credentials.
#pragma once

#include <stop_token>

#include "absl/time/time.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"

namespace aws {

struct ContainerOptions {
  EnvLookup env;
  absl::Duration timeout = absl::Seconds(2);  // per attempt
  int max_attempts = 3;
  absl::Duration retry_delay = absl::Milliseconds(200);  // 0: retry at once
  std::stop_token stop;  // ends retry waits (the process's shutdown)
};

class ContainerProvider final : public CredentialsProvider {
 public:
  ContainerProvider(http::Transport& transport, util::Clock& clock, ContainerOptions options)
      : transport_(transport), clock_(clock), options_(std::move(options)) {}

  util::StatusOr<Credentials> credentials() override;
  std::string_view name() const override { return "container"; }

 private:
  http::Transport& transport_;
  util::Clock& clock_;
  const ContainerOptions options_;
};

// The host of an http(s) URL ("[::1]" → "::1"), lowercased; "" when malformed.
std::string url_host(std::string_view url);

// True for hosts FULL_URI may name: localhost, 127.0.0.0/8, ::1,
// 169.254.170.2, 169.254.170.23, fd00:ec2::23.
bool container_host_allowed(std::string_view host);

}  // namespace aws
