#include "controller/loop/controller_metrics.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "controller/loop/controller.h"
#include "pkg/metrics/process_stats.h"

namespace controller {
namespace {

// Both label values of the workqueue_* and controller_runtime_* series.
const metrics::Labels& queue_labels() {
  static const metrics::Labels kLabels = {std::string(kControllerName),
                                          std::string(kControllerName)};
  return kLabels;
}

// The label value of the controller_runtime_* series.
const metrics::Labels& controller_label() {
  static const metrics::Labels kLabels = {std::string(kControllerName)};
  return kLabels;
}

// client-go's workqueue duration buckets: 10 ns to 1,000 s, by tens.
std::vector<double> workqueue_buckets() {
  std::vector<double> bounds;
  double bound = 1e-8;
  for (int i = 0; i < 12; ++i, bound *= 10)
    bounds.push_back(bound);
  return bounds;
}

// controller-runtime's controller_runtime_reconcile_time_seconds buckets.
std::vector<double> reconcile_time_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
          0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
          6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
}

}  // namespace

WorkQueueMetrics::WorkQueueMetrics(metrics::Registry& r)
    : adds_(r.counter("workqueue_adds_total", "Total number of adds handled by workqueue",
                      {"name", "controller"})),
      queue_duration_(r.histogram("workqueue_queue_duration_seconds",
                                  "How long in seconds an item stays in workqueue before being "
                                  "requested",
                                  {"name", "controller"}, workqueue_buckets())),
      work_duration_(r.histogram("workqueue_work_duration_seconds",
                                 "How long in seconds processing an item from workqueue takes.",
                                 {"name", "controller"}, workqueue_buckets())),
      retries_(r.counter("workqueue_retries_total", "Total number of retries handled by workqueue",
                         {"name", "controller"})) {}

void WorkQueueMetrics::on_add() {
  adds_.inc(queue_labels());
}
void WorkQueueMetrics::on_get(absl::Duration waited) {
  queue_duration_.observe(queue_labels(), absl::ToDoubleSeconds(waited));
}
void WorkQueueMetrics::on_done(absl::Duration worked) {
  work_duration_.observe(queue_labels(), absl::ToDoubleSeconds(worked));
}
void WorkQueueMetrics::on_retry() {
  retries_.inc(queue_labels());
}

ControllerMetrics::ControllerMetrics(metrics::Registry& r, const BuildLabels& build)
    : registry(r),
      reconciles(r.counter("kube_aws_iam_controller_reconciles_total",
                           "Reconciles of AWSIAMRole keys, by result.", {"result"})),
      reconcile_duration(r.histogram("kube_aws_iam_controller_reconcile_duration_seconds",
                                     "Time to reconcile one key.", {}, metrics::latency_buckets())),
      sts_requests(
          r.counter("kube_aws_iam_controller_sts_requests_total",
                    "AWS API request attempts (STS, and IAM Roles Anywhere's CreateSession), by "
                    "operation and outcome.",
                    {"operation", "outcome"})),
      sts_duration(r.histogram("kube_aws_iam_controller_sts_request_duration_seconds",
                               "Latency of AWS API request attempts (STS, CreateSession).",
                               {"operation"}, metrics::latency_buckets())),
      kube_requests(r.counter("kube_aws_iam_controller_kube_requests_total",
                              "Kubernetes API requests, by verb, resource and HTTP code.",
                              {"verb", "resource", "code"})),
      leader(r.gauge("kube_aws_iam_controller_leader",
                     "1 when this replica holds the leader Lease (or runs unelected).")),
      queue(r),
      runtime_reconciles(r.counter("controller_runtime_reconcile_total",
                                   "Total number of reconciliations per controller",
                                   {"controller", "result"})),
      runtime_errors(r.counter("controller_runtime_reconcile_errors_total",
                               "Total number of reconciliation errors per controller",
                               {"controller"})),
      runtime_terminal_errors(r.counter(
          "controller_runtime_terminal_reconcile_errors_total",
          "Total number of terminal reconciliation errors per controller", {"controller"})),
      runtime_reconcile_time(r.histogram("controller_runtime_reconcile_time_seconds",
                                         "Length of time per reconciliation per controller",
                                         {"controller"}, reconcile_time_buckets())),
      admission_reviews(r.counter("kube_aws_iam_controller_admission_reviews_total",
                                  "AdmissionReviews of pods the webhook answered, by result.",
                                  {"result"})),
      admission_warnings(r.counter("kube_aws_iam_controller_admission_warnings_total",
                                   "Warnings the webhook returned with its answers.")),
      admission_duration(r.histogram("kube_aws_iam_controller_admission_duration_seconds",
                                     "Time to answer one AdmissionReview, TLS excluded.", {},
                                     metrics::latency_buckets())) {
  r.gauge("kube_aws_iam_controller_build_info",
          "Always 1; the labels say which version and source revision is running.",
          {"version", "revision"})
      .set({build.version, build.revision}, 1);
  r.callback_gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                   metrics::resident_bytes);
  r.callback_gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   [] { return metrics::process_cpu_seconds("/proc/self"); });
}

