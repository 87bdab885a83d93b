// End-to-end benchmarks of the controller binary at its default flags against
// simulators that charge the measured latency model (bench_world.h). Each
// scenario prints what a user would notice, the model next to the figures,
// and one "csv," line for docs/benchmarks.md's tables and plot.
//
//   controller_e2e_bench burst     [roles=1000] [creates_per_second=200]
//   controller_e2e_bench scale     [roles=10000] [max_mutating_inflight=200]
//                                  (then idle and restart; a small in-flight limit
//                                  makes the apiserver answer 429 as APF does)
//   controller_e2e_bench throttled [roles=2000] [account_rps=50]
//   controller_e2e_bench clusters  [controllers=3] [roles_each=600] [account_rps=50]
//   controller_e2e_bench limit     [seconds=5] [clients=32]
//   controller_e2e_bench roles-anywhere-direct [roles=1000] [quota=10]
//                                  (--roles-anywhere-direct: every role from
//                                  CreateSession at a per-account quota; then a restart)
//
// KAIC_BENCH_CONTROLLER=<path> runs another build of the controller (an older
// one, for a before/after); KAIC_BENCH_WRAP="heaptrack -o /tmp/ht" runs it
// under a profiler.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "bench/controller/bench_world.h"
#include "pkg/kube/secret.h"
#include "pkg/util/strings.h"
#include "tests/pki/test_pki.h"

namespace bench {
namespace {

constexpr auto kConvergeTimeout = std::chrono::seconds(300);

struct World {
  fs::path work;
  util::RealClock clock;
  sim::kube::LatencyModel kube_model = sim::kube::LatencyModel::measured();
  sim::aws::StsCostModel sts_model = sim::aws::StsCostModel::measured();
  std::unique_ptr<sim::aws::AwsSimulator> aws;
  std::vector<std::unique_ptr<Cluster>> clusters;
  std::vector<std::unique_ptr<ControllerProcess>> controllers;

  World() : work(fs::temp_directory_path() / ("kaic-e2e-bench-" + std::to_string(getpid()))) {
    fs::create_directories(work);
  }
  ~World() {
    controllers.clear();
    clusters.clear();
    if (aws) aws->stop();
    if (keep_work) {
      std::cerr << "e2e_bench: logs kept in " << work.string() << "\n";
    } else {
      fs::remove_all(work);
    }
  }
  bool keep_work = false;                    // a failed run keeps the controllers' logs
  std::vector<std::string> controller_args;  // beyond the defaults

  // `count` clusters with `namespaces` namespaces each, and a controller in each.
  util::Status start(int count, int namespaces) {
    ASSIGN_OR_RETURN(aws, start_aws(clock, sts_model));
    for (int i = 0; i < count; ++i) {
      ASSIGN_OR_RETURN(auto cluster, Cluster::create(work, util::cat("c", i), kube_model));
      RETURN_IF_ERROR(cluster->create_namespaces(namespaces));
      clusters.push_back(std::move(cluster));
    }
    for (int i = 0; i < count; ++i)
      RETURN_IF_ERROR(start_controller(i));
    return util::ok_status();
  }

  util::Status start_controller(int i) {
    ASSIGN_OR_RETURN(
        auto controller,
        ControllerProcess::start(clusters[i]->kubeconfig(), *aws,
                                 work / util::cat("controller-", i, ".log"), controller_args));
    if (!controller->wait_ready(std::chrono::seconds(60))) {
      return util::deadline_exceeded_error(
          util::cat("controller not ready; see ", controller->log_path().string()));
    }
    if (controllers.size() <= static_cast<size_t>(i)) controllers.resize(i + 1);
    controllers[i] = std::move(controller);
    return util::ok_status();
  }

