// pkg/kube against the in-process API simulator over real HTTP (loopback,
// Http1Transport): informer initial sync of N Secrets (paged by 500), and
// watch event throughput (M updates streamed from history to one watch).
// Usage: kube_sim_bench [N=10000] [M=10000]
#include <cstdio>
#include <thread>
#include <vector>

#include "bench/kube/bench_data.h"
#include "pkg/http/http1_transport.h"
#include "pkg/kube/informer.h"
#include "pkg/kube/secret.h"
#include "tests/sim/kube/server.h"

namespace {

using namespace kube;  // NOLINT(google-build-using-namespace): a small main

double seconds_since(util::Clock& clock, util::MonotonicTime start) {
  return absl::ToDoubleSeconds(clock.monotonic_now() - start);
}

// Runs `total` calls of `fn(i)` on 8 threads.
void parallel(int total, const std::function<void(int)>& fn) {
  std::vector<std::jthread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < total; i += 8)
        fn(i);
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int m = argc > 2 ? std::atoi(argv[2]) : 10000;
  util::RealClock clock;
  sim::kube::ServerOptions server_options;
  server_options.history_size = static_cast<size_t>(m) + 100;
  auto server = sim::kube::Server::create(server_options).value();
  if (!server->start().ok()) return 1;
  auto transport = http::Http1Transport::create({}).value();
  Config config;
  config.server = server->url();
  RestClientOptions options;
  options.qps = 0;
  RestClient client(config, *transport, clock, options);

  Object ns;
  ns.set_api_version("v1");
  ns.set_kind("Namespace");
  ns.set_name("demo");
  if (auto created = client.create(Resource::namespaces(), ns); !created.ok()) {
    std::fprintf(stderr, "namespace: %s\n", created.status().to_string().c_str());
    return 1;
  }
  // Seed: the Go controller's Secret, n times.
  Object base = bench::secret_template();
  json::remove(json::ensure_object(base.mutable_json(), "metadata"), "managedFields");
  util::MonotonicTime start = clock.monotonic_now();
  parallel(n, [&](int i) {
    Object o = bench::numbered(base, i, 0);
    o.set_resource_version("");
    json::remove(json::ensure_object(o.mutable_json(), "metadata"), "uid");
    json::remove(json::ensure_object(o.mutable_json(), "metadata"), "creationTimestamp");
    o.set_owner_references({});
    auto created = client.create(Resource::secrets(), o);
    if (!created.ok()) std::fprintf(stderr, "create: %s\n", created.status().to_string().c_str());
  });
  std::printf("seeded %d Secrets in %.2f s (%.0f creates/s, 8 threads)\n", n,
              seconds_since(clock, start), n / seconds_since(clock, start));

  // Initial sync, three times.
  for (int run = 0; run < 3; ++run) {
    Informer<Object> informer(client, Resource::secrets(), clock);
    start = clock.monotonic_now();
    std::jthread thread([&](std::stop_token stop) { informer.run(std::move(stop)); });
    std::stop_source never;
    informer.wait_for_sync(never.get_token());
    const double took = seconds_since(clock, start);
    std::printf("informer initial sync of %zu Secrets: %.3f s (%.0f objects/s)\n",
                informer.store().size(), took, informer.store().size() / took);
  }

  // Watch throughput: m updates written first, then streamed from history.
  auto list = client.list(Resource::secrets(), "", {});
  const std::string from = list->resource_version;
  start = clock.monotonic_now();
  parallel(m, [&](int i) {
    auto patched = client.patch(Resource::secrets(), "demo", util::cat("my-app-iam-role-", i % n),
                                PatchType::kMerge,
                                util::cat(R"({"metadata":{"labels":{"gen":")", i, R"("}}})"));
    if (!patched.ok()) std::fprintf(stderr, "patch: %s\n", patched.status().to_string().c_str());
  });
  std::printf("wrote %d updates in %.2f s (%.0f patches/s, 8 threads)\n", m,
              seconds_since(clock, start), m / seconds_since(clock, start));
  int received = 0;
  WatchOptions watch;
  watch.resource_version = from;
  watch.timeout_seconds = 120;  // ends the bench even if events went missing
  start = clock.monotonic_now();
  std::stop_source stop;
  const util::Status status = client.watch(
      Resource::secrets(), "", watch,
      [&](WatchEvent&& e) {
        if (e.type == WatchEventType::kModified) ++received;
        return received < m;
      },
      stop.get_token());
  const double took = seconds_since(clock, start);
  std::printf("watch delivered %d events in %.3f s (%.0f events/s) [%s]\n", received, took,
              received / took, status.to_string().c_str());
  server->stop();
  return 0;
}
