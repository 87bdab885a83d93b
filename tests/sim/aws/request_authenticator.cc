#include "tests/sim/aws/request_authenticator.h"

#include "pkg/aws/sigv4.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/sigv4_verifier.h"

namespace sim::aws {
namespace {

// Verifies the signature itself: the one place that recomputes SigV4.
bool signature_matches(const SimRequest& request, const Authorization& auth,
                       std::string_view amz_date, const util::SecretString& secret) {
  auto recomputed = recompute_signature(signable_request(request), auth, amz_date, secret);
  // A declared signed header the request lacks cannot have been signed as sent.
  if (!recomputed.ok()) return false;
  return signatures_equal(recomputed->signature, auth.signature);
}

}  // namespace

::aws::sigv4::SignableRequest signable_request(const SimRequest& request) {
  ::aws::sigv4::SignableRequest signable;
  signable.method = request.method;
  signable.path = request.raw_path.empty() ? "/" : request.raw_path;
  signable.query = request.raw_query;
  signable.headers = request.headers;
  signable.payload_hash = ::aws::sigv4::hex_sha256(request.body);
  return signable;
}

std::variant<AuthenticatedCaller, StsError> RequestAuthenticator::authenticate(
    const SimRequest& request) const {
  const std::optional<std::string_view> header = request.header("Authorization");
  if (!header) return StsError::missing_authentication_token();
  auto auth = parse_authorization(*header);
  if (!auth.ok()) {
    return StsError::incomplete_signature(
        util::cat("Authorization header is malformed: ", auth.status().message()));
  }
  const std::optional<std::string_view> amz_date = request.header("X-Amz-Date");
  auto request_time = amz_date ? ::aws::sigv4::parse_amz_date(*amz_date)
                               : util::StatusOr<absl::Time>(util::invalid_argument_error(""));
  if (!request_time.ok()) {
    return StsError::incomplete_signature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }

  // Whose key is it?
  AuthenticatedCaller caller;
  caller.access_key_id = auth->access_key_id;
  caller.region = auth->region;
  util::SecretString secret;
  const std::optional<std::string_view> token = request.header("X-Amz-Security-Token");
  if (auto user = model_.find_user_key(auth->access_key_id)) {
    if (token) return StsError::invalid_client_token_id();  // long-term keys carry no token
    caller.principal = std::move(user->principal);
    secret = std::move(user->secret_access_key);
  } else if (auto session = store_.find(auth->access_key_id)) {
    if (!token || !secret_equal(*token, session->session_token.reveal())) {
      return StsError::invalid_client_token_id();
    }
    if (clock_.system_now() >= session->expiration) return StsError::expired_token();
    caller.principal = std::move(session->principal);
    secret = std::move(session->secret_access_key);
  } else {
    return StsError::invalid_client_token_id();
  }

  // The credential scope.
  if (auth->service != "sts") {
    return StsError::signature_does_not_match(
        "Credential should be scoped to correct service: 'sts'. ");
  }
  if (!model_.region_allowed(auth->region)) {
    return StsError::signature_does_not_match("Credential should be scoped to a valid region. ");
  }
  const std::string date_stamp(amz_date->substr(0, 8));
  if (auth->date_stamp != date_stamp) {
    return StsError::signature_does_not_match(util::cat(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '",
        auth->date_stamp, "' != '", date_stamp, "', from '", *amz_date, "'."));
  }
  bool host_signed = false;
  for (const std::string& name : auth->signed_headers)
    host_signed = host_signed || name == "host";
  if (!host_signed) {
    return StsError::signature_does_not_match(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // Freshness: AWS rejects signatures more than 15 minutes off its clock.
  const absl::Time now = clock_.system_now();
  const std::string now_text = ::aws::sigv4::format_amz_date(now);
  if (*request_time < now - kMaxClockSkew) {
    return StsError::signature_does_not_match(util::cat(
        "Signature expired: ", *amz_date, " is now earlier than ",
        ::aws::sigv4::format_amz_date(now - kMaxClockSkew), " (", now_text, " - 15 min.)"));
  }
  if (*request_time > now + kMaxClockSkew) {
    return StsError::signature_does_not_match(util::cat(
        "Signature not yet current: ", *amz_date, " is still later than ",
        ::aws::sigv4::format_amz_date(now + kMaxClockSkew), " (", now_text, " + 15 min.)"));
  }

  if (!signature_matches(request, *auth, *amz_date, secret)) {
    return StsError::signature_does_not_match();
  }
  return caller;
}

}  // namespace sim::aws
