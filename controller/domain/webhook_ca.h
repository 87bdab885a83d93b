// When the admission webhook's own certificate authority is made, rotated
// and forgotten, and when a replica renews its serving certificate: pure
// decisions over what the CA Secret holds, what the apiserver trusts (the
// MutatingWebhookConfiguration's caBundle) and the time; and the Secret's
// data layout.
//
// A rotation never leaves the apiserver distrusting a served certificate:
//   1. two thirds into the signing CA's life, a next CA joins the trusted
//      bundle (the signing CA keeps signing);
//   2. once every webhook's caBundle holds the next CA and `promote_after`
//      has passed since it was made (every apiserver has seen the new
//      caBundle), it signs; the previous CA stays trusted, since replicas
//      serve certificates it signed until they renew theirs;
//   3. a CA past its end leaves the bundle.
// A serving certificate is renewed two thirds into its life, and at once when
// the signing CA changed; it never outlives its CA (tls::issue_serving_certificate).
//
// Thread-safety: pure functions and values. Time: the caller's `now`.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/domain/secret_data.h"
#include "pkg/tls/certificates.h"
#include "pkg/util/status.h"

namespace controller {

struct WebhookCaPolicy {
  absl::Duration ca_lifetime = absl::Hours(24 * 365 * 5);
  absl::Duration serving_lifetime = absl::Hours(24 * 90);
  absl::Duration promote_after = absl::Hours(24);
};

// What the CA Secret holds: the signing CA with its key, at most one next CA
// with its key, and the bundle the apiserver must trust.
struct WebhookCa {
  tls::Issued signing;
  std::optional<tls::Issued> next;
  std::vector<tls::Certificate> trusted;  // ca.crt; holds signing and next
};

enum class CaStep {
  kNone,
  kCreate,         // no CA yet (or an unreadable Secret): make one
  kForgetExpired,  // a CA past its end is still trusted
  kPromoteNext,    // the next CA is trusted everywhere: it signs from now on
  kAddNext,        // the signing CA is two thirds through its life
};

// `ca` null: none yet. `in_every_ca_bundle`: fingerprints of the CAs each
// webhook of the configuration trusts now (null: the configuration is not
// known, so a next CA is never promoted).
CaStep next_ca_step(const WebhookCa* ca, const std::set<std::string>* in_every_ca_bundle,
                    absl::Time now, const WebhookCaPolicy& policy);

// The CA after `step`; `made` is the CA kCreate or kAddNext brings (ignored
// otherwise).
WebhookCa apply_ca_step(std::optional<WebhookCa> ca, CaStep step, std::optional<tls::Issued> made,
                        absl::Time now);

// Whether a replica serving `serving` (signed by the CA whose fingerprint is
// `signed_by`; null: none yet) must issue a new one now.
bool serving_certificate_due(const tls::Certificate* serving, std::string_view signed_by,
                             const WebhookCa& ca, absl::Time now);

// The Secret's data: ca.crt (the trusted bundle), tls.crt and tls.key (the
// signing CA), next.crt and next.key (the next CA, when there is one).
inline constexpr std::string_view kCaBundleKey = "ca.crt";
inline constexpr std::string_view kSigningCertificateKey = "tls.crt";
inline constexpr std::string_view kSigningKeyKey = "tls.key";
inline constexpr std::string_view kNextCertificateKey = "next.crt";
inline constexpr std::string_view kNextKeyKey = "next.key";
SecretData webhook_ca_data(const WebhookCa& ca);
// kInvalidArgument naming the key that is missing or unreadable.
util::StatusOr<WebhookCa> parse_webhook_ca(const SecretData& data);

}  // namespace controller
