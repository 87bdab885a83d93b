#include "controller/domain/webhook_ca.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace controller {
namespace {

// Two thirds into its life.
absl::Time renewal_time(const tls::Certificate& certificate) {
  return certificate.not_before + (certificate.not_after - certificate.not_before) * 2 / 3;
}

bool trusts(const std::vector<tls::Certificate>& bundle, const tls::Certificate& certificate) {
  return std::any_of(bundle.begin(), bundle.end(), [&](const tls::Certificate& c) {
    return c.fingerprint == certificate.fingerprint;
  });
}

}  // namespace

CaStep next_ca_step(const WebhookCa* ca, const std::set<std::string>* in_every_ca_bundle,
                    absl::Time now, const WebhookCaPolicy& policy) {
  if (ca == nullptr) return CaStep::kCreate;
  const tls::Certificate& signing = ca->signing.certificate;
  const tls::Certificate* next = ca->next ? &ca->next->certificate : nullptr;
  if (now >= signing.not_after) return next != nullptr ? CaStep::kPromoteNext : CaStep::kCreate;
  const bool expired_trusted =
      std::any_of(ca->trusted.begin(), ca->trusted.end(),
                  [&](const tls::Certificate& c) { return now >= c.not_after; });
  if (expired_trusted) return CaStep::kForgetExpired;
  if (next != nullptr) {
    const bool trusted_everywhere =
        in_every_ca_bundle != nullptr && in_every_ca_bundle->contains(next->fingerprint);
    return trusted_everywhere && now >= next->not_before + policy.promote_after
               ? CaStep::kPromoteNext
               : CaStep::kNone;
  }
  return now >= renewal_time(signing) ? CaStep::kAddNext : CaStep::kNone;
}

WebhookCa apply_ca_step(std::optional<WebhookCa> ca, CaStep step, std::optional<tls::Issued> made,
                        absl::Time now) {
  switch (step) {
    case CaStep::kNone:
      break;
    case CaStep::kCreate: {
      WebhookCa fresh{.signing = std::move(*made), .next = std::nullopt, .trusted = {}};
      fresh.trusted.push_back(fresh.signing.certificate);
      // CAs still trusted keep their place: replicas may serve what they signed.
      if (ca) {
        for (const tls::Certificate& c : ca->trusted) {
          if (now < c.not_after && !trusts(fresh.trusted, c)) fresh.trusted.push_back(c);
        }
      }
      return fresh;
    }
    case CaStep::kForgetExpired:
      std::erase_if(ca->trusted, [&](const tls::Certificate& c) { return now >= c.not_after; });
      break;
    case CaStep::kPromoteNext:
      ca->signing = std::move(*ca->next);
      ca->next.reset();
      break;
    case CaStep::kAddNext:
      ca->next = std::move(made);
      ca->trusted.push_back(ca->next->certificate);
      break;
  }
  for (const tls::Certificate* must :
       {&ca->signing.certificate, ca->next ? &ca->next->certificate : nullptr}) {
    if (must != nullptr && !trusts(ca->trusted, *must)) ca->trusted.push_back(*must);
  }
  return std::move(*ca);
}

bool serving_certificate_due(const tls::Certificate* serving, std::string_view signed_by,
                             const WebhookCa& ca, absl::Time now) {
  return serving == nullptr || signed_by != ca.signing.certificate.fingerprint ||
         now >= renewal_time(*serving);
}

SecretData webhook_ca_data(const WebhookCa& ca) {
  SecretData data;
  data.emplace(kCaBundleKey, util::SecretString(tls::bundle_pem(ca.trusted)));
  data.emplace(kSigningCertificateKey, util::SecretString(ca.signing.certificate.pem));
  data.emplace(kSigningKeyKey, ca.signing.key_pem);
  if (ca.next) {
    data.emplace(kNextCertificateKey, util::SecretString(ca.next->certificate.pem));
    data.emplace(kNextKeyKey, ca.next->key_pem);
  }
  return data;
}

util::StatusOr<WebhookCa> parse_webhook_ca(const SecretData& data) {
  auto issued = [&](std::string_view certificate_key,
                    std::string_view key_key) -> util::StatusOr<tls::Issued> {
    auto certificate = data.find(certificate_key);
    auto key = data.find(key_key);
    if (certificate == data.end() || key == data.end()) {
      return util::invalid_argument_error(
          util::cat("no ", certificate == data.end() ? certificate_key : key_key));
    }
    util::StatusOr<std::vector<tls::Certificate>> parsed =
        tls::parse_certificates(certificate->second.reveal());
    if (!parsed.ok()) {
      return util::invalid_argument_error(
          util::cat(certificate_key, ": ", parsed.status().message()));
    }
    return tls::Issued{.certificate = parsed->front(), .key_pem = key->second};
  };
  ASSIGN_OR_RETURN(tls::Issued signing, issued(kSigningCertificateKey, kSigningKeyKey));
  WebhookCa ca{.signing = std::move(signing), .next = std::nullopt, .trusted = {}};
  if (data.contains(kNextCertificateKey)) {
    ASSIGN_OR_RETURN(ca.next, issued(kNextCertificateKey, kNextKeyKey));
  }
  auto bundle = data.find(kCaBundleKey);
  if (bundle == data.end()) return util::invalid_argument_error(util::cat("no ", kCaBundleKey));
  util::StatusOr<std::vector<tls::Certificate>> trusted =
      tls::parse_certificates(bundle->second.reveal());
  if (!trusted.ok()) {
    return util::invalid_argument_error(util::cat(kCaBundleKey, ": ", trusted.status().message()));
  }
  ca.trusted = *std::move(trusted);
  return ca;
}

}  // namespace controller
