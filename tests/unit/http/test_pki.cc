#include "tests/unit/http/test_pki.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "pkg/util/openssl_ptr.h"

namespace http::test {
namespace {

using KeyPtr = util::openssl::PkeyPtr;
using CertPtr = util::openssl::X509Ptr;

void check(bool ok, const char* what) {
  if (ok) return;
  std::cerr << "test PKI: " << what << " failed\n";
  std::abort();
}

KeyPtr make_key() {
  KeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, extension, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(extension);
}

enum class Kind { kCa, kServer, kClient };

// A certificate for `key`, signed by `issuer` (self-signed when null).
CertPtr make_cert(EVP_PKEY* key, const char* common_name, Kind kind, X509* issuer,
                  EVP_PKEY* issuer_key) {
  static long serial = 1;  // NOLINT(google-runtime-int): OpenSSL's type
  CertPtr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  switch (kind) {
    case Kind::kCa:
      add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
      add_extension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case Kind::kServer:
      add_extension(cert.get(), &ctx, NID_basic_constraints, "CA:FALSE");
      add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
      add_extension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
      add_extension(cert.get(), &ctx, NID_subject_alt_name,
                    "IP:127.0.0.1,DNS:localhost,DNS:apiserver.test");
      break;
    case Kind::kClient:
      add_extension(cert.get(), &ctx, NID_basic_constraints, "CA:FALSE");
      add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
      add_extension(cert.get(), &ctx, NID_ext_key_usage, "clientAuth");
      break;
  }
  if (issuer != nullptr) {
    add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  }
  check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
        "X509_sign");
  return cert;
}

std::string read_bio(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(length));
}

std::string cert_pem(X509* cert) {
  util::openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return read_bio(bio.get());
}

std::string key_pem(EVP_PKEY* key) {
  util::openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return read_bio(bio.get());
}

std::string write(const std::string& dir, const char* name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << text;
  check(static_cast<bool>(out), "writing a PEM file");
  return path;
}

}  // namespace

TestPki::TestPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kaic-http-pki-XXXXXX").string();
  check(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir = pattern;

  KeyPtr ca_key = make_key();
  CertPtr ca = make_cert(ca_key.get(), "kaic test CA", Kind::kCa, nullptr, nullptr);
  KeyPtr server_key = make_key();
  CertPtr server = make_cert(server_key.get(), "127.0.0.1", Kind::kServer, ca.get(), ca_key.get());
  KeyPtr client_key = make_key();
  CertPtr client =
      make_cert(client_key.get(), "system:kaic", Kind::kClient, ca.get(), ca_key.get());
  KeyPtr rogue_ca_key = make_key();
  CertPtr rogue_ca = make_cert(rogue_ca_key.get(), "rogue CA", Kind::kCa, nullptr, nullptr);
  KeyPtr rogue_key = make_key();
  CertPtr rogue =
      make_cert(rogue_key.get(), "system:kaic", Kind::kClient, rogue_ca.get(), rogue_ca_key.get());

  ca_pem = cert_pem(ca.get());
  ca_file = write(dir, "ca.crt", ca_pem);
  server_cert_file = write(dir, "server.crt", cert_pem(server.get()));
  server_key_file = write(dir, "server.key", key_pem(server_key.get()));
  client_cert_pem = cert_pem(client.get());
  client_key_pem = key_pem(client_key.get());
  client_cert_file = write(dir, "client.crt", client_cert_pem);
  client_key_file = write(dir, "client.key", client_key_pem);
  rogue_client_cert_pem = cert_pem(rogue.get());
  rogue_client_key_pem = key_pem(rogue_key.get());
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace http::test
