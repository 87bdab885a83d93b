// TLS settings of http::Http1Transport: whom to trust, how to authenticate,
// and their validation (files readable, PEM parses, key matches certificate).
//
// Every field is optional. Trust: ca_pem, else ca_file, else the system's CA
// store. Client certificate authentication: a certificate (pem or file) and
// its key (pem or file); the pem wins when both forms are given, as client-go
// does for kubeconfig's *-data fields.
#pragma once

#include <string>

#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace http {

struct TlsOptions {
  std::string ca_file;  // PEM bundle; replaces the system CAs
  std::string ca_pem;   // in memory (kubeconfig certificate-authority-data)
  std::string client_cert_file;
  std::string client_cert_pem;
  std::string client_key_file;
  util::SecretString client_key_pem;
  // Accept any server certificate. Only when the user asked for it
  // (insecure-skip-tls-verify); never combined with a CA.
  bool insecure_skip_verify = false;
  // Verify the server certificate against (and send as SNI) this name rather
  // than the URL's host (kubeconfig tls-server-name). The Host header keeps the
  // URL's host.
  std::string server_name;
};

// Checks the options once, at Http1Transport::create(), so a misconfiguration
// fails at startup and not at the first request. Errors: kInvalidArgument with
// what is wrong (file unreadable, no certificate in the PEM, key does not
// match the certificate, a certificate without key, CA with insecure); never
// includes key material.
util::Status validate_tls_options(const TlsOptions& options);

}  // namespace http
