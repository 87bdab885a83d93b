// The controller's Prometheus metrics (documented in docs/operations.md): its
// own, the ones Kubernetes controllers share (client-go's workqueue_* and
// controller-runtime's controller_runtime_*, so existing dashboards work), and
// the process metrics every exporter carries (RSS, CPU).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "controller/metrics.h"
#include "pkg/aws/sts_client.h"
#include "pkg/kube/rest_client.h"
#include "pkg/kube/work_queue.h"

namespace controller {

// The `name`/`controller` label value of the workqueue_* and
// controller_runtime_* metrics (controller-runtime names both after the
// controller).
inline constexpr std::string_view kControllerName = "awsiamrole";

// client-go's workqueue metrics for the controller's queue; the gauges
// (depth, unfinished work, longest running processor) are read from the queue
// when scraped (register_queue_gauges).
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

// controller-runtime's result label of controller_runtime_reconcile_total.
enum class ReconcileResult { kSuccess, kRequeueAfter, kError, kTerminalError };

struct ControllerMetrics {
  explicit ControllerMetrics(metrics::Registry& registry);

  // result: issued, unchanged, repaired, deleted, invalid, error.
  void reconciled(std::string_view result, absl::Duration took);
  // One AWS API attempt, STS's or CreateSession's: the sts_requests and
  // sts_duration series (their names are older than Roles Anywhere).
  void aws_attempt(const aws::ApiAttempt& attempt);
  void kube_request(const kube::RequestInfo& request);
  // One reconcile as controller-runtime counts it.
  void reconcile_result(ReconcileResult result, absl::Duration took);

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
};

// client-go's queue gauges (workqueue_depth, _unfinished_work_seconds,
// _longest_running_processor_seconds) and controller-runtime's worker gauges
// (controller_runtime_active_workers, _max_concurrent_reconciles), read from
// the queue when scraped.
void register_queue_gauges(metrics::Registry& registry, std::function<size_t()> depth,
                           const std::function<kube::WorkQueue::InFlight()>& in_flight,
                           int workers);

// User + system CPU seconds of the process whose /proc directory is
// `proc_dir` ("/proc/self", "/proc/1234"); 0 when unreadable.
double process_cpu_seconds(const std::string& proc_dir);

// process_resident_memory_bytes and process_cpu_seconds_total, read from
// /proc/self when scraped.
void register_process_metrics(metrics::Registry& registry);

}  // namespace controller
