#include "bench/controller/bench_world.h"

#include <absl/random/random.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "controller/loop/reconciler.h"
#include "pkg/kube/config.h"
#include "pkg/kube/json.h"
#include "pkg/metrics/process_stats.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/config_loader.h"

namespace bench {
namespace {

int free_port() {
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(sock);
    return 0;  // the controller then fails to start, and says why
  }
  socklen_t len = sizeof(addr);
  getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  close(sock);
  return ntohs(addr.sin_port);
}

int64_t proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

SteadyClock::time_point latest(const std::map<std::string, SteadyClock::time_point>& times) {
  SteadyClock::time_point last{};
  for (const auto& [key, t] : times)
    last = std::max(last, t);
  return last;
}

std::string millis(absl::Duration d) {
  return util::cat(absl::ToDoubleMilliseconds(d), " ms");
}

}  // namespace

double seconds_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index =
      std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

std::string describe(const sim::kube::LatencyModel& kube, const sim::aws::StsCostModel& sts) {
  std::string out = util::cat(
      "kube-sim: reads ", millis(kube.read.median), " (p99 ", millis(kube.read.p99), "), writes ",
      millis(kube.write.median), " (p99 ", millis(kube.write.p99), "), 429 above ",
      kube.max_mutating_inflight, " mutating in flight; STS: ", millis(sts.latency.median),
      " (p99 ", millis(sts.latency.p99), ")");
  if (sts.account_rps > 0) {
    out += util::cat(", ", sts.account_rps, "/s per account (burst ",
                     sts.account_burst > 0 ? sts.account_burst : sts.account_rps, ")");
  }
  return out;
}

double model_floor_ms(const sim::kube::LatencyModel& kube, const sim::aws::StsCostModel& sts,
                      double p) {
  absl::BitGen random;
  std::vector<double> samples;
  samples.reserve(100'000);
  for (int i = 0; i < 100'000; ++i) {
    samples.push_back(absl::ToDoubleMilliseconds(
        kube.write.sample(random) + sts.latency.sample(random) + kube.write.sample(random)));
  }
  return percentile(std::move(samples), p);
}

// --- ControllerProcess ---

util::StatusOr<std::unique_ptr<ControllerProcess>> ControllerProcess::start(
    const std::string& kubeconfig, const sim::aws::AwsSimulator& aws, const fs::path& log_path,
    const std::vector<std::string>& extra_args) {
  const int metrics_port = free_port();
  std::vector<std::string> args;
  // KAIC_BENCH_WRAP="heaptrack -o /tmp/ht": profile the controller.
  if (const char* wrap = std::getenv("KAIC_BENCH_WRAP");  // NOLINT(concurrency-mt-unsafe)
      wrap != nullptr) {
    for (std::string_view word : util::split(wrap, ' ')) {
      if (!word.empty()) args.emplace_back(word);
    }
  }
  // KAIC_BENCH_CONTROLLER: another build of the controller, e.g. an older one.
  const char* binary = std::getenv("KAIC_BENCH_CONTROLLER");  // NOLINT(concurrency-mt-unsafe)
  args.insert(args.end(), {binary != nullptr ? binary : KAIC_CONTROLLER_PATH,
                           "--kubeconfig=" + kubeconfig, "--sts-endpoint=" + aws.sts_endpoint(),
                           "--metrics-address=127.0.0.1:" + std::to_string(metrics_port)});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  // The base role comes from the (simulated) instance profile, as on EC2.
  std::string imds = "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + aws.imds_endpoint();
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("AWS_", 0) != 0) env.push_back(*e);
  }
  env.push_back(imds.data());
  env.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return util::internal_error(util::cat("cannot start ", argv[0]));
  return std::unique_ptr<ControllerProcess>(new ControllerProcess(pid, metrics_port, log_path));
}

ControllerProcess::~ControllerProcess() {
  if (pid_ > 0) terminate();
}

