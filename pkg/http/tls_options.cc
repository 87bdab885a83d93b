#include "pkg/http/tls_options.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"

namespace http {
namespace {

using util::openssl::BioPtr;
using util::openssl::PkeyPtr;
using util::openssl::X509Ptr;

// A PEM source and its name for messages ("ca_file /x/ca.crt", "ca_pem").
struct Pem {
  std::string what;
  std::string text;
};

util::StatusOr<Pem> load(const std::string& pem, std::string_view pem_name, const std::string& file,
                         std::string_view file_name) {
  if (!pem.empty()) return Pem{std::string(pem_name), pem};
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    return util::invalid_argument_error(util::cat(file_name, " ", file, ": cannot be read"));
  }
  return Pem{util::cat(file_name, " ", file), std::move(text).str()};
}

BioPtr bio_of(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

util::StatusOr<X509Ptr> first_certificate(const Pem& pem) {
  BioPtr bio = bio_of(pem.text);
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  if (!cert) {
    return util::invalid_argument_error(util::cat(pem.what, ": no PEM certificate found"));
  }
  return cert;
}

util::Status check_ca(const TlsOptions& options) {
  if (options.ca_pem.empty() && options.ca_file.empty()) return util::Status();
  if (options.insecure_skip_verify) {
    return util::invalid_argument_error(
        "a CA and insecure_skip_verify cannot be combined: pick one");
  }
  ASSIGN_OR_RETURN(Pem pem, load(options.ca_pem, "ca_pem", options.ca_file, "ca_file"));
  return first_certificate(pem).status();
}

util::Status check_client_certificate(const TlsOptions& options) {
  const bool has_cert = !options.client_cert_pem.empty() || !options.client_cert_file.empty();
  const bool has_key = !options.client_key_pem.empty() || !options.client_key_file.empty();
  if (!has_cert && !has_key) return util::Status();
  if (has_cert != has_key) {
    return util::invalid_argument_error(has_cert ? "a client certificate needs a client key"
                                                 : "a client key needs a client certificate");
  }
  ASSIGN_OR_RETURN(Pem cert_pem, load(options.client_cert_pem, "client_cert_pem",
                                      options.client_cert_file, "client_cert_file"));
  ASSIGN_OR_RETURN(X509Ptr cert, first_certificate(cert_pem));

  // The key text is secret: it stays in this scope and never reaches a message.
  const std::string key_what = options.client_key_pem.empty()
                                   ? util::cat("client_key_file ", options.client_key_file)
                                   : std::string("client_key_pem");
  PkeyPtr key;
  if (!options.client_key_pem.empty()) {
    BioPtr bio = bio_of(options.client_key_pem.reveal());
    key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  } else {
    ASSIGN_OR_RETURN(Pem file, load("", "", options.client_key_file, "client_key_file"));
    util::SecretString text(std::move(file.text));
    BioPtr bio = bio_of(text.reveal());
    key.reset(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  }
  ERR_clear_error();
  if (!key) {
    return util::invalid_argument_error(
        util::cat(key_what, ": no unencrypted PEM private key found"));
  }
  const bool matches = X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return util::invalid_argument_error(
        util::cat(key_what, " does not match the certificate in ", cert_pem.what));
  }
  return util::Status();
}

}  // namespace

util::Status validate_tls_options(const TlsOptions& options) {
  RETURN_IF_ERROR(check_ca(options));
  RETURN_IF_ERROR(check_client_certificate(options));
  for (const char c : options.server_name) {
    if (c == ':' || c == '/' || c == '@' || c == '[' || c == ']' ||
        static_cast<unsigned char>(c) <= ' ') {
      return util::invalid_argument_error(
          util::cat("server_name \"", options.server_name, "\" is not a host name"));
    }
  }
  return util::Status();
}

}  // namespace http