  int64_t assume_role(std::string_view result) const {
    return aws->calls().count("AssumeRole", result);
  }
  // STS calls of any kind (not the IMDS calls that fetch the base credentials).
  int64_t sts_calls() const {
    int64_t n = 0;
    for (const char* action : {"AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity"}) {
      n += static_cast<int64_t>(aws->calls().calls_of(action).size());
    }
    return n;
  }
};

int fail(const util::Status& status) {
  std::cerr << "e2e_bench: " << status << "\n";
  return 1;
}

int fail(World& world, const util::Status& status) {
  world.keep_work = true;
  return fail(status);
}

void print_latencies(const World& world, const Cluster& cluster) {
  const std::vector<double> ms = cluster.latencies_ms();
  std::printf(
      "CR create -> Secret seen on a watch: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      percentile(ms, 0.50), percentile(ms, 0.90), percentile(ms, 0.99), percentile(ms, 1.0));
  std::printf("  the model's floor (create + STS + Secret create): p50 %.1f ms, p99 %.1f ms\n",
              model_floor_ms(world.kube_model, world.sts_model, 0.5),
              model_floor_ms(world.kube_model, world.sts_model, 0.99));
}

void print_warnings(Cluster& cluster) {
  const auto warnings = cluster.warnings();
  std::string text;
  for (const auto& [reason, n] : warnings)
    text += util::cat(" ", reason, "=", n);
  std::printf("Warning Events:%s\n", text.empty() ? " none" : text.c_str());
}

// Writes by resource over `seconds` of idling, and STS calls.
void idle(World& world, int seconds) {
  sim::kube::Server& kube = world.clusters[0]->sim();
  ControllerProcess& controller = *world.controllers[0];
  const int64_t sts = world.sts_calls();
  const int64_t secrets = kube.counters().writes("secrets");
  const int64_t roles = kube.counters().writes("awsiamroles");
  const int64_t events = kube.counters().writes("events");
  const int64_t leases = kube.counters().writes("leases");
  const double cpu = controller.cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double used = controller.cpu_seconds() - cpu;
  std::printf(
      "idle %d s: %lld STS calls; writes: %lld Secrets, %lld AWSIAMRoles, %lld Events, "
      "%lld Leases (leader election renews every 2 s); CPU %.2f s = %.3f%% of a core\n",
      seconds, static_cast<long long>(world.sts_calls() - sts),
      static_cast<long long>(kube.counters().writes("secrets") - secrets),
      static_cast<long long>(kube.counters().writes("awsiamroles") - roles),
      static_cast<long long>(kube.counters().writes("events") - events),
      static_cast<long long>(kube.counters().writes("leases") - leases), used,
      100.0 * used / seconds);
}

// The controller process's CPU time so far (start-up included: 20-30 ms) per
// role it issued: one STS call, three writes and the watch events they cause.
void print_cpu_per_role(World& world, int roles) {
  const double cpu = world.controllers[0]->cpu_seconds();
  std::printf("controller CPU %.2f s for %d roles: %.2f ms per role\n", cpu, roles,
              1000 * cpu / roles);
}

int burst(int roles, double rate) {
  World world;
  if (auto s = world.start(1, 100); !s.ok()) return fail(world, s);
  Cluster& cluster = *world.clusters[0];
  std::printf("model: %s\n", describe(world.kube_model, world.sts_model).c_str());
  if (auto s = cluster.create_roles(0, roles, 100, rate, "team/app/my-role"); !s.ok()) {
    return fail(world, s);
  }
  if (!cluster.wait_for_secrets(roles, kConvergeTimeout)) {
    return fail(world, util::deadline_exceeded_error(
                           util::cat(cluster.secrets_seen(), " of ", roles, " Secrets")));
  }
  const double after_last_create = seconds_between(cluster.last_sent(), cluster.last_seen());
  std::printf(
      "%d roles created at %.0f/s over 100 namespaces: last Secret %.3f s after the "
      "last create (%.2f s from the first)\n",
      roles, rate, after_last_create, seconds_between(cluster.first_sent(), cluster.last_seen()));
  print_latencies(world, cluster);
  std::printf("STS AssumeRole: %lld OK, %lld Throttling\n",
              static_cast<long long>(world.assume_role("Success")),
              static_cast<long long>(world.assume_role("Throttling")));
  print_warnings(cluster);
  print_cpu_per_role(world, roles);
  std::printf("controller RSS %lld kB (peak %lld kB)\n",
              static_cast<long long>(world.controllers[0]->rss_kb()),
              static_cast<long long>(world.controllers[0]->peak_rss_kb()));
  const std::vector<double> ms = cluster.latencies_ms();
  std::printf("csv,burst,%d,%.0f,%.3f,%.1f,%.1f,%lld\n", roles, rate, after_last_create,
              percentile(ms, 0.5), percentile(ms, 0.99),
              static_cast<long long>(world.controllers[0]->rss_kb()));
  return 0;
}

int scale(int roles, int max_mutating_inflight) {
  World world;
  world.kube_model.max_mutating_inflight = max_mutating_inflight;
  const int namespaces = std::max(1, std::min(100, roles / 10));
  if (auto s = world.start(1, namespaces); !s.ok()) return fail(world, s);
  Cluster& cluster = *world.clusters[0];
  std::printf("model: %s\n", describe(world.kube_model, world.sts_model).c_str());
  if (auto s = cluster.create_roles(0, roles, namespaces, 0, "team/app/my-role", 32); !s.ok()) {
    return fail(world, s);
  }
  const double created = seconds_between(cluster.first_sent(), cluster.last_sent());
  if (!cluster.wait_for_secrets(roles, kConvergeTimeout)) {
    return fail(world, util::deadline_exceeded_error(
                           util::cat(cluster.secrets_seen(), " of ", roles, " Secrets")));
  }
  const double converged = seconds_between(cluster.first_sent(), cluster.last_seen());
  const std::vector<double> ms = cluster.latencies_ms();
  std::printf(
      "%d roles created as fast as 32 clients could (%.1f s): every Secret %.2f s after "
      "the first create\n",
      roles, created, converged);
  print_latencies(world, cluster);
  std::printf("STS AssumeRole: %lld OK, %lld Throttling; apiserver 429s: %lld\n",
              static_cast<long long>(world.assume_role("Success")),
              static_cast<long long>(world.assume_role("Throttling")),
              static_cast<long long>(cluster.sim().counters().inflight_limit_rejections()));
  // Let the Events of the burst drain (one writer, off the hot path), then idle.
  int64_t events = -1;
  for (int i = 0; i < 120 && cluster.sim().counters().writes("events") != events; ++i) {
    events = cluster.sim().counters().writes("events");
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  print_cpu_per_role(world, roles);
  std::this_thread::sleep_for(std::chrono::seconds(10));  // a sweep, and its trim
  const int64_t rss = world.controllers[0]->rss_kb();
  std::printf("controller RSS %lld kB (peak %lld kB) with %d roles and Secrets cached\n",
              static_cast<long long>(rss),
              static_cast<long long>(world.controllers[0]->peak_rss_kb()), roles);
  idle(world, 30);
  print_warnings(cluster);

  // Restart: a new process finds every Secret valid.
  double stop_seconds = 0;
  const int exit_status = world.controllers[0]->terminate(&stop_seconds);
  std::printf("SIGTERM -> exit: %.0f ms, exit status %d\n", stop_seconds * 1000, exit_status);
  const int64_t sts = world.sts_calls();
  const int64_t writes =
      cluster.sim().counters().writes() - cluster.sim().counters().writes("leases");
  const auto restart = SteadyClock::now();
  if (auto s = world.start_controller(0); !s.ok()) return fail(world, s);
  const double ready = seconds_between(restart, SteadyClock::now());
  std::this_thread::sleep_for(std::chrono::seconds(5));
  std::printf(
      "restart with %d valid Secrets: ready (caches synced, leading, every role looked "
      "at) in %.2f s; then %lld STS calls, %lld writes besides the Lease\n",
      roles, ready, static_cast<long long>(world.sts_calls() - sts),
      static_cast<long long>(cluster.sim().counters().writes() -
                             cluster.sim().counters().writes("leases") - writes));
  std::printf("restarted controller RSS %lld kB (peak %lld kB)\n",
              static_cast<long long>(world.controllers[0]->rss_kb()),
              static_cast<long long>(world.controllers[0]->peak_rss_kb()));
  std::printf("csv,scale,%d,%.2f,%.1f,%.1f,%lld,%.2f,%lld\n", roles, converged, percentile(ms, 0.5),
              percentile(ms, 0.99), static_cast<long long>(rss), ready,
              static_cast<long long>(world.controllers[0]->rss_kb()));
  return 0;
}

int throttled(int roles, double account_rps) {
  World world;
  world.sts_model.account_rps = account_rps;
  world.sts_model.account_burst = account_rps;
  if (auto s = world.start(1, 100); !s.ok()) return fail(world, s);
  Cluster& cluster = *world.clusters[0];
  std::printf("model: %s\n", describe(world.kube_model, world.sts_model).c_str());
  if (auto s = cluster.create_roles(0, roles, 100, 0, "team/app/my-role", 32); !s.ok()) {
    return fail(world, s);
  }
  if (!cluster.wait_for_secrets(roles, kConvergeTimeout)) {
    return fail(world, util::deadline_exceeded_error(
                           util::cat(cluster.secrets_seen(), " of ", roles, " Secrets")));
  }
  const double converged = seconds_between(cluster.first_sent(), cluster.last_seen());
  const double floor = (roles - account_rps) / account_rps;  // the burst goes at once
  const int64_t ok = world.assume_role("Success");
  const int64_t throttled = world.assume_role("Throttling");
  std::printf(
      "%d roles at once, STS throttled at %.0f/s per account: every Secret in %.1f s "
      "(floor %.1f s: %.0f%% above)\n",
      roles, account_rps, converged, floor, 100 * (converged / floor - 1));
  std::printf("STS AssumeRole: %lld OK, %lld Throttling (%.1f%% of calls)\n",
              static_cast<long long>(ok), static_cast<long long>(throttled),
              100.0 * static_cast<double>(throttled) / static_cast<double>(ok + throttled));
  print_latencies(world, cluster);
  print_warnings(cluster);
  std::printf("csv,throttled,%d,%.0f,%.1f,%.1f,%.2f\n", roles, account_rps, converged, floor,
              100.0 * static_cast<double>(throttled) / static_cast<double>(ok + throttled));
  return 0;
}

int clusters(int count, int roles_each, double account_rps) {
  World world;
  world.sts_model.account_rps = account_rps;
  world.sts_model.account_burst = account_rps;
  if (auto s = world.start(count, 20); !s.ok()) return fail(world, s);
  std::printf("model: %s; %d clusters (a kube-sim and a controller each), one AWS account\n",
              describe(world.kube_model, world.sts_model).c_str(), count);
  {
    std::vector<std::jthread> creators;
    creators.reserve(count);
    for (int i = 0; i < count; ++i) {
      creators.emplace_back([&world, i, roles_each] {
        (void)world.clusters[i]->create_roles(0, roles_each, 20, 0,
                                              util::cat("cluster-", i, "/app"), 16);
      });
    }
  }
  SteadyClock::time_point start = SteadyClock::time_point::max();
  for (auto& c : world.clusters)
    start = std::min(start, c->first_sent());
  std::vector<double> done;
  for (int i = 0; i < count; ++i) {
    if (!world.clusters[i]->wait_for_secrets(roles_each, kConvergeTimeout)) {
      return fail(world, util::deadline_exceeded_error(util::cat("cluster ", i, ": ",
                                                                 world.clusters[i]->secrets_seen(),
                                                                 " of ", roles_each, " Secrets")));
    }
    done.push_back(seconds_between(start, world.clusters[i]->last_seen()));
  }
  // Shares of the accepted calls while every cluster still had work.
  const double contended = *std::min_element(done.begin(), done.end());
  const absl::Time window_end =
      world.clock.system_now() -
      absl::Seconds(seconds_between(start, SteadyClock::now()) - contended);
  std::vector<int64_t> accepted(count, 0);
  int64_t total_ok = 0;
  int64_t total_throttled = 0;
  for (const auto& call : world.aws->calls().calls_of("AssumeRole")) {
    if (call.result == "Throttling") ++total_throttled;
    if (call.result != "Success") continue;
    ++total_ok;
    if (call.time > window_end) continue;
    for (int i = 0; i < count; ++i) {
      if (call.role_arn.find(util::cat("role/cluster-", i, "/")) != std::string::npos)
        ++accepted[i];
    }
  }
  int64_t in_window = 0;
  for (int64_t a : accepted)
    in_window += a;
  const double floor = (count * roles_each - account_rps) / account_rps;
  std::printf("%d x %d roles at once: done after", count, roles_each);
  for (double d : done)
    std::printf(" %.1f s", d);
  std::printf(" (floor for all %.1f s)\n", floor);
  std::printf("share of accepted calls while all were busy (first %.1f s):", contended);
  double worst = 0;
  for (int64_t a : accepted) {
    const double share = static_cast<double>(a) * count / static_cast<double>(in_window);
    worst = std::max(worst, std::abs(share - 1));
    std::printf(" %.2f", share);
  }
  std::printf(" of a fair share (worst %.0f%% off)\n", worst * 100);
  std::printf("STS AssumeRole: %lld OK, %lld Throttling (%.1f%% of calls)\n",
              static_cast<long long>(total_ok), static_cast<long long>(total_throttled),
              100.0 * static_cast<double>(total_throttled) /
                  static_cast<double>(total_ok + total_throttled));
  for (auto& c : world.clusters)
    print_warnings(*c);
  std::printf("csv,clusters,%d,%d,%.0f,%.1f,%.1f,%.0f,%.2f\n", count, roles_each, account_rps,
              *std::max_element(done.begin(), done.end()), floor, worst * 100,
              100.0 * static_cast<double>(total_throttled) /
                  static_cast<double>(total_ok + total_throttled));
  return 0;
}

// --roles-anywhere-direct: `roles` new AWSIAMRoles at once, each from its
// own CreateSession, at Roles Anywhere's per-account quota (AWS's default: 10
// requests/s) and STS's latency; then a restart with every Secret valid.
int roles_anywhere_direct(int roles, double quota) {
  World world;
  const pki::testing::TestPki& pki = pki::testing::TestPki::instance();
  const std::string anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/bench";
  const std::string profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/bench";
  sim::aws::StsCostModel create_session = sim::aws::StsCostModel::measured();
  create_session.account_rps = quota;
  create_session.account_burst = quota;
  auto aws = start_aws(world.clock, world.sts_model);
  if (!aws.ok()) return fail(world, aws.status());
  world.aws = std::move(*aws);
  world.aws->set_roles_anywhere_cost_model(create_session);
  if (auto s = world.aws->iam().add_trust_anchor(
          {.arn = anchor, .certificate_bundle = pki.read("trust-anchor.pem")});
      !s.ok()) {
    return fail(world, s);
  }
  if (auto s = world.aws->iam().add_profile(
          {.arn = profile, .role_arns = {"arn:aws:iam::123456789012:role/*"}});
      !s.ok()) {
    return fail(world, s);
  }
  world.controller_args = {"--roles-anywhere-direct",
                           "--roles-anywhere-trust-anchor-arn=" + anchor,
                           "--roles-anywhere-profile-arn=" + profile,
                           "--roles-anywhere-certificate=" + pki.path("ec.pem"),
                           "--roles-anywhere-private-key=" + pki.path("ec.key"),
                           "--roles-anywhere-certificate-chain=" + pki.path("chain.pem"),
                           "--roles-anywhere-endpoint=" + world.aws->roles_anywhere_endpoint()};
  auto cluster = Cluster::create(world.work, "c0", world.kube_model);
  if (!cluster.ok()) return fail(world, cluster.status());
  world.clusters.push_back(std::move(*cluster));
  Cluster& c = *world.clusters[0];
  if (auto s = c.create_namespaces(100); !s.ok()) return fail(world, s);
  if (auto s = world.start_controller(0); !s.ok()) return fail(world, s);
  std::printf("model: %s; CreateSession: the STS latency, %.0f/s per account (burst %.0f)\n",
              describe(world.kube_model, world.sts_model).c_str(), quota, quota);
  if (auto s = c.create_roles(0, roles, 100, 0, "team/app/my-role", 32); !s.ok()) {
    return fail(world, s);
  }
  if (!c.wait_for_secrets(roles, kConvergeTimeout)) {
    return fail(world, util::deadline_exceeded_error(
                           util::cat(c.secrets_seen(), " of ", roles, " Secrets")));
  }
  const double converged = seconds_between(c.first_sent(), c.last_seen());
  const double floor = (roles - quota) / quota;  // the burst goes at once
  const int64_t ok = world.aws->calls().count("CreateSession", "Success");
  const int64_t throttled = world.aws->calls().count("CreateSession", "ThrottlingException");
  const int64_t other =
      static_cast<int64_t>(world.aws->calls().calls_of("CreateSession").size()) - ok - throttled;
  const double throttled_pct =
      100.0 * static_cast<double>(throttled) / static_cast<double>(ok + throttled);
  std::printf(
      "%d roles at once, CreateSession at %.0f/s per account: every Secret in %.1f s "
      "(floor %.1f s: %.0f%% above)\n",
      roles, quota, converged, floor, 100 * (converged / floor - 1));
  std::printf(
      "CreateSession: %lld OK, %lld ThrottlingException (%.1f%% of calls), %lld other; "
      "STS calls: %lld\n",
      static_cast<long long>(ok), static_cast<long long>(throttled), throttled_pct,
      static_cast<long long>(other), static_cast<long long>(world.sts_calls()));
  print_latencies(world, c);
  print_warnings(c);
  std::printf("controller CPU %.2f s, RSS %lld kB\n", world.controllers[0]->cpu_seconds(),
              static_cast<long long>(world.controllers[0]->rss_kb()));

  // A restart with every Secret valid: no CreateSession, no write.
  const int64_t calls_before =
      static_cast<int64_t>(world.aws->calls().calls_of("CreateSession").size());
  const int64_t secret_writes = c.sim().counters().writes("secrets");
  world.controllers[0]->terminate();
  if (auto s = world.start_controller(0); !s.ok()) return fail(world, s);
  const int64_t restart_calls =
      static_cast<int64_t>(world.aws->calls().calls_of("CreateSession").size()) - calls_before;
  std::printf(
      "restart with %d valid Secrets: ready, %lld CreateSession calls, %lld Secret writes\n", roles,
      static_cast<long long>(restart_calls),
      static_cast<long long>(c.sim().counters().writes("secrets") - secret_writes));
  std::printf("csv,roles-anywhere-direct,%d,%.0f,%.1f,%.1f,%.2f,%lld\n", roles, quota, converged,
              floor, throttled_pct, static_cast<long long>(restart_calls));
  return 0;
}

// The simulator's own write capacity under the model, with the smallest
// client that can use it: `clients` threads creating Secrets back to back.
int limit(int seconds, int clients) {
  World world;  // only its models and clock: no controller, no STS
  sim::kube::ServerOptions options;
  options.latency_model = world.kube_model;
  auto kube_sim = sim::kube::Server::create(options);
  if (!kube_sim.ok()) return fail(kube_sim.status());
  if (auto s = (*kube_sim)->start(); !s.ok()) return fail(world, s);
  auto transport = *http::Http1Transport::create({.max_connections_per_host = clients + 4});
  kube::RestClient client(*kube::config_from_url((*kube_sim)->url()), *transport, world.clock,
                          {.qps = 0});
  std::atomic<int64_t> written{0};
  const auto deadline = SteadyClock::now() + std::chrono::seconds(seconds);
  {
    std::vector<std::jthread> threads;
    threads.reserve(clients);
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; SteadyClock::now() < deadline; ++i) {
          const kube::Object secret =
              kube::SecretBuilder("default", util::cat("s-", t, "-", i)).build();
          if (client.create(kube::Resource::secrets(), secret).ok()) ++written;
        }
      });
    }
  }
  const double rate = static_cast<double>(written.load()) / seconds;
  std::printf("model: %s\n", describe(world.kube_model, world.sts_model).c_str());
  std::printf(
      "the simulator's write capacity with %d clients creating back to back: %.0f "
      "writes/s\n",
      clients, rate);
  std::printf("csv,limit,%d,%.0f\n", clients, rate);
  (*kube_sim)->stop();
  return 0;
}

