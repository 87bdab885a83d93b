// The system's trusted CA certificates: where they are, and a lookup that
// reads them on demand, so a TLS context that verifies with them parses the
// one or two a handshake needs rather than all ~140 of a distribution's
// bundle (~1.5 MB parsed; the index kept instead is the DER, ~0.2 MB, once
// per process).
//
// Where, in order: SSL_CERT_FILE and SSL_CERT_DIR when set (as OpenSSL reads
// them); else OpenSSL's own default file and directory (its build's
// OPENSSLDIR) when they exist; else the first that exists of the paths Go's
// crypto/x509 looks at. The last is what an image holding only
// /etc/ssl/certs/ca-certificates.crt (ours, and the Go original's) relies on:
// Debian's OpenSSL looks in /usr/lib/ssl, which such an image does not have.
//
// Thread-safety: find_system_roots() reads the environment (call it at
// startup); the lookup serves concurrent handshakes.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "pkg/http/environment.h"
#include "pkg/util/status.h"

struct x509_store_st;

namespace http {

struct SystemRoots {
  std::string file;  // a PEM bundle; "" when none was found
  std::string dir;   // a hashed directory (c_rehash); "" when none was found
  bool empty() const { return file.empty() && dir.empty(); }
  friend bool operator==(const SystemRoots&, const SystemRoots&) = default;
};

using PathExists = std::function<bool(const std::string& path)>;

SystemRoots find_system_roots(const Getenv& getenv, const PathExists& exists);
// From this process's environment and file system.
SystemRoots find_system_roots();

// "/etc/ssl/certs/ca-certificates.crt (on demand), /etc/ssl/certs", or
// "none found": for a startup log line.
std::string describe(const SystemRoots& roots);

// Makes `store` trust `roots`: the bundle through a lookup that parses a
// certificate only when a verification asks for an issuer with its subject
// (the bundle itself is read once per process and path), the directory
// through OpenSSL's hashed-directory lookup (on demand too). Errors:
// kInvalidArgument when the bundle cannot be read or holds no certificate.
util::Status trust_on_demand(x509_store_st* store, const SystemRoots& roots);

}  // namespace http
