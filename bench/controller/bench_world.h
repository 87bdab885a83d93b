// The world of the end-to-end benchmarks: Kubernetes API simulators
// ("clusters") and one STS simulator in this process, both charging the
// measured latency model (DESIGN.md §5), and controller binaries as child
// processes at their default flags. Measures from outside, as a user would:
// a watch notes when each Secret appears; /proc tells RSS and CPU.
//
// Not thread-safe except where a method says so; one scenario drives it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pkg/http/http1_transport.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/sim/kube/server.h"

namespace bench {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

double seconds_between(SteadyClock::time_point from, SteadyClock::time_point to);
double percentile(std::vector<double> values, double p);
// "kube-sim: reads 1 ms (p99 5 ms), writes 8 ms (p99 40 ms), 429 above 200
// mutating in flight; STS: 30 ms (p99 90 ms), 500/s per account (burst 500)".
std::string describe(const sim::kube::LatencyModel& kube, const sim::aws::StsCostModel& sts);

// What the model alone costs from sending an AWSIAMRole create to its Secret
// existing: the create, one STS call and the Secret create, in sequence
// (percentile `p` of 100,000 samples, in ms). No controller can beat it.
double model_floor_ms(const sim::kube::LatencyModel& kube, const sim::aws::StsCostModel& sts,
                      double p);

// A controller binary at its default flags, plus what pointing it at the
// simulators takes (kubeconfig, STS endpoint, IMDS for the base role, a
// metrics port). SIGTERM on destruction.
class ControllerProcess {
 public:
  static util::StatusOr<std::unique_ptr<ControllerProcess>> start(
      const std::string& kubeconfig, const sim::aws::AwsSimulator& aws, const fs::path& log_path,
      const std::vector<std::string>& extra_args = {});
  ~ControllerProcess();
  ControllerProcess(const ControllerProcess&) = delete;
  ControllerProcess& operator=(const ControllerProcess&) = delete;

  // Until /readyz answers 200 (caches synced, leading, first pass done).
  bool wait_ready(std::chrono::seconds timeout) const;
  int64_t rss_kb() const;
  int64_t peak_rss_kb() const;
  double cpu_seconds() const;  // user + system so far
  // SIGTERM, then waits; the exit status and how long it took.
  int terminate(double* seconds = nullptr);
  const fs::path& log_path() const { return log_path_; }

 private:
  ControllerProcess(pid_t pid, int metrics_port, fs::path log_path)
      : pid_(pid), metrics_port_(metrics_port), log_path_(std::move(log_path)) {}
  pid_t pid_;
  int metrics_port_;
  fs::path log_path_;
  std::unique_ptr<http::Http1Transport> probe_ = *http::Http1Transport::create({});
};

// One Kubernetes API simulator with the AWSIAMRole CRD, namespaces ns-0...,
// a client, and a watch of the managed Secrets that notes when each first
// appears.
class Cluster {
 public:
  static util::StatusOr<std::unique_ptr<Cluster>> create(const fs::path& work,
                                                         const std::string& name,
                                                         sim::kube::LatencyModel model);
  ~Cluster();

  sim::kube::Server& sim() { return *sim_; }
  const std::string& kubeconfig() const { return kubeconfig_; }
  kube::RestClient& client() { return *client_; }

  util::Status create_namespaces(int count);
  // role-<first>..role-<first+count-1>, spread over `namespaces` namespaces,
  // `rate` per second (0: as fast as `senders` concurrent clients can).
  util::Status create_roles(int first, int count, int namespaces, double rate,
                            const std::string& role_reference, int senders = 16);
  // Thread-safe.
  size_t secrets_seen() const;
  bool wait_for_secrets(size_t n, std::chrono::seconds timeout) const;
  // Per role created: from sending the create to seeing its Secret (ms).
  std::vector<double> latencies_ms() const;
  SteadyClock::time_point first_sent() const;
  SteadyClock::time_point last_sent() const;
  SteadyClock::time_point last_seen() const;
  // Warning Events in the cluster, by reason.
  std::map<std::string, int> warnings();

 private:
  Cluster() = default;
  void watch_secrets(const std::stop_token& stop);

  util::RealClock clock_;
  std::unique_ptr<sim::kube::Server> sim_;
  std::string kubeconfig_;
  std::unique_ptr<http::Http1Transport> transport_;
  std::unique_ptr<kube::RestClient> client_;
  mutable util::Mutex mu_;
  mutable util::CondVar seen_cv_;
  std::map<std::string, SteadyClock::time_point> sent_ ABSL_GUARDED_BY(mu_);  // by namespace/name
  std::map<std::string, SteadyClock::time_point> seen_ ABSL_GUARDED_BY(mu_);
  std::jthread watcher_;
};

// The STS simulator with the sandbox's IAM world and the given costs.
util::StatusOr<std::unique_ptr<sim::aws::AwsSimulator>> start_aws(util::Clock& clock,
                                                                  sim::aws::StsCostModel model);

}  // namespace bench
