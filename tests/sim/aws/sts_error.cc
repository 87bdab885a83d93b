#include "tests/sim/aws/sts_error.h"

#include "pkg/util/strings.h"
#include "tests/sim/aws/iam_names.h"

namespace sim::aws {
namespace {

StsError make(int status, std::string_view type, std::string_view code, std::string message) {
  StsError e;
  e.http_status = status;
  e.type = std::string(type);
  e.code = std::string(code);
  e.message = std::move(message);
  return e;
}

}  // namespace

StsError StsError::access_denied(std::string_view caller_arn, std::string_view role_arn,
                                 std::string_view action) {
  return make(403, "Sender", "AccessDenied",
              util::cat("User: ", caller_arn, " is not authorized to perform: ", action,
                        " on resource: ", role_arn));
}

StsError StsError::web_identity_access_denied() {
  return make(403, "Sender", "AccessDenied",
              "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

StsError StsError::validation(const std::vector<std::string>& failures) {
  std::string message = util::cat(failures.size(), " validation error",
                                  failures.size() == 1 ? "" : "s", " detected: ");
  std::vector<std::string> copy(failures.begin(), failures.end());
  message += util::join(copy, "; ");
  return make(400, "Sender", "ValidationError", std::move(message));
}

StsError StsError::validation_message(std::string message) {
  return make(400, "Sender", "ValidationError", std::move(message));
}

StsError StsError::duration_exceeds_role_max() {
  return validation_message(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

StsError StsError::duration_exceeds_chaining_limit() {
  return validation_message(
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
      "chaining.");
}

StsError StsError::invalid_client_token_id() {
  return make(403, "Sender", "InvalidClientTokenId",
              "The security token included in the request is invalid.");
}

StsError StsError::signature_does_not_match() {
  return signature_does_not_match(
      "The request signature we calculated does not match the signature you provided. Check your "
      "AWS Secret Access Key and signing method. Consult the service documentation for details.");
}

StsError StsError::signature_does_not_match(std::string message) {
  return make(403, "Sender", "SignatureDoesNotMatch", std::move(message));
}

StsError StsError::incomplete_signature(std::string message) {
  return make(403, "Sender", "IncompleteSignature", std::move(message));
}

StsError StsError::missing_authentication_token() {
  return make(403, "Sender", "MissingAuthenticationToken",
              "Request is missing Authentication Token");
}

StsError StsError::expired_token() {
  return make(400, "Sender", "ExpiredToken",
              "The security token included in the request is expired");
}

StsError StsError::throttling() {
  return make(400, "Sender", "Throttling", "Rate exceeded");
}

StsError StsError::region_disabled(std::string_view account) {
  return make(403, "Sender", "RegionDisabledException",
              util::cat("STS is not activated in this region for account:", account,
                        ". Your account administrator can activate STS in this region using the "
                        "IAM Console."));
}

StsError StsError::invalid_action(std::string_view action, std::string_view version) {
  return make(400, "Sender", "InvalidAction",
              util::cat("Could not find operation ", action, " for version ",
                        version.empty() ? std::string_view("NO_VERSION_SPECIFIED") : version));
}

StsError StsError::missing_action() {
  return make(400, "Sender", "MissingAction", "Missing Action");
}

StsError StsError::invalid_identity_token() {
  return make(400, "Sender", "InvalidIdentityToken",
              "The web identity token that was passed could not be validated by AWS. Get a new "
              "identity token from the identity provider and then retry the request.");
}

StsError StsError::malformed_policy_document() {
  return make(400, "Sender", "MalformedPolicyDocument",
              "The policy is not in the valid JSON format.");
}

StsError StsError::packed_policy_too_large(int percent) {
  return make(400, "Sender", "PackedPolicyTooLarge",
              util::cat("Packed policy consumes ", percent,
                        "% of allotted space, please use smaller policy."));
}

StsError StsError::internal_failure() {
  return make(500, "Receiver", "InternalFailure",
              "The request processing has failed because of an unknown error, exception or "
              "failure.");
}

StsError StsError::service_unavailable() {
  return make(503, "Receiver", "ServiceUnavailable",
              "The request has failed due to a temporary failure of the server.");
}

StsError StsError::from_code(std::string_view code, std::string_view caller_arn,
                             std::string_view role_arn) {
  if (code == "AccessDenied") return access_denied(caller_arn, role_arn);
  if (code == "Throttling") return throttling();
  if (code == "RegionDisabledException") return region_disabled(arn_account(role_arn));
  if (code == "InternalFailure") return internal_failure();
  if (code == "ServiceUnavailable") return service_unavailable();
  if (code == "ExpiredToken") return expired_token();
  if (code == "InvalidClientTokenId") return invalid_client_token_id();
  if (code == "ValidationError") {
    return validation_message(util::cat("Forced validation error for ", role_arn));
  }
  return make(400, "Sender", code, util::cat("Simulated ", code, " for ", role_arn));
}

}  // namespace sim::aws
