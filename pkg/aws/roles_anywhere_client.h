// A client of IAM Roles Anywhere's CreateSession (POST /sessions, JSON,
// signed with SigV4-X509 by the certificate's key: sigv4_x509.h): session
// credentials for a role, from an X.509 identity, for up to 12 hours. Its
// attempts are ApiCaller's (api_caller.h): paced by an adaptive rate limiter
// (CreateSession's quota is 10 requests/s per account and region; the limiter
// adapts to ThrottlingException), retried with backoff, reported to an
// optional observer as operation "CreateSession".
//
// The endpoint is the trust anchor's region's:
// https://rolesanywhere.<region>.<the partition's DNS suffix>, or an override
// (tests, proxies), signed for that region.
//
// Thread-safe: any number of calls at once. Borrows the transport and the
// clock. Time: signing reads clock.system_now(); backoff and the limiter wait
// on the clock. Errors: Roles Anywhere's (AccessDeniedException →
// kPermissionDenied, ValidationException → kInvalidArgument,
// ResourceNotFoundException → kNotFound, ThrottlingException → kUnavailable)
// as aws_error_status(); transport failures kUnavailable / kDeadlineExceeded;
// a malformed success kInternal; kCancelled when `stop` is requested. No
// message holds a secret.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "pkg/aws/api_caller.h"
#include "pkg/aws/arn.h"
#include "pkg/aws/credentials.h"
#include "pkg/aws/x509_identity.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace aws {

enum class RolesAnywhereResource { kTrustAnchor, kProfile };

// arn:<partition>:rolesanywhere:<region>:<account>:trust-anchor/<id> (or
// profile/<id>). kInvalidArgument saying what such an ARN looks like.
util::StatusOr<Arn> parse_roles_anywhere_arn(std::string_view text, RolesAnywhereResource kind);

struct RolesAnywhereEndpoint {
  std::string url;             // scheme://host[:port], no trailing '/'
  std::string signing_region;  // the trust anchor's region

  friend bool operator==(const RolesAnywhereEndpoint&, const RolesAnywhereEndpoint&) = default;
};

// kInvalidArgument for an override that is not an http(s) URL.
util::StatusOr<RolesAnywhereEndpoint> resolve_roles_anywhere_endpoint(
    const Arn& trust_anchor, std::string_view endpoint_override = "");

struct CreateSessionRequest {
  std::string trust_anchor_arn;
  std::string profile_arn;
  std::string role_arn;
  // 900..43200 s; none: the profile's (3600 unless it sets another).
  std::optional<absl::Duration> duration;
};

struct CreateSessionResult {
  Credentials credentials;       // expiration always set
  std::string assumed_role_arn;  // arn:aws:sts::<account>:assumed-role/<role>/<session>
  std::string source_identity;   // the certificate's CN, as Roles Anywhere sets it
  std::string subject_arn;       // the Roles Anywhere subject of the certificate
};

// The 201 body: credentialSet[0]. kInternal naming what is missing.
util::StatusOr<CreateSessionResult> parse_create_session_response(std::string_view json);

// The error of a REST-JSON answer: the code from the x-amzn-ErrorType header
// (or the body's "__type"), the body's "message", the x-amzn-RequestId
// header; nullopt when neither names a code.
std::optional<AwsError> parse_rest_json_error(const http::Response& response);

// CreateSession's default quota, requests per second per account and region
// (AWS's IAM Roles Anywhere quotas): where the client's pacing starts.
inline constexpr double kCreateSessionDefaultQuota = 10;

struct RolesAnywhereClientOptions {
  std::string trust_anchor_arn;   // names the region (and partition) of the endpoint
  std::string endpoint_override;  // "http://127.0.0.1:PORT"
  ApiCallerOptions calls{.published_qps = kCreateSessionDefaultQuota};
  absl::Duration timeout = absl::Seconds(10);  // per attempt
  std::string user_agent = "kube-aws-iam-controller";
};

class RolesAnywhereClient {
 public:
  // kInvalidArgument for a bad trust anchor ARN, override, caller options or timeout.
  static util::StatusOr<std::unique_ptr<RolesAnywhereClient>> create(
      http::Transport& transport, util::Clock& clock, RolesAnywhereClientOptions options);

  util::StatusOr<CreateSessionResult> create_session(const CreateSessionRequest& request,
                                                     const X509Identity& identity,
                                                     const std::stop_token& stop = {});

  const RolesAnywhereEndpoint& endpoint() const { return endpoint_; }
  const util::AdaptiveRateLimiter& rate_limiter() const { return caller_.rate_limiter(); }

 private:
  RolesAnywhereClient(http::Transport& transport, util::Clock& clock,
                      RolesAnywhereClientOptions options, RolesAnywhereEndpoint endpoint);

  util::Clock& clock_;
  const RolesAnywhereClientOptions options_;
  const RolesAnywhereEndpoint endpoint_;
  ApiCaller caller_;
};

}  // namespace aws
