// An STS error reply: HTTP status, fault type, code and message, with one
// factory per error the simulator gives, each worded exactly as STS words it.
// Rendered as <ErrorResponse> by sts_xml.h.
//
// Thread-safety: plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sim::aws {

struct StsError {
  int http_status = 400;
  std::string type = "Sender";  // "Sender" (client fault) or "Receiver" (server fault)
  std::string code;
  std::string message;

  // 403 AccessDenied "User: <caller> is not authorized to perform: <action> on resource: <role>".
  static StsError access_denied(std::string_view caller_arn, std::string_view role_arn,
                                std::string_view action = "sts:AssumeRole");
  // 403 AccessDenied "Not authorized to perform sts:AssumeRoleWithWebIdentity".
  static StsError web_identity_access_denied();
  // 400 ValidationError "N validation error(s) detected: <failure>; <failure>".
  static StsError validation(const std::vector<std::string>& failures);
  // 400 ValidationError with a free-form message ("<arn> is invalid", duration limits).
  static StsError validation_message(std::string message);
  static StsError duration_exceeds_role_max();
  static StsError duration_exceeds_chaining_limit();
  // 403 InvalidClientTokenId.
  static StsError invalid_client_token_id();
  // 403 SignatureDoesNotMatch with the standard message, or a specific one
  // (expired signature, wrong scope).
  static StsError signature_does_not_match();
  static StsError signature_does_not_match(std::string message);
  // 403 IncompleteSignature (malformed Authorization header, no date).
  static StsError incomplete_signature(std::string message);
  // 403 MissingAuthenticationToken: no Authorization header at all.
  static StsError missing_authentication_token();
  // 400 ExpiredToken.
  static StsError expired_token();
  // 400 Throttling "Rate exceeded".
  static StsError throttling();
  // 403 RegionDisabledException for `account` in the requested region.
  static StsError region_disabled(std::string_view account);
  // 400 InvalidAction for an unknown Action or Version.
  static StsError invalid_action(std::string_view action, std::string_view version);
  // 400 MissingAction.
  static StsError missing_action();
  // 400 InvalidIdentityToken.
  static StsError invalid_identity_token();
  // 400 MalformedPolicyDocument / PackedPolicyTooLarge.
  static StsError malformed_policy_document();
  static StsError packed_policy_too_large(int percent);
  // 500 InternalFailure / 503 ServiceUnavailable (Receiver faults).
  static StsError internal_failure();
  static StsError service_unavailable();
  // The error a per-role fault names by code (AccessDenied, Throttling,
  // ValidationError, RegionDisabledException, InternalFailure,
  // ServiceUnavailable, ExpiredToken, InvalidClientTokenId); an unknown code
  // becomes a 400 Sender error with that code.
  static StsError from_code(std::string_view code, std::string_view caller_arn,
                            std::string_view role_arn);
};

}  // namespace sim::aws