void ControllerMetrics::observe(const Controller& controller, int workers) {
  const Controller* c = &controller;
  registry.callback_gauge("kube_aws_iam_controller_workqueue_depth",
                          "Keys waiting to be reconciled now.",
                          [c] { return static_cast<double>(c->queue_depth()); });
  registry.callback_gauge("kube_aws_iam_controller_workqueue_scheduled",
                          "Keys waiting for their time: scheduled refreshes, retries and rechecks.",
                          [c] { return static_cast<double>(c->queue_scheduled()); });
  registry.callback_gauge("workqueue_depth", "Current depth of workqueue", {"name", "controller"},
                          queue_labels(), [c] { return static_cast<double>(c->queue_depth()); });
  registry.callback_gauge(
      "workqueue_unfinished_work_seconds",
      "How many seconds of work has been done that is in progress and hasn't been observed by "
      "work_duration. Large values indicate stuck threads.",
      {"name", "controller"}, queue_labels(),
      [c] { return absl::ToDoubleSeconds(c->queue_in_flight().total); });
  registry.callback_gauge(
      "workqueue_longest_running_processor_seconds",
      "How many seconds has the longest running processor for workqueue been running.",
      {"name", "controller"}, queue_labels(),
      [c] { return absl::ToDoubleSeconds(c->queue_in_flight().longest); });
  registry.callback_gauge("controller_runtime_active_workers",
                          "Number of currently used workers per controller", {"controller"},
                          controller_label(),
                          [c] { return static_cast<double>(c->queue_in_flight().keys); });
  registry.callback_gauge("controller_runtime_max_concurrent_reconciles",
                          "Maximum number of concurrent reconciles per controller", {"controller"},
                          controller_label(), [workers] { return static_cast<double>(workers); });
  registry.callback_gauge("kube_aws_iam_controller_managed_roles", "AWSIAMRoles in the cache.",
                          [c] { return static_cast<double>(c->cached_roles()); });
  registry.callback_gauge_vec("kube_aws_iam_controller_roles",
                              "AWSIAMRoles in the cache, by their Ready condition.", {"ready"},
                              [c] {
                                std::vector<std::pair<metrics::Labels, double>> counts;
                                for (const auto& [ready, count] : c->cached_roles_by_ready()) {
                                  counts.push_back({{ready}, static_cast<double>(count)});
                                }
                                return counts;
                              });
  registry.callback_gauge("kube_aws_iam_controller_unwritten_credentials",
                          "Roles whose issued credentials wait for their Secret write to succeed.",
                          [c] { return static_cast<double>(c->unwritten_credentials()); });
  registry.callback_gauge_vec(
      "kube_aws_iam_controller_credentials_validity_seconds",
      "Seconds until the credentials in each managed Secret expire.", {"namespace", "name"}, [c] {
        std::vector<std::pair<metrics::Labels, double>> out;
        for (const CredentialsValidity& secret : c->credentials_validity()) {
          out.push_back({{secret.namespace_name, secret.name}, absl::ToDoubleSeconds(secret.left)});
        }
        return out;
      });
  registry.callback_gauge(
      "kube_aws_iam_controller_earliest_expiry_seconds",
      "Seconds until the earliest expiry among managed Secrets (+Inf when none).", [c] {
        double earliest = std::numeric_limits<double>::infinity();
        for (const CredentialsValidity& secret : c->credentials_validity()) {
          earliest = std::min(earliest, absl::ToDoubleSeconds(secret.left));
        }
        return earliest;
      });
}

