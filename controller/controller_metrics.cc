#include "controller/controller_metrics.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "controller/build_info.h"

namespace controller {

ControllerMetrics::ControllerMetrics(metrics::Registry& r)
    : registry(r),
      reconciles(r.counter("kube_aws_iam_controller_reconciles_total",
                           "Reconciles of AWSIAMRole keys, by result.", {"result"})),
      reconcile_duration(r.histogram("kube_aws_iam_controller_reconcile_duration_seconds",
                                     "Time to reconcile one key.", {}, metrics::latency_buckets())),
      sts_requests(r.counter("kube_aws_iam_controller_sts_requests_total",
                             "STS request attempts, by operation and outcome.",
                             {"operation", "outcome"})),
      sts_duration(r.histogram("kube_aws_iam_controller_sts_request_duration_seconds",
                               "Latency of STS request attempts.", {"operation"},
                               metrics::latency_buckets())),
      kube_requests(r.counter("kube_aws_iam_controller_kube_requests_total",
                              "Kubernetes API requests, by verb, resource and HTTP code.",
                              {"verb", "resource", "code"})),
      leader(r.gauge("kube_aws_iam_controller_leader",
                     "1 when this replica holds the leader Lease (or runs unelected).")) {}

void ControllerMetrics::reconciled(std::string_view result, absl::Duration took) {
  reconciles.inc({std::string(result)});
  reconcile_duration.observe(absl::ToDoubleSeconds(took));
}

void ControllerMetrics::sts_attempt(const aws::StsAttempt& attempt) {
  sts_requests.inc({std::string(attempt.operation), std::string(attempt.outcome)});
  sts_duration.observe({std::string(attempt.operation)}, absl::ToDoubleSeconds(attempt.latency));
}

void ControllerMetrics::kube_request(const kube::RequestInfo& request) {
  kube_requests.inc(
      {std::string(request.verb), std::string(request.resource), std::to_string(request.code)});
}

namespace {

double resident_bytes() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  in >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

}  // namespace

double process_cpu_seconds(const std::string& proc_dir) {
  // Fields 14 (utime) and 15 (stime), in clock ticks; the command name
  // (field 2) may contain spaces, so parse after its ')'.
  std::ifstream in(proc_dir + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t end = stat.rfind(')');
  if (end == std::string::npos) return 0;
  std::istringstream fields(stat.substr(end + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void register_process_metrics(metrics::Registry& registry) {
  registry
      .gauge("kube_aws_iam_controller_build_info",
             "Always 1; the labels say which version and source revision is running.",
             {"version", "revision"})
      .set({std::string(version()), std::string(revision())}, 1);
  registry.callback_gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                          resident_bytes);
  registry.callback_gauge("process_cpu_seconds_total",
                          "Total user and system CPU time spent in seconds.",
                          [] { return process_cpu_seconds("/proc/self"); });
}

}  // namespace controller
