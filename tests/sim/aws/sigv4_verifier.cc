#include "tests/sim/aws/sigv4_verifier.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "pkg/util/strings.h"

namespace sim::aws {
namespace {

namespace sigv4 = ::aws::sigv4;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string Authorization::scope() const {
  return sigv4::credential_scope(date_stamp, region, service);
}

util::StatusOr<Authorization> parse_authorization(std::string_view header_value,
                                                  std::string_view algorithm) {
  std::string_view text = util::trim(header_value);
  if (text.substr(0, algorithm.size()) != algorithm || text.size() == algorithm.size() ||
      !is_space(text[algorithm.size()])) {
    return util::invalid_argument_error(util::cat("Authorization header does not use ", algorithm));
  }
  text.remove_prefix(algorithm.size());
  const bool hmac_signature = algorithm == sigv4::kAlgorithm;
  Authorization out;
  bool have_credential = false, have_signed = false, have_signature = false;
  for (std::string_view part : util::split(text, ',')) {
    part = util::trim(part);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return util::invalid_argument_error(
          util::cat("Authorization header: component '", part, "' is not key=value"));
    }
    const std::string_view key = part.substr(0, eq);
    const std::string_view value = part.substr(eq + 1);
    if (key == "Credential") {
      const std::vector<std::string_view> pieces = util::split(value, '/');
      if (pieces.size() != 5 || pieces[0].empty() || pieces[2].empty() || pieces[3].empty()) {
        return util::invalid_argument_error(
            "Authorization header: Credential must be <key id>/<date>/<region>/<service>/"
            "aws4_request");
      }
      if (pieces[4] != sigv4::kScopeTerminator) {
        return util::invalid_argument_error(
            util::cat("Authorization header: credential scope must end in aws4_request, not '",
                      pieces[4], "'"));
      }
      if (pieces[1].size() != 8 || !is_digits(pieces[1])) {
        return util::invalid_argument_error(
            util::cat("Authorization header: credential date '", pieces[1], "' is not YYYYMMDD"));
      }
      out.access_key_id = std::string(pieces[0]);
      out.date_stamp = std::string(pieces[1]);
      out.region = std::string(pieces[2]);
      out.service = std::string(pieces[3]);
      have_credential = true;
    } else if (key == "SignedHeaders") {
      for (std::string_view name : util::split(value, ';')) {
        if (name.empty() || util::to_lower(name) != name) {
          return util::invalid_argument_error(util::cat("Authorization header: SignedHeaders '",
                                                        value, "' must be lowercase names"));
        }
        if (!out.signed_headers.empty() && !(out.signed_headers.back() < name)) {
          return util::invalid_argument_error(util::cat("Authorization header: SignedHeaders '",
                                                        value, "' must be sorted and unique"));
        }
        out.signed_headers.emplace_back(name);
      }
      have_signed = true;
    } else if (key == "Signature") {
      const bool hex = std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      });
      if (hmac_signature && (value.size() != 64 || !hex)) {
        return util::invalid_argument_error(
            "Authorization header: Signature must be 64 lowercase hex digits");
      }
      if (!hmac_signature && (value.empty() || value.size() % 2 != 0 || !hex)) {
        return util::invalid_argument_error(
            "Authorization header: Signature must be lowercase hex bytes");
      }
      out.signature = std::string(value);
      have_signature = true;
    } else {
      return util::invalid_argument_error(
          util::cat("Authorization header: unknown component '", key, "'"));
    }
  }
  if (!have_credential) return util::invalid_argument_error("Authorization header: no Credential");
  if (!have_signed) return util::invalid_argument_error("Authorization header: no SignedHeaders");
  if (!have_signature) return util::invalid_argument_error("Authorization header: no Signature");
  return out;
}

util::StatusOr<Recomputed> recompute_signature(const sigv4::SignableRequest& request,
                                               const Authorization& auth, std::string_view amz_date,
                                               const util::SecretString& secret_access_key,
                                               const sigv4::CanonicalOptions& options) {
  Recomputed out;
  ASSIGN_OR_RETURN(out.canonical_request,
                   sigv4::canonical_request(request, auth.signed_headers, options));
  out.string_to_sign = sigv4::string_to_sign(amz_date, auth.scope(), out.canonical_request);
  const sigv4::SigningKey key =
      sigv4::derive_signing_key(secret_access_key, auth.date_stamp, auth.region, auth.service);
  out.signature = sigv4::signature(key, out.string_to_sign);
  return out;
}

bool signatures_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sim::aws