void ControllerMetrics::observe_rate_limits(const util::AdaptiveRateLimiter& sts,
                                            const util::AdaptiveRateLimiter& kube) {
  registry.callback_gauge("kube_aws_iam_controller_sts_allowed_rate",
                          "STS calls per second the adaptive limiter allows now (+Inf: not "
                          "limiting; it limits after STS answers Throttling).",
                          [&sts] { return sts.allowed_rate(); });
  registry.callback_gauge("kube_aws_iam_controller_kube_allowed_rate",
                          "Kubernetes API requests per second the adaptive limiter allows now "
                          "(+Inf: not limiting; it limits after the apiserver answers 429).",
                          [&kube] { return kube.allowed_rate(); });
}

void ControllerMetrics::observe_certificate(aws::X509IdentityFiles& files) {
  registry.callback_gauge(
      "kube_aws_iam_controller_roles_anywhere_certificate_not_after_timestamp_seconds",
      "When the IAM Roles Anywhere certificate the controller signs with expires (Unix time).",
      [&files] {
        (void)files.identity();  // picks up rotated files
        return static_cast<double>(absl::ToUnixSeconds(files.loaded()->not_after()));
      });
  registry.callback_gauge(
      "kube_aws_iam_controller_roles_anywhere_certificate_not_before_timestamp_seconds",
      "When that certificate became valid (Unix time): with not_after, its lifetime.",
      [&files] { return static_cast<double>(absl::ToUnixSeconds(files.loaded()->not_before())); });
}

void ControllerMetrics::observe_webhook_certificate(
    std::function<std::shared_ptr<const tls::KeyPair>()> served, const WebhookCertificates* own) {
  auto seconds = [served](absl::Time tls::Validity::*field) {
    return [served, field] {
      const std::shared_ptr<const tls::KeyPair> pair = served();
      return pair == nullptr
                 ? 0.0
                 : static_cast<double>(absl::ToUnixSeconds(tls::validity(*pair).*field));
    };
  };
  registry.callback_gauge(
      "kube_aws_iam_controller_webhook_certificate_not_after_timestamp_seconds",
      "When the admission webhook's serving certificate expires (Unix time; 0: none yet).",
      seconds(&tls::Validity::not_after));
  registry.callback_gauge(
      "kube_aws_iam_controller_webhook_certificate_not_before_timestamp_seconds",
      "When that certificate became valid (Unix time): with not_after, its lifetime.",
      seconds(&tls::Validity::not_before));
  if (own != nullptr) {
    registry.callback_gauge(
        "kube_aws_iam_controller_webhook_ca_bundle_current",
        "1 when the last round of the webhook's own certificates left the "
        "MutatingWebhookConfiguration's caBundle equal to the CA Secret, else 0.",
        [own] { return own->ca_bundle_current() ? 1.0 : 0.0; });
  }
}

void ControllerMetrics::reconciled(const ReconcileResult& result, absl::Duration took) {
  reconciles.inc({std::string(effect_name(result.effect))});
  reconcile_duration.observe(absl::ToDoubleSeconds(took));
  // controller-runtime's names for what the outcome does to the key.
  const metrics::Labels& controller = controller_label();
  std::string_view label = "error";
  if (const auto* done = std::get_if<Done>(&result.next)) {
    label = done->look_again_at ? "requeue_after" : "success";
  } else {
    runtime_errors.inc(controller);
    const auto* blocked = std::get_if<Blocked>(&result.next);
    if (blocked != nullptr && !blocked->recheck_after) runtime_terminal_errors.inc(controller);
  }
  runtime_reconciles.inc({std::string(kControllerName), std::string(label)});
  runtime_reconcile_time.observe(controller, absl::ToDoubleSeconds(took));
}

void ControllerMetrics::aws_attempt(const aws::ApiAttempt& attempt) {
  sts_requests.inc({std::string(attempt.operation), std::string(attempt.outcome)});
  sts_duration.observe({std::string(attempt.operation)}, absl::ToDoubleSeconds(attempt.latency));
}

void ControllerMetrics::admitted(AdmissionResult result, size_t warnings, absl::Duration took) {
  admission_reviews.inc({std::string(admission_result_name(result))});
  if (warnings > 0) admission_warnings.inc({}, static_cast<double>(warnings));
  admission_duration.observe(absl::ToDoubleSeconds(took));
}

void ControllerMetrics::kube_request(const kube::RequestInfo& request) {
  kube_requests.inc(
      {std::string(request.verb), std::string(request.resource), std::to_string(request.code)});
}

}  // namespace controller
