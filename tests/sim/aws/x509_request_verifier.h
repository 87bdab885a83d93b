// Authenticates a CreateSession request as IAM Roles Anywhere does: the
// Authorization header names AWS4-X509-RSA-SHA256 or AWS4-X509-ECDSA-SHA256
// (matching the key of the certificate sent), its credential is the
// certificate's serial number in decimal and its scope
// <date>/<region>/rolesanywhere/aws4_request; X-Amz-Date is within 5 minutes
// of the simulator's clock; host, x-amz-date and x-amz-x509 (and
// x-amz-x509-chain when sent) are signed; the signature verifies with the
// public key of the certificate in X-Amz-X509 over the string to sign
// recomputed with pkg/aws's SigV4 stages from the request as received; the
// certificate, with the intermediates of X-Amz-X509-Chain, chains to the
// trust anchor's CA bundle at the simulator's time (validity windows
// included); it is an end entity with the digitalSignature key usage.
//
// Thread-safety: thread-safe (no state but the clock). Time: the injected clock.
// Errors: AccessDeniedException (HTTP 403) with a message saying which check failed.
#pragma once

#include <string>
#include <variant>

#include "pkg/util/clock.h"
#include "tests/sim/aws/http_types.h"

namespace sim::aws {

// A Roles Anywhere error as the service renders it (x-amzn-ErrorType + {"message"}).
struct RolesAnywhereError {
  int http_status = 400;
  std::string code;  // "AccessDeniedException", "ValidationException", ...
  std::string message;

  static RolesAnywhereError access_denied(std::string message) {
    return {403, "AccessDeniedException", std::move(message)};
  }
  static RolesAnywhereError validation(std::string message) {
    return {400, "ValidationException", std::move(message)};
  }
};

// What a verified request tells about its certificate.
struct VerifiedCertificate {
  std::string serial;       // decimal
  std::string serial_hex;   // lowercase: the role session's name
  std::string common_name;  // the subject's CN: the session's source identity
  std::string region;       // of the credential scope
};

class X509RequestVerifier {
 public:
  static constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);

  explicit X509RequestVerifier(const util::Clock& clock) : clock_(clock) {}

  // `ca_bundle`: the trust anchor's CA certificates (PEM).
  std::variant<VerifiedCertificate, RolesAnywhereError> verify(const SimRequest& request,
                                                               std::string_view ca_bundle) const;

 private:
  const util::Clock& clock_;
};

}  // namespace sim::aws
