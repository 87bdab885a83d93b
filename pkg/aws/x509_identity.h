// An X.509 identity as IAM Roles Anywhere takes it: the end-entity
// certificate, its optional chain of intermediates and the private key that
// signs for it, loaded from PEM and checked once, so that what is signed later
// can only fail for reasons outside the files (the service, the network).
//
// load() refuses, each with a message that says what to fix: unparsable PEM;
// an encrypted key; a key that does not belong to the certificate; a key type
// Roles Anywhere does not sign with (RSA of at least 2048 bits, ECDSA on
// P-256 or P-384 are accepted); a certificate outside its validity window at
// `now`; one without the digitalSignature key usage, or a CA certificate.
//
// Thread-safety: immutable after load(); sign() may run on any number of
// threads at once. Secrets: the key never leaves the object; messages name the
// certificate (subject, serial), never key material.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

struct evp_pkey_st;

namespace aws {

// SigV4-X509's algorithm names (sigv4_x509.h).
inline constexpr std::string_view kX509RsaAlgorithm = "AWS4-X509-RSA-SHA256";
inline constexpr std::string_view kX509EcdsaAlgorithm = "AWS4-X509-ECDSA-SHA256";

struct X509Pem {
  // The end-entity certificate first; blocks after it are intermediates (as
  // cert-manager writes tls.crt).
  std::string certificate;
  util::SecretString private_key;  // PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted
  std::string chain;               // "" or more intermediates, as a PEM bundle
};

class X509Identity {
 public:
  // kInvalidArgument for unusable files or a refused certificate;
  // kFailedPrecondition for a certificate that is expired or not yet valid.
  static util::StatusOr<std::shared_ptr<const X509Identity>> load(const X509Pem& pem,
                                                                  absl::Time now);
  ~X509Identity();
  X509Identity(const X509Identity&) = delete;
  X509Identity& operator=(const X509Identity&) = delete;

  // SigV4-X509's algorithm for this key.
  std::string_view algorithm() const;
  // The serial number in decimal: the credential of the Authorization header.
  const std::string& serial() const { return serial_; }
  // Base64 DER of the certificate (X-Amz-X509) and of the chain,
  // comma-separated (X-Amz-X509-Chain; "" without one).
  const std::string& certificate_base64() const { return certificate_base64_; }
  const std::string& chain_base64() const { return chain_base64_; }
  const std::string& subject() const { return subject_; }  // RFC 2253, for messages
  absl::Time not_before() const { return not_before_; }
  absl::Time not_after() const { return not_after_; }
  // "CN=app,O=example (serial 1234)"
  std::string describe() const;

  // Lowercase hex signature over SHA-256 of `data`: RSA PKCS#1 v1.5, or ECDSA
  // as a DER Ecdsa-Sig-Value. kInternal if OpenSSL fails.
  util::StatusOr<std::string> sign(std::string_view data) const;

 private:
  // EVP_PKEY_free, without OpenSSL's headers here (util::openssl::PkeyPtr needs them).
  struct KeyDeleter {
    void operator()(evp_pkey_st* key) const;
  };
  X509Identity() = default;

  std::unique_ptr<evp_pkey_st, KeyDeleter> key_;
  bool rsa_ = true;
  std::string serial_;
  std::string certificate_base64_;
  std::string chain_base64_;
  std::string subject_;
  absl::Time not_before_;
  absl::Time not_after_;
};

}  // namespace aws
