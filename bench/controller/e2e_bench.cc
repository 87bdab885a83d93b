// End-to-end scale benchmark of the controller binary: the Kubernetes API and
// STS/IMDS simulators run in this process on loopback; the controller runs as
// a child process. Creates N AWSIAMRoles at a steady rate and measures, for
// each, the time from sending the create to seeing its Secret on a watch;
// then the controller's idle RSS, its calls while idle, and SIGTERM time.
//
//   e2e_bench [roles=1000] [creates_per_second=50]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

#include "controller/reconciler.h"
#include "pkg/http/curl_transport.h"
#include "pkg/kube/config.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/mutex.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/sim/aws/config_loader.h"
#include "tests/sim/kube/server.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

int free_port() {
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  close(sock);
  return ntohs(addr.sin_port);
}

std::string proc_status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
  }
  return "?";
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

int fail(const std::string& what) {
  std::cerr << "e2e_bench: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const int roles = argc > 1 ? std::stoi(argv[1]) : 1000;
  const double rate = argc > 2 ? std::stod(argv[2]) : 50;
  const fs::path source(KAIC_SOURCE_DIR);
  const fs::path work = fs::temp_directory_path() / ("kaic-e2e-bench-" + std::to_string(getpid()));
  fs::create_directories(work);

  util::RealClock clock;
  auto kube_sim = *sim::kube::Server::create({});
  if (!kube_sim->start().ok()) return fail("kube-sim did not start");
  const std::string kubeconfig = (work / "kubeconfig").string();
  if (!kube_sim->write_kubeconfig(kubeconfig, util::SecretString("")).ok()) {
    return fail("cannot write kubeconfig");
  }
  const std::string apply = "kubectl --kubeconfig " + kubeconfig + " apply -f " +
                            (source / "crd/awsiamrole-crd.yaml").string() + " >/dev/null";
  if (std::system(apply.c_str()) != 0) return fail("kubectl apply of the CRD failed");
  auto iam = sim::aws::load_iam_config((source / "tests/sim/aws/sandbox-config.yaml").string());
  if (!iam.ok()) return fail("sandbox config: " + iam.status().message());
  auto aws_sim = *sim::aws::AwsSimulator::create({.config = *iam}, clock);
  if (!aws_sim->start().ok()) return fail("aws-sim did not start");

  auto transport = *http::CurlTransport::create({});
  kube::RestClient kube(*kube::config_from_url(kube_sim->url()), *transport, clock, {.qps = 0});
  auto ns = *kube::Object::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench"}})");
  if (!kube.create(kube::Resource::namespaces(), ns).ok()) return fail("cannot create namespace");

  // The controller, as deployed, but with client limits raised for the burst.
  const int metrics_port = free_port();
  const std::string log_path = (work / "controller.log").string();
  std::vector<std::string> args = {KAIC_CONTROLLER_PATH,
                                   "--kubeconfig=" + kubeconfig,
                                   "--sts-endpoint=" + aws_sim->sts_endpoint(),
                                   "--base-role-arn=arn:aws:iam::123456789012:role/",
                                   "--metrics-address=127.0.0.1:" + std::to_string(metrics_port),
                                   "--leader-elect=false",
                                   "--sts-qps=500",
                                   "--sts-burst=500",
                                   "--kube-qps=2000",
                                   "--kube-burst=2000"};
  std::vector<char*> argv_c;
  for (std::string& a : args) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  std::string imds_env = "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + aws_sim->imds_endpoint();
  std::vector<char*> env_c;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("AWS_", 0) != 0) env_c.push_back(*e);
  }
  env_c.push_back(imds_env.data());
  env_c.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  if (posix_spawn(&pid, argv_c[0], &actions, nullptr, argv_c.data(), env_c.data()) != 0) {
    return fail("cannot start the controller");
  }

  // Secrets as a client sees them: first ADDED per name.
  util::Mutex mu;
  std::map<std::string, SteadyClock::time_point> seen;
  std::map<std::string, SteadyClock::time_point> sent;
  auto list = kube.list(kube::Resource::secrets(), "bench");
  std::stop_source stop_watch;
  std::jthread watcher([&] {
    (void)kube.watch(kube::Resource::secrets(), "bench",
               {.resource_version = list->resource_version},
               [&](kube::WatchEvent&& event) {
                 if (event.type == kube::WatchEventType::kAdded) {
                   util::MutexLock lock(mu);
                   seen.emplace(std::string(event.object.name()), SteadyClock::now());
                 }
                 return true;
               },
               stop_watch.get_token());
  });

  // Wait for the controller to be ready before the clock starts.
  auto health = *http::CurlTransport::create({});
  const auto ready_deadline = SteadyClock::now() + std::chrono::seconds(30);
  for (;;) {
    auto r = health->send({.method = http::Method::kGet,
                           .url = "http://127.0.0.1:" + std::to_string(metrics_port) + "/readyz"});
    if (r.ok() && r->status == 200) break;
    if (SteadyClock::now() > ready_deadline) return fail("controller not ready; see " + log_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  const auto interval = std::chrono::duration<double>(1.0 / rate);
  const auto start = SteadyClock::now();
  for (int i = 0; i < roles; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(interval * i));
    const std::string name = "role-" + std::to_string(i);
    auto role = *kube::Object::parse(
        R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":")" + name +
        R"(","namespace":"bench"},"spec":{"roleReference":"team/app/my-role"}})");
    {
      util::MutexLock lock(mu);
      sent[name] = SteadyClock::now();
    }
    if (!kube.create(controller::awsiamroles_resource(), role).ok()) return fail("create failed");
  }
  const auto all_deadline = SteadyClock::now() + std::chrono::seconds(120);
  for (;;) {
    {
      util::MutexLock lock(mu);
      if (seen.size() >= static_cast<size_t>(roles)) break;
    }
    if (SteadyClock::now() > all_deadline) return fail("not every Secret appeared; see " + log_path);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const double burst_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::vector<double> latencies_ms;
  {
    util::MutexLock lock(mu);
    for (const auto& [name, t] : sent) {
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(seen.at(name) - t).count());
    }
  }

  // Idle: let the status writes and events settle, then watch nothing happen.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const int64_t sts_before = aws_sim->calls().total();
  const int64_t writes_before = kube_sim->counters().writes();
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const int64_t idle_sts = aws_sim->calls().total() - sts_before;
  const int64_t idle_writes = kube_sim->counters().writes() - writes_before;
  const std::string rss = proc_status_field(pid, "VmRSS");
  const std::string hwm = proc_status_field(pid, "VmHWM");

  const auto term_sent = SteadyClock::now();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  const double term_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - term_sent).count();
  stop_watch.request_stop();
  kube_sim->drop_watches();

  std::printf("roles: %d created at %.0f/s; all Secrets written in %.2f s\n", roles, rate,
              burst_seconds);
  std::printf("CR create -> Secret seen on a watch: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              percentile(latencies_ms, 0.50), percentile(latencies_ms, 0.90),
              percentile(latencies_ms, 0.99), percentile(latencies_ms, 1.0));
  std::printf("controller idle with %d roles: VmRSS %s, VmHWM %s\n", roles, rss.c_str(), hwm.c_str());
  std::printf("in 10 s idle: %lld STS calls, %lld Kubernetes writes\n",
              static_cast<long long>(idle_sts), static_cast<long long>(idle_writes));
  std::printf("SIGTERM -> exit: %.0f ms, exit status %d\n", term_ms,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  aws_sim->stop();
  kube_sim->stop();
  fs::remove_all(work);
  return 0;
}
