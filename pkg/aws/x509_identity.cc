#include "pkg/aws/x509_identity.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "pkg/aws/sigv4.h"
#include "pkg/util/base64.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

using util::openssl::BioPtr;
using util::openssl::PkeyPtr;
using util::openssl::X509Ptr;

constexpr int kMinRsaBits = 2048;

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Never prompts: an encrypted key fails to load instead.
int no_password(char*, int, int, void*) {
  return -1;
}

// Every PEM CERTIFICATE block of `text`, in order; kInvalidArgument naming a
// block of another kind (a key in the chain file, say).
util::StatusOr<std::vector<X509Ptr>> read_certificates(std::string_view text,
                                                       std::string_view what) {
  std::vector<X509Ptr> out;
  constexpr std::string_view kBegin = "-----BEGIN ";
  for (size_t at = text.find(kBegin); at != std::string_view::npos;
       at = text.find(kBegin, at + 1)) {
    const std::string_view label = text.substr(at + kBegin.size());
    const std::string_view kind = label.substr(0, label.find("-----"));
    if (kind != "CERTIFICATE") {
      return util::invalid_argument_error(
          util::cat(what, ": block ", out.size() + 1, " is a ", kind, ", not a CERTIFICATE"));
    }
    BioPtr bio = memory_bio(text.substr(at));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
    ERR_clear_error();
    if (cert == nullptr) {
      return util::invalid_argument_error(
          util::cat(what, ": block ", out.size() + 1, " is not a readable certificate"));
    }
    out.push_back(std::move(cert));
  }
  return out;
}

util::StatusOr<std::string> der_base64(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert, &der);
  if (size <= 0) return util::internal_error("cannot DER-encode a certificate");
  std::string out = util::base64_encode(std::string_view(reinterpret_cast<char*>(der), size));
  OPENSSL_free(der);
  return out;
}

absl::Time to_time(const ASN1_TIME* time) {
  std::tm tm{};
  ASN1_TIME_to_tm(time, &tm);
  return absl::FromTimeT(timegm(&tm));
}

std::string subject_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size > 0 ? static_cast<size_t>(size) : 0);
}

std::string serial_of(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* text = BN_bn2dec(bn);
  std::string out = text != nullptr ? text : "";
  OPENSSL_free(text);
  BN_free(bn);
  return out;
}

util::StatusOr<PkeyPtr> read_private_key(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos) {
    return util::invalid_argument_error(
        "private key: encrypted keys are not supported (decrypt it: openssl pkey -in key.pem "
        "-out key-plain.pem, and protect the file instead)");
  }
  BioPtr bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return util::invalid_argument_error(
        "private key: no PEM PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1) or EC PRIVATE KEY "
        "(SEC1) block");
  }
  return key;
}

// RSA of at least 2048 bits, or ECDSA on P-256 / P-384: what Roles Anywhere signs with.
util::Status check_key_type(EVP_PKEY* key, bool& rsa) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    rsa = true;
    if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
      return util::invalid_argument_error(
          util::cat("private key: RSA key of ", EVP_PKEY_get_bits(key),
                    " bits; IAM Roles Anywhere needs 2048 or more"));
    }
    return util::ok_status();
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    rsa = false;
    char curve[64] = {};
    size_t size = 0;
    EVP_PKEY_get_group_name(key, curve, sizeof(curve), &size);
    const std::string_view name(curve, size);
    if (name == "prime256v1" || name == "secp384r1") return util::ok_status();
    return util::invalid_argument_error(
        util::cat("private key: unsupported curve '", name,
                  "'; IAM Roles Anywhere signs with P-256 or P-384"));
  }
  return util::invalid_argument_error(
      util::cat("private key: unsupported key type ", EVP_PKEY_get0_type_name(key),
                "; IAM Roles Anywhere signs with RSA or ECDSA (P-256, P-384)"));
}