bool ControllerProcess::wait_ready(std::chrono::seconds timeout) const {
  const auto deadline = SteadyClock::now() + timeout;
  const std::string url = util::cat("http://127.0.0.1:", metrics_port_, "/readyz");
  while (SteadyClock::now() < deadline) {
    auto r = probe_->send({.method = http::Method::kGet, .url = url});
    if (r.ok() && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int64_t ControllerProcess::rss_kb() const {
  return proc_status_kb(pid_, "VmRSS");
}

int64_t ControllerProcess::peak_rss_kb() const {
  return proc_status_kb(pid_, "VmHWM");
}

double ControllerProcess::cpu_seconds() const {
  return metrics::process_cpu_seconds(util::cat("/proc/", pid_));
}

int ControllerProcess::terminate(double* seconds) {
  if (pid_ <= 0) return -1;
  const auto sent = SteadyClock::now();
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (seconds != nullptr) *seconds = seconds_between(sent, SteadyClock::now());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// --- Cluster ---

util::StatusOr<std::unique_ptr<Cluster>> Cluster::create(const fs::path& work,
                                                         const std::string& name,
                                                         sim::kube::LatencyModel model) {
  std::unique_ptr<Cluster> cluster(new Cluster());
  sim::kube::ServerOptions options;
  options.latency_model = model;
  options.max_threads = 1024;
  options.history_size = 100'000;  // the benchmark's own watch must never fall behind
  ASSIGN_OR_RETURN(cluster->sim_, sim::kube::Server::create(options));
  RETURN_IF_ERROR(cluster->sim_->start());
  cluster->kubeconfig_ = (work / ("kubeconfig-" + name)).string();
  RETURN_IF_ERROR(cluster->sim_->write_kubeconfig(cluster->kubeconfig_, util::SecretString("")));
  const std::string apply = util::cat("kubectl --kubeconfig ", cluster->kubeconfig_, " apply -f ",
                                      KAIC_SOURCE_DIR, "/crd/awsiamrole-crd.yaml >/dev/null");
  if (std::system(apply.c_str()) != 0) {  // NOLINT(concurrency-mt-unsafe)
    return util::internal_error("kubectl apply of the CRD failed");
  }
  ASSIGN_OR_RETURN(cluster->transport_,
                   http::Http1Transport::create({.max_connections_per_host = 128}));
  ASSIGN_OR_RETURN(const kube::Config config, kube::config_from_url(cluster->sim_->url()));
  cluster->client_ = std::make_unique<kube::RestClient>(
      config, *cluster->transport_, cluster->clock_, kube::RestClientOptions{.qps = 0});
  Cluster* raw = cluster.get();
  cluster->watcher_ =
      std::jthread([raw](const std::stop_token& stop) { raw->watch_secrets(stop); });
  return cluster;
}

Cluster::~Cluster() {
  watcher_.request_stop();
  if (sim_) sim_->drop_watches();
  if (watcher_.joinable()) watcher_.join();
  if (sim_) sim_->stop();
}

void Cluster::watch_secrets(const std::stop_token& stop) {
  const std::string selector = "heritage=kube-aws-iam-controller";
  std::string rv;
  while (!stop.stop_requested()) {
    if (rv.empty()) {
      auto list =
          client_->list(kube::Resource::secrets(), "", {.label_selector = selector, .stop = stop});
      if (!list.ok()) continue;
      rv = list->resource_version;
    }
    (void)client_->watch(
        kube::Resource::secrets(), "", {.label_selector = selector, .resource_version = rv},
        [&](kube::WatchEvent&& event) {
          rv = std::string(event.object.resource_version());
          if (event.type == kube::WatchEventType::kAdded) {
            util::MutexLock lock(mu_);
            seen_.emplace(event.object.key(), SteadyClock::now());
            seen_cv_.notify_all();
          }
          return true;
        },
        stop);
  }
}

util::Status Cluster::create_namespaces(int count) {
  for (int i = 0; i < count; ++i) {
    auto ns = kube::Object::parse(
        util::cat(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-)", i, R"("}})"));
    RETURN_IF_ERROR(client_->create(kube::Resource::namespaces(), *ns).status());
  }
  return util::ok_status();
}

util::Status Cluster::create_roles(int first, int count, int namespaces, double rate,
                                   const std::string& role_reference, int senders) {
  const auto start = SteadyClock::now();
  util::Mutex error_mu;
  util::Status first_error;
  {
    std::vector<std::jthread> threads;
    threads.reserve(senders);
    for (int s = 0; s < senders; ++s) {
      threads.emplace_back([&, s] {
        for (int i = s; i < count; i += senders) {
          if (rate > 0) {
            std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                                      std::chrono::duration<double>(i / rate)));
          }
          const int n = first + i;
          const std::string ns = util::cat("ns-", n % namespaces);
          const std::string name = util::cat("role-", n);
          auto role = kube::Object::parse(util::cat(
              R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":")", name,
              R"(","namespace":")", ns, R"("},"spec":{"roleReference":")", role_reference,
              R"("}})"));
          {
            util::MutexLock lock(mu_);
            sent_[util::cat(ns, "/", name)] = SteadyClock::now();
          }
          const util::Status created =
              client_->create(controller::awsiamroles_resource(), *role).status();
          if (!created.ok()) {
            util::MutexLock lock(error_mu);
            if (first_error.ok()) first_error = created;
          }
        }
      });
    }
  }
  util::MutexLock lock(error_mu);
  return first_error;
}

