#include "tests/sim/kube/tls_certificate.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

util::Status openssl_error(std::string_view what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  return util::internal_error(util::cat(what, ": ", buf));
}

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

util::StatusOr<TlsCertificate> TlsCertificate::generate_self_signed(
    absl::Time now, const std::string& subject_alt_names) {
  TlsCertificate out;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return openssl_error("generating a P-256 key");
  out.key_.reset(key, KeyFree());
  X509* cert = X509_new();
  if (cert == nullptr) return openssl_error("X509_new");
  out.cert_.reset(cert, X509Free());
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(absl::ToUnixSeconds(now)));
  int64_t start = absl::ToUnixSeconds(now - absl::Hours(1));
  ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(start));
  ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(start + int64_t{366} * 24 * 3600));
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kube-sim"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("kube-sim"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (!add_extension(cert, NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign") ||
      !add_extension(cert, NID_ext_key_usage, "serverAuth") ||
      !add_extension(cert, NID_subject_alt_name, subject_alt_names.c_str())) {
    return openssl_error("adding certificate extensions");
  }
  if (X509_sign(cert, key, EVP_sha256()) == 0) return openssl_error("signing the certificate");
  out.cert_pem_ = to_pem(cert);
  return out;
}

util::StatusOr<TlsCertificate> TlsCertificate::load(const std::string& cert_file,
                                                    const std::string& key_file) {
  TlsCertificate out;
  auto open_bio = [](const std::string& path) {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(BIO_new_file(path.c_str(), "r"), &BIO_free);
  };
  auto cert_bio = open_bio(cert_file);
  if (cert_bio == nullptr)
    return util::invalid_argument_error(util::cat("cannot open ", cert_file));
  X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) return openssl_error(util::cat("reading ", cert_file));
  out.cert_.reset(cert, X509Free());
  auto key_bio = open_bio(key_file);
  if (key_bio == nullptr) return util::invalid_argument_error(util::cat("cannot open ", key_file));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return openssl_error(util::cat("reading ", key_file));
  out.key_.reset(key, KeyFree());
  out.cert_pem_ = to_pem(cert);
  return out;
}

}  // namespace sim::kube
