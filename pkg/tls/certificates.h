// A certificate authority of the process's own and the serving certificates
// it signs (ECDSA P-256, SHA-256), for TLS endpoints whose clients are told
// which CA to trust (an admission webhook's caBundle). Certificates travel
// as PEM; their keys as SecretStrings.
//
// Thread-safety: pure functions. Time: the caller's `now`.
// Errors: kInvalidArgument for PEM that holds no certificate or no key, or
// a host that is neither a DNS name nor an IP address; kInternal with
// OpenSSL's reason when generating or signing fails.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace tls {

// One certificate, as PEM, with what decisions about it read.
struct Certificate {
  std::string pem;
  absl::Time not_before;
  absl::Time not_after;
  std::string fingerprint;  // SHA-256 of the DER, lower-case hex: the identity

  bool valid_at(absl::Time t) const { return not_before <= t && t < not_after; }
};

// A certificate and its private key.
struct Issued {
  Certificate certificate;
  util::SecretString key_pem;  // PKCS#8 PEM
};

// A self-signed CA (CA:TRUE, keyCertSign) valid from an hour before `now`
// (clock skew) to `now + lifetime`.
util::StatusOr<Issued> make_certificate_authority(std::string_view common_name, absl::Time now,
                                                  absl::Duration lifetime);

// A serving certificate (serverAuth) for `hosts` (DNS names or IP
// addresses: its subjectAltNames; the first is its common name), signed by
// `ca`, valid from an hour before `now` to `now + lifetime` but never past
// the CA's own end.
util::StatusOr<Issued> issue_serving_certificate(const Issued& ca,
                                                 std::span<const std::string> hosts, absl::Time now,
                                                 absl::Duration lifetime);

// Every certificate of a PEM bundle, in order (none: kInvalidArgument).
util::StatusOr<std::vector<Certificate>> parse_certificates(std::string_view pem);

// The certificates of `bundle` in PEM, concatenated.
std::string bundle_pem(std::span<const Certificate> bundle);

}  // namespace tls
