// The simulator's TLS server certificate: generated self-signed (ECDSA
// P-256, CA:TRUE, SAN IP 127.0.0.1 and DNS localhost unless told otherwise,
// valid one year around now) or loaded from PEM files; its PEM is what a kubeconfig's
// certificate-authority-data carries.
//
// Thread-safety: immutable after creation.
// Errors: kInvalidArgument / kInternal with OpenSSL's reason.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace sim::kube {

class TlsCertificate {
 public:
  // `subject_alt_names` in openssl's syntax ("IP:127.0.0.1,DNS:localhost").
  static util::StatusOr<TlsCertificate> generate_self_signed(
      absl::Time now, const std::string& subject_alt_names = "IP:127.0.0.1,DNS:localhost");
  static util::StatusOr<TlsCertificate> load(const std::string& cert_file,
                                             const std::string& key_file);

  X509* certificate() const { return cert_.get(); }
  EVP_PKEY* private_key() const { return key_.get(); }
  const std::string& certificate_pem() const { return cert_pem_; }

 private:
  struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
  };
  struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  std::shared_ptr<X509> cert_;
  std::shared_ptr<EVP_PKEY> key_;
  std::string cert_pem_;
};

}  // namespace sim::kube
