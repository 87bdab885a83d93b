// A client of the STS Query API (form POST, Version 2011-06-15, SigV4 service
// "sts"): AssumeRole and GetCallerIdentity signed with caller credentials
// passed per call (the controller assumes every role through one client, as
// the base identity or the --assume-role intermediate), and the unsigned
// AssumeRoleWithWebIdentity. Its attempts are ApiCaller's (api_caller.h):
// paced by an adaptive rate limiter, retried with backoff, reported to an
// optional observer (for metrics).
//
// Thread-safe: any number of threads may call at once. Borrows the transport
// and the clock, which must outlive it. Time: signing reads clock.system_now();
// backoff and the rate limiter wait on the clock (FakeClock in tests).
// Errors: AWS errors as aws_error_status() ("AccessDenied: ... (request id
// ...)"; aws_error_code() gets the code back) with the mapping of aws_error.h;
// transport failures kUnavailable / kDeadlineExceeded ("STS AssumeRole: ...");
// malformed responses kInternal naming the HTTP status; kCancelled when `stop`
// is requested. No message holds a secret.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/aws/api_caller.h"
#include "pkg/aws/credentials.h"
#include "pkg/aws/sts_endpoint.h"
#include "pkg/aws/sts_types.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace aws {

struct StsClientOptions {
  StsEndpointOptions endpoint;
  ApiCallerOptions calls;                      // attempts, backoff, pacing, the observer
  absl::Duration timeout = absl::Seconds(10);  // per attempt
  std::string user_agent = "kube-aws-iam-controller";
};

class StsClient {
 public:
  // kInvalidArgument for a bad endpoint, attempts outside 1..10, a bad
  // backoff policy, burst < 1 or timeout <= 0.
  static util::StatusOr<std::unique_ptr<StsClient>> create(http::Transport& transport,
                                                           util::Clock& clock,
                                                           StsClientOptions options);

  util::StatusOr<AssumeRoleResult> assume_role(const AssumeRoleRequest& request,
                                               const Credentials& caller,
                                               const std::stop_token& stop = {});

  // Unsigned: the web identity token is the caller's identity.
  util::StatusOr<AssumeRoleWithWebIdentityResult> assume_role_with_web_identity(
      const AssumeRoleWithWebIdentityRequest& request, const std::stop_token& stop = {});

  util::StatusOr<CallerIdentity> get_caller_identity(const Credentials& caller,
                                                     const std::stop_token& stop = {});

  const StsEndpoint& endpoint() const { return endpoint_; }
  // The pacing of attempts, for metrics.
  const util::AdaptiveRateLimiter& rate_limiter() const { return caller_.rate_limiter(); }

 private:
  StsClient(http::Transport& transport, util::Clock& clock, StsClientOptions options,
            StsEndpoint endpoint);

  // Sends `form`, signed by `caller` when set; on a 2xx response runs
  // `on_success(body)`, whose error (a malformed body) ends the call.
  util::Status execute(std::string_view action, const std::string& form, const Credentials* caller,
                       const std::stop_token& stop,
                       const std::function<util::Status(std::string_view body)>& on_success);

  util::Clock& clock_;
  const StsClientOptions options_;
  const StsEndpoint endpoint_;
  ApiCaller caller_;
};

}  // namespace aws