// An end-entity certificate that may sign: digitalSignature in its key usage, not a CA.
util::Status check_usage(X509* cert, std::string_view describe) {
  const uint32_t flags = X509_get_extension_flags(cert);  // also caches the extensions
  if ((flags & EXFLAG_KUSAGE) == 0 || (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0) {
    return util::invalid_argument_error(
        util::cat("certificate ", describe,
                  " lacks the digitalSignature key usage that IAM Roles Anywhere requires "
                  "(cert-manager: usages: [digital signature])"));
  }
  if ((flags & EXFLAG_CA) != 0) {
    return util::invalid_argument_error(
        util::cat("certificate ", describe, " is a CA certificate; use an end-entity certificate"));
  }
  return util::ok_status();
}

}  // namespace

void X509Identity::KeyDeleter::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

X509Identity::~X509Identity() = default;

util::StatusOr<std::shared_ptr<const X509Identity>> X509Identity::load(const X509Pem& pem,
                                                                       absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<X509Ptr> certificates,
                   read_certificates(pem.certificate, "certificate"));
  if (certificates.empty()) {
    return util::invalid_argument_error("certificate: no PEM CERTIFICATE block");
  }
  X509* cert = certificates.front().get();
  ASSIGN_OR_RETURN(PkeyPtr key, read_private_key(pem.private_key.reveal()));

  std::shared_ptr<X509Identity> identity(new X509Identity());
  identity->serial_ = serial_of(cert);
  identity->subject_ = subject_of(cert);
  identity->not_before_ = to_time(X509_get0_notBefore(cert));
  identity->not_after_ = to_time(X509_get0_notAfter(cert));
  const std::string describe = identity->describe();

  RETURN_IF_ERROR(check_key_type(key.get(), identity->rsa_));
  if (EVP_PKEY_eq(X509_get0_pubkey(cert), key.get()) != 1) {
    ERR_clear_error();
    return util::invalid_argument_error(
        util::cat("the private key does not belong to certificate ", describe));
  }
  RETURN_IF_ERROR(check_usage(cert, describe));
  if (now < identity->not_before_) {
    return util::failed_precondition_error(util::cat("certificate ", describe,
                                                     " is not valid before ",
                                                     util::format_rfc3339(identity->not_before_)));
  }
  if (now > identity->not_after_) {
    return util::failed_precondition_error(util::cat("certificate ", describe, " expired at ",
                                                     util::format_rfc3339(identity->not_after_)));
  }

  ASSIGN_OR_RETURN(identity->certificate_base64_, der_base64(cert));
  // Intermediates: the certificate file's blocks after the first (cert-manager
  // bundles them so in tls.crt), then the chain file's.
  ASSIGN_OR_RETURN(std::vector<X509Ptr> chain, read_certificates(pem.chain, "certificate chain"));
  chain.insert(chain.begin(), std::make_move_iterator(certificates.begin() + 1),
               std::make_move_iterator(certificates.end()));
  for (const X509Ptr& intermediate : chain) {
    ASSIGN_OR_RETURN(std::string encoded, der_base64(intermediate.get()));
    if (!identity->chain_base64_.empty()) identity->chain_base64_.push_back(',');
    identity->chain_base64_.append(encoded);
  }
  identity->key_.reset(key.release());
  return std::shared_ptr<const X509Identity>(std::move(identity));
}

std::string_view X509Identity::algorithm() const {
  return rsa_ ? kX509RsaAlgorithm : kX509EcdsaAlgorithm;
}

std::string X509Identity::describe() const {
  return util::cat(subject_.empty() ? "(no subject)" : subject_, " (serial ", serial_, ")");
}

util::StatusOr<std::string> X509Identity::sign(std::string_view data) const {
  util::openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t size = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    ERR_clear_error();
    return util::internal_error("X.509 signing: OpenSSL could not set up the signature");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    ERR_clear_error();
    return util::internal_error("X.509 signing: OpenSSL could not sign");
  }
  signature.resize(size);
  return sigv4::lower_hex(signature);
}

}  // namespace aws