int usage() {
  std::cerr << "usage: controller_e2e_bench burst|scale|throttled|clusters|limit|"
               "roles-anywhere-direct [args...]\n";
  return 2;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  if (argc < 2) return bench::usage();
  const std::string scenario = argv[1];
  auto arg = [&](int i, double fallback) { return argc > i ? std::stod(argv[i]) : fallback; };
  if (scenario == "burst") return bench::burst(static_cast<int>(arg(2, 1000)), arg(3, 200));
  if (scenario == "scale") {
    return bench::scale(
        static_cast<int>(arg(2, 10000)),
        static_cast<int>(arg(3, sim::kube::LatencyModel::measured().max_mutating_inflight)));
  }
  if (scenario == "throttled") return bench::throttled(static_cast<int>(arg(2, 2000)), arg(3, 50));
  if (scenario == "clusters") {
    return bench::clusters(static_cast<int>(arg(2, 3)), static_cast<int>(arg(3, 600)), arg(4, 50));
  }
  if (scenario == "roles-anywhere-direct") {
    return bench::roles_anywhere_direct(static_cast<int>(arg(2, 1000)), arg(3, 10));
  }
  if (scenario == "limit")
    return bench::limit(static_cast<int>(arg(2, 5)), static_cast<int>(arg(3, 32)));
  return bench::usage();
}
