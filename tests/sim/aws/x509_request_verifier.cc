#include "tests/sim/aws/x509_request_verifier.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

#include "pkg/aws/sigv4.h"
#include "pkg/aws/x509_identity.h"
#include "pkg/util/base64.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/request_authenticator.h"
#include "tests/sim/aws/sigv4_verifier.h"

namespace sim::aws {
namespace {

using util::openssl::X509Ptr;

// sk_X509_free is a macro: it has no address to give util::openssl::Deleter.
struct StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};

X509Ptr certificate_from_base64(std::string_view text) {
  const util::StatusOr<std::string> der = util::base64_decode(text);
  if (!der.ok()) return nullptr;
  const auto* data = reinterpret_cast<const unsigned char*>(der->data());
  return X509Ptr(d2i_X509(nullptr, &data, static_cast<long>(der->size())));
}

std::vector<X509Ptr> certificates_from_pem(std::string_view pem) {
  std::vector<X509Ptr> out;
  util::openssl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(cert);
  ERR_clear_error();
  return out;
}

std::string serial_text(X509* cert, bool decimal) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* text = decimal ? BN_bn2dec(bn) : BN_bn2hex(bn);
  std::string out = text != nullptr ? text : "";
  OPENSSL_free(text);
  BN_free(bn);
  return decimal ? out : util::to_lower(out);
}

std::string common_name(X509* cert) {
  char cn[256] = {};
  const int size =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
  return size > 0 ? std::string(cn, size) : "";
}

bool signature_verifies(X509* cert, std::string_view data, std::string_view hex_signature) {
  std::string signature;
  for (size_t i = 0; i + 1 < hex_signature.size(); i += 2) {
    signature.push_back(
        static_cast<char>(std::stoi(std::string(hex_signature.substr(i, 2)), nullptr, 16)));
  }
  util::openssl::MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert)) ==
          1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  ERR_clear_error();
  return ok;
}

// Chains `leaf` (with `intermediates`) to one of the anchor's CAs at `when`.
std::string chain_error(X509* leaf, const std::vector<X509Ptr>& intermediates,
                        std::string_view ca_bundle, absl::Time when) {
  util::openssl::X509StorePtr store(X509_STORE_new());
  std::vector<X509Ptr> cas = certificates_from_pem(ca_bundle);
  if (cas.empty()) return "the trust anchor has no CA certificate";
  for (const X509Ptr& ca : cas)
    X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (const X509Ptr& cert : intermediates)
    sk_X509_push(untrusted.get(), cert.get());
  util::openssl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(when));
  const int verified = X509_verify_cert(ctx.get());
  const int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  return verified == 1 ? "" : X509_verify_cert_error_string(error);
}

}  // namespace

std::variant<VerifiedCertificate, RolesAnywhereError> X509RequestVerifier::verify(
    const SimRequest& request, std::string_view ca_bundle) const {
  using Error = RolesAnywhereError;
  const std::optional<std::string_view> header = request.header("Authorization");
  if (!header) return Error::access_denied("Missing Authentication Token");
  const bool rsa = header->starts_with(::aws::kX509RsaAlgorithm);
  const std::string_view algorithm = rsa ? ::aws::kX509RsaAlgorithm : ::aws::kX509EcdsaAlgorithm;
  const auto auth = parse_authorization(*header, algorithm);
  if (!auth.ok()) {
    return Error::access_denied(
        util::cat("Authorization header is malformed: ", auth.status().message()));
  }
  if (auth->service != "rolesanywhere") {
    return Error::access_denied("Credential should be scoped to correct service: 'rolesanywhere'");
  }
  const std::optional<std::string_view> amz_date = request.header("X-Amz-Date");
  const auto when = amz_date ? ::aws::sigv4::parse_amz_date(*amz_date)
                             : util::StatusOr<absl::Time>(util::invalid_argument_error(""));
  if (!when.ok()) return Error::access_denied("Missing or malformed X-Amz-Date");
  if (auth->date_stamp != amz_date->substr(0, 8)) {
    return Error::access_denied("Date in Credential scope does not match X-Amz-Date");
  }
  const absl::Time now = clock_.system_now();
  if (*when < now - kMaxClockSkew || *when > now + kMaxClockSkew) {
    return Error::access_denied(util::cat("Signature expired: X-Amz-Date ", *amz_date,
                                          " is more than 5 minutes from ",
                                          ::aws::sigv4::format_amz_date(now)));
  }
  const std::optional<std::string_view> x509 = request.header("X-Amz-X509");
  const X509Ptr leaf = x509 ? certificate_from_base64(*x509) : nullptr;
  if (leaf == nullptr) return Error::access_denied("Missing or malformed X-Amz-X509 certificate");
  std::vector<X509Ptr> intermediates;
  const std::optional<std::string_view> chain = request.header("X-Amz-X509-Chain");
  if (chain) {
    for (std::string_view encoded : util::split(*chain, ',')) {
      X509Ptr cert = certificate_from_base64(util::trim(encoded));
      if (cert == nullptr) return Error::access_denied("Malformed X-Amz-X509-Chain certificate");
      intermediates.push_back(std::move(cert));
    }
  }
  for (std::string_view required : {"host", "x-amz-date", "x-amz-x509"}) {
    if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), required) ==
        auth->signed_headers.end()) {
      return Error::access_denied(util::cat("'", required, "' must be a SignedHeader"));
    }
  }
  if (chain && std::find(auth->signed_headers.begin(), auth->signed_headers.end(),
                         "x-amz-x509-chain") == auth->signed_headers.end()) {
    return Error::access_denied("'x-amz-x509-chain' must be a SignedHeader");
  }

  VerifiedCertificate out;
  out.serial = serial_text(leaf.get(), /*decimal=*/true);
  out.serial_hex = serial_text(leaf.get(), /*decimal=*/false);
  out.common_name = common_name(leaf.get());
  out.region = auth->region;
  if (auth->access_key_id != out.serial) {
    return Error::access_denied(util::cat("The credential '", auth->access_key_id,
                                          "' is not the certificate's serial number ", out.serial));
  }
  if (EVP_PKEY_is_a(X509_get0_pubkey(leaf.get()), rsa ? "RSA" : "EC") != 1) {
    return Error::access_denied(util::cat(algorithm, " does not match the certificate's key"));
  }

  const auto canonical =
      ::aws::sigv4::canonical_request(signable_request(request), auth->signed_headers, {});
  if (!canonical.ok()) return Error::access_denied("A signed header is missing from the request");
  const std::string string_to_sign =
      ::aws::sigv4::string_to_sign(*amz_date, auth->scope(), *canonical, algorithm);
  if (!signature_verifies(leaf.get(), string_to_sign, auth->signature)) {
    return Error::access_denied("Signature validation failed");
  }

  const std::string untrusted = chain_error(leaf.get(), intermediates, ca_bundle, now);
  if (!untrusted.empty())
    return Error::access_denied(util::cat("Untrusted certificate: ", untrusted));
  const uint32_t flags = X509_get_extension_flags(leaf.get());
  if ((flags & EXFLAG_CA) != 0) {
    return Error::access_denied("Untrusted certificate: a CA certificate is not an end entity");
  }
  if ((flags & EXFLAG_KUSAGE) == 0 ||
      (X509_get_key_usage(leaf.get()) & KU_DIGITAL_SIGNATURE) == 0) {
    return Error::access_denied(
        "Untrusted certificate: the key usage does not include digitalSignature");
  }
  return out;
}

}  // namespace sim::aws
