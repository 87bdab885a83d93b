// The controller's Prometheus metrics (documented in docs/operations.md), and
// the process metrics every exporter carries (RSS, CPU).
#pragma once

#include <string>
#include <string_view>

#include "controller/metrics.h"
#include "pkg/aws/sts_client.h"
#include "pkg/kube/rest_client.h"

namespace controller {

struct ControllerMetrics {
  explicit ControllerMetrics(metrics::Registry& registry);

  // result: issued, unchanged, repaired, deleted, invalid, error.
  void reconciled(std::string_view result, absl::Duration took);
  void sts_attempt(const aws::StsAttempt& attempt);
  void kube_request(const kube::RequestInfo& request);

  metrics::Registry& registry;
  metrics::Counter& reconciles;
  metrics::Histogram& reconcile_duration;
  metrics::Counter& sts_requests;
  metrics::Histogram& sts_duration;
  metrics::Counter& kube_requests;
  metrics::Gauge& leader;
};

// User + system CPU seconds of the process whose /proc directory is
// `proc_dir` ("/proc/self", "/proc/1234"); 0 when unreadable.
double process_cpu_seconds(const std::string& proc_dir);

// process_resident_memory_bytes and process_cpu_seconds_total, read from
// /proc/self when scraped.
void register_process_metrics(metrics::Registry& registry);

}  // namespace controller
