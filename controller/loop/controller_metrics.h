// Every metric the controller exports, declared in this one place (names,
// help, labels; documented in docs/operations.md): its own, the ones
// Kubernetes controllers share (client-go's workqueue_* and
// controller-runtime's controller_runtime_*, so existing dashboards work), and
// the process metrics every exporter carries (RSS, CPU).
//
// Counters and histograms are fed as things happen; gauges are read from
// their sources when scraped, each registered when its source exists (the
// observe_* calls), so /metrics serves from the process's first second.
// Thread-safety: thread-safe. Ownership: borrows the Registry; observed
// sources must outlive it.
#pragma once

#include <string>
#include <string_view>

#include "controller/loop/outcome.h"
#include "controller/loop/pod_webhook.h"
#include "controller/loop/webhook_certificates.h"
#include "pkg/aws/api_caller.h"
#include "pkg/aws/x509_identity_files.h"
#include "pkg/kube/rest_client.h"
#include "pkg/kube/work_queue.h"
#include "pkg/metrics/registry.h"
#include "pkg/util/adaptive_rate_limiter.h"

namespace controller {

class Controller;

// The `name`/`controller` label value of the workqueue_* and
// controller_runtime_* metrics (controller-runtime names both after the
// controller).
inline constexpr std::string_view kControllerName = "awsiamrole";

// client-go's workqueue metrics for the controller's queue; the gauges
// (depth, unfinished work, longest running processor) are read from the queue
// when scraped (ControllerMetrics::observe).
class WorkQueueMetrics final : public kube::WorkQueueObserver {
 public:
  explicit WorkQueueMetrics(metrics::Registry& registry);
  void on_add() override;
  void on_get(absl::Duration waited) override;
  void on_done(absl::Duration worked) override;
  void on_retry() override;

 private:
  metrics::Counter& adds_;
  metrics::Histogram& queue_duration_;
  metrics::Histogram& work_duration_;
  metrics::Counter& retries_;
};

// The running binary, for kube_aws_iam_controller_build_info.
struct BuildLabels {
  std::string version;
  std::string revision;
};

struct ControllerMetrics {
  // Registers the counters, histograms, the leader gauge (0 until set_leading),
  // build_info and the process_* gauges.
  ControllerMetrics(metrics::Registry& registry, const BuildLabels& build);

  // The gauges read from the running controller: its queue (client-go's and
  // controller-runtime's gauges), the cached roles by readiness, unwritten
  // credentials, each managed Secret's validity and the earliest expiry.
  void observe(const Controller& controller, int workers);
  // How fast the adaptive limiters let STS and the Kubernetes API be called.
  void observe_rate_limits(const util::AdaptiveRateLimiter& sts,
                           const util::AdaptiveRateLimiter& kube);
  // The validity of the IAM Roles Anywhere certificate (picks up rotated files).
  void observe_certificate(aws::X509IdentityFiles& files);
  // The validity of the webhook's serving certificate, from whichever source
  // serves it (0 while there is none) and, with the controller's own
  // certificates, whether their last round left the caBundle current.
  void observe_webhook_certificate(std::function<std::shared_ptr<const tls::KeyPair>()> served,
                                   const WebhookCertificates* own);

  void set_leading(bool leading) { leader.set(leading ? 1 : 0); }
  // One reconcile: by what it did (kube_aws_iam_controller_reconciles_total)
  // and as controller-runtime counts it (success, requeue_after, error;
  // terminal when it waits for a change).
  void reconciled(const ReconcileResult& result, absl::Duration took);
  // One AWS API attempt, STS's or CreateSession's: the sts_requests and
  // sts_duration series (their names are older than Roles Anywhere).
  void aws_attempt(const aws::ApiAttempt& attempt);
  void kube_request(const kube::RequestInfo& request);
  // One AdmissionReview the webhook answered (loop/pod_webhook.h).
  void admitted(AdmissionResult result, size_t warnings, absl::Duration took);

  metrics::Registry& registry;
  metrics::Counter& reconciles;
  metrics::Histogram& reconcile_duration;
  metrics::Counter& sts_requests;
  metrics::Histogram& sts_duration;
  metrics::Counter& kube_requests;
  metrics::Gauge& leader;
  WorkQueueMetrics queue;
  metrics::Counter& runtime_reconciles;
  metrics::Counter& runtime_errors;
  metrics::Counter& runtime_terminal_errors;
  metrics::Histogram& runtime_reconcile_time;
  metrics::Counter& admission_reviews;
  metrics::Counter& admission_warnings;
  metrics::Histogram& admission_duration;
};

}  // namespace controller
