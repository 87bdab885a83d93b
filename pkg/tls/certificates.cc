#include "pkg/tls/certificates.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <array>

#include "pkg/tls/openssl_text.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"

namespace tls {
namespace {

using internal::bio_of;
using internal::time_of;

using util::openssl::BioPtr;
using util::openssl::PkeyPtr;
using util::openssl::X509Ptr;

// Clients a little behind the signer's clock still accept a new certificate.
constexpr absl::Duration kBackdate = absl::Hours(1);

util::Status openssl_error(std::string_view doing) {
  return util::internal_error(util::cat(doing, ": ", util::openssl::error_text("no reason given")));
}

std::string pem_of(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

util::SecretString key_pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  util::SecretString pem(std::string(data, static_cast<size_t>(size)));
  OPENSSL_cleanse(data, static_cast<size_t>(size));
  return pem;
}

std::string fingerprint_of(X509* certificate) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  X509_digest(certificate, EVP_sha256(), digest.data(), &size);
  return util::to_hex(digest.data(), size);
}

Certificate describe(X509* certificate) {
  return Certificate{.pem = pem_of(certificate),
                     .not_before = time_of(X509_get0_notBefore(certificate)),
                     .not_after = time_of(X509_get0_notAfter(certificate)),
                     .fingerprint = fingerprint_of(certificate)};
}

bool add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// A fresh P-256 certificate skeleton: version 3, a random serial, validity,
// subject CN and public key.
util::StatusOr<std::pair<X509Ptr, PkeyPtr>> skeleton(std::string_view common_name,
                                                     absl::Time not_before, absl::Time not_after) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("generating a P-256 key");
  X509Ptr certificate(X509_new());
  X509_set_version(certificate.get(), 2);
  std::array<unsigned char, 16> serial{};
  if (RAND_bytes(serial.data(), serial.size()) != 1) return openssl_error("a serial number");
  serial[0] &= 0x7f;  // positive
  BIGNUM* number = BN_bin2bn(serial.data(), serial.size(), nullptr);
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()));
  BN_free(number);
  ASN1_TIME_set(X509_getm_notBefore(certificate.get()), absl::ToTimeT(not_before));
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), absl::ToTimeT(not_after));
  X509_NAME* name = X509_get_subject_name(certificate.get());
  const std::string cn(common_name.substr(0, 64));  // the CN's length limit
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_pubkey(certificate.get(), key.get());
  return std::make_pair(std::move(certificate), std::move(key));
}

bool is_ip_address(const std::string& host) {
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(host.c_str());
  ERR_clear_error();
  if (ip == nullptr) return false;
  ASN1_OCTET_STRING_free(ip);
  return true;
}

bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '*';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

util::StatusOr<Issued> make_certificate_authority(std::string_view common_name, absl::Time now,
                                                  absl::Duration lifetime) {
  ASSIGN_OR_RETURN(auto made, skeleton(common_name, now - kBackdate, now + lifetime));
  auto& [certificate, key] = made;
  X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()));
  if (!add_extension(certificate.get(), certificate.get(), NID_basic_constraints,
                     "critical,CA:TRUE,pathlen:0") ||
      !add_extension(certificate.get(), certificate.get(), NID_key_usage,
                     "critical,keyCertSign,cRLSign") ||
      !add_extension(certificate.get(), certificate.get(), NID_subject_key_identifier, "hash")) {
    return openssl_error("the CA's extensions");
  }
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0) {
    return openssl_error("signing the CA");
  }
  return Issued{.certificate = describe(certificate.get()), .key_pem = key_pem_of(key.get())};
}

util::StatusOr<Issued> issue_serving_certificate(const Issued& ca,
                                                 std::span<const std::string> hosts, absl::Time now,
                                                 absl::Duration lifetime) {
  if (hosts.empty()) return util::invalid_argument_error("a serving certificate needs a host");
  std::string alt_names;
  for (const std::string& host : hosts) {
    if (is_ip_address(host)) {
      alt_names += util::cat(alt_names.empty() ? "" : ",", "IP:", host);
    } else if (is_dns_name(host)) {
      alt_names += util::cat(alt_names.empty() ? "" : ",", "DNS:", host);
    } else {
      return util::invalid_argument_error(
          util::cat("'", host, "' is neither a DNS name nor an IP address"));
    }
  }
  BioPtr ca_bio = bio_of(ca.certificate.pem);
  X509Ptr ca_certificate(PEM_read_bio_X509(ca_bio.get(), nullptr, nullptr, nullptr));
  BioPtr key_bio = bio_of(ca.key_pem.reveal());
  PkeyPtr ca_key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (!ca_certificate || !ca_key) {
    ERR_clear_error();
    return util::invalid_argument_error("the CA's certificate or key is not PEM");
  }
  const absl::Time not_after = std::min(now + lifetime, ca.certificate.not_after);
  ASSIGN_OR_RETURN(auto made, skeleton(hosts.front(), now - kBackdate, not_after));
  auto& [certificate, key] = made;
  X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_certificate.get()));
  if (!add_extension(certificate.get(), ca_certificate.get(), NID_basic_constraints,
                     "critical,CA:FALSE") ||
      !add_extension(certificate.get(), ca_certificate.get(), NID_key_usage,
                     "critical,digitalSignature") ||
      !add_extension(certificate.get(), ca_certificate.get(), NID_ext_key_usage, "serverAuth") ||
      !add_extension(certificate.get(), ca_certificate.get(), NID_authority_key_identifier,
                     "keyid:always") ||
      !add_extension(certificate.get(), ca_certificate.get(), NID_subject_alt_name, alt_names)) {
    return openssl_error("the serving certificate's extensions");
  }
  if (X509_sign(certificate.get(), ca_key.get(), EVP_sha256()) == 0) {
    return openssl_error("signing the serving certificate");
  }
  return Issued{.certificate = describe(certificate.get()), .key_pem = key_pem_of(key.get())};
}

util::StatusOr<std::vector<Certificate>> parse_certificates(std::string_view pem) {
  std::vector<Certificate> out;
  BioPtr bio = bio_of(pem);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    const X509Ptr owned(certificate);
    out.push_back(describe(certificate));
  }
  ERR_clear_error();  // the end of the text reads as an error
  if (out.empty()) return util::invalid_argument_error("no PEM certificate found");
  return out;
}

std::string bundle_pem(std::span<const Certificate> bundle) {
  std::string out;
  for (const Certificate& certificate : bundle)
    out += certificate.pem;
  return out;
}

}  // namespace tls
