// SigV4-X509, IAM Roles Anywhere's request signing: SigV4's canonical request
// and string to sign (sigv4.h, the one implementation), with the certificate's
// private key in place of the HMAC key chain. The algorithm is
// AWS4-X509-RSA-SHA256 (RSA PKCS#1 v1.5 over SHA-256 of the string to sign) or
// AWS4-X509-ECDSA-SHA256 (ECDSA, DER-encoded); X-Amz-X509 (base64 DER of the
// certificate) and, with a chain, X-Amz-X509-Chain (comma-separated) are added
// and signed; the Authorization header's credential is the certificate's
// serial number in decimal: "<serial>/<date>/<region>/rolesanywhere/aws4_request".
//
// Thread-safe: a pure function of the request, the identity and the time
// passed in. Errors: kInvalidArgument for an unusable request (sigv4.h);
// kInternal when OpenSSL cannot sign.
#pragma once

#include "absl/time/time.h"
#include "pkg/aws/sigv4.h"
#include "pkg/aws/x509_identity.h"

namespace aws::sigv4 {

inline constexpr std::string_view kRolesAnywhereService = "rolesanywhere";

util::StatusOr<SigningResult> sign_x509(const SignableRequest& request,
                                        const X509Identity& identity, absl::Time now,
                                        std::string_view region,
                                        std::string_view service = kRolesAnywhereService);

// signable_request() + sign_x509() + the headers set on `request`.
util::Status sign_request_x509(http::Request& request, const X509Identity& identity, absl::Time now,
                               std::string_view region);

}  // namespace aws::sigv4