size_t Cluster::secrets_seen() const {
  util::MutexLock lock(mu_);
  return seen_.size();
}

bool Cluster::wait_for_secrets(size_t n, std::chrono::seconds timeout) const {
  util::RealClock real;
  const util::MonotonicTime deadline = real.monotonic_now() + absl::FromChrono(timeout);
  util::MutexLock lock(mu_);
  while (seen_.size() < n) {
    if (real.wait_until(seen_cv_, mu_, deadline) && seen_.size() < n) return false;
  }
  return true;
}

std::vector<double> Cluster::latencies_ms() const {
  util::MutexLock lock(mu_);
  std::vector<double> out;
  for (const auto& [key, sent] : sent_) {
    auto seen = seen_.find(key);
    if (seen != seen_.end()) {
      out.push_back(std::chrono::duration<double, std::milli>(seen->second - sent).count());
    }
  }
  return out;
}

SteadyClock::time_point Cluster::first_sent() const {
  util::MutexLock lock(mu_);
  if (sent_.empty()) return SteadyClock::time_point::max();
  return std::min_element(sent_.begin(), sent_.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->second;
}

SteadyClock::time_point Cluster::last_sent() const {
  util::MutexLock lock(mu_);
  return latest(sent_);
}

SteadyClock::time_point Cluster::last_seen() const {
  util::MutexLock lock(mu_);
  return latest(seen_);
}

std::map<std::string, int> Cluster::warnings() {
  std::map<std::string, int> out;
  auto events = client_->list(kube::Resource::events(), "");
  if (!events.ok()) return out;
  for (const kube::Object& event : events->items) {
    if (kube::json::get_string(event.json(), "type") == "Warning") {
      ++out[std::string(kube::json::get_string(event.json(), "reason"))];
    }
  }
  return out;
}

util::StatusOr<std::unique_ptr<sim::aws::AwsSimulator>> start_aws(util::Clock& clock,
                                                                  sim::aws::StsCostModel model) {
  ASSIGN_OR_RETURN(sim::aws::IamConfig iam,
                   sim::aws::load_iam_config(std::string(KAIC_SOURCE_DIR) +
                                             "/tests/sim/aws/sandbox-config.yaml"));
  sim::aws::AwsSimulator::Options options;
  options.config = std::move(iam);
  options.sts_threads = 256;  // three controllers' connection pools
  options.call_log_capacity = 1'000'000;
  options.sts_cost_model = model;
  ASSIGN_OR_RETURN(auto aws, sim::aws::AwsSimulator::create(std::move(options), clock));
  RETURN_IF_ERROR(aws->start());
  return aws;
}

}  // namespace bench
