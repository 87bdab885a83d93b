// The admission webhook's certificates when nobody else provides them: a CA
// of the webhook's own kept in a Secret of the controller's namespace (made
// by the first replica, rotated with overlap: domain/webhook_ca.h), the
// caBundle of the MutatingWebhookConfiguration kept equal to the CAs it must
// trust, and each replica's serving certificate for the webhook Service's
// names, issued in memory and renewed before it expires.
//
// Replicas need no leader: every write of the Secret is conditional on its
// resourceVersion (a replica that loses a race reads again and finds the
// work done), and every replica sets the caBundle to what the Secret says.
//
// Thread-safety: current() from any thread (TLS handshakes); sync() and
// run() from one thread. Ownership: borrows the client and the clock.
// Time: the clock's wall time decides lifetimes; its monotonic time paces
// run(). Errors: sync() returns the first failure (the Kubernetes client's
// codes; kNotFound for a missing MutatingWebhookConfiguration); what it
// could do before the failure is done.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "controller/domain/webhook_ca.h"
#include "pkg/kube/rest_client.h"
#include "pkg/tls/key_pair.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace controller {

struct WebhookCertificatesOptions {
  std::string namespace_;  // of the CA Secret: the controller's own
  std::string secret_name = "kube-aws-iam-controller-webhook-ca";
  std::string configuration;       // the MutatingWebhookConfiguration whose caBundle is kept
  std::vector<std::string> hosts;  // the serving certificate's names (DNS or IP)
  WebhookCaPolicy policy;
  absl::Duration resync = absl::Minutes(1);
  absl::Duration retry = absl::Seconds(5);  // after a failed round
};

class WebhookCertificates {
 public:
  WebhookCertificates(kube::RestClient& kube, util::Clock& clock,
                      WebhookCertificatesOptions options);

  // One round: the CA made or rotated when due, the caBundle set, the
  // serving certificate renewed when due.
  util::Status sync(const std::stop_token& stop = {});
  // sync() now and every `resync` (`retry` after a failure) until `stop`.
  void run(const std::stop_token& stop);

  // The serving certificate and key; null until a round made one.
  std::shared_ptr<const tls::KeyPair> current() const;
  // Whether the last round ended with the caBundle equal to the CA Secret's
  // trusted CAs (false before the first round and after a failed one).
  bool ca_bundle_current() const { return ca_bundle_current_.load(std::memory_order_acquire); }

  // The Kubernetes resource whose caBundle is kept.
  static kube::Resource configurations();

 private:
  util::Status sync_once(const std::stop_token& stop);
  // The CA as the Secret holds it (made or rotated first when due).
  util::StatusOr<WebhookCa> ensure_ca(const std::set<std::string>* in_every_ca_bundle,
                                      const std::stop_token& stop);
  util::Status set_ca_bundle(const kube::Object& configuration, const WebhookCa& ca,
                             const std::stop_token& stop);
  util::Status renew_serving_certificate(const WebhookCa& ca);

  kube::RestClient& kube_;
  util::Clock& clock_;
  const WebhookCertificatesOptions options_;
  std::optional<tls::Certificate> serving_;  // what current() presents
  std::string signed_by_;                    // the fingerprint of its CA
  std::atomic<bool> ca_bundle_current_{false};
  mutable util::Mutex mu_;
  std::shared_ptr<const tls::KeyPair> key_pair_ ABSL_GUARDED_BY(mu_);
};

}  // namespace controller
