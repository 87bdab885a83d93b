// How much memory a controller-like process holds with its caches synced:
// two informers (1,000 AWSIAMRoles, 1,000 Secrets as the Go controller writes
// them, managedFields included on the wire), fed by FakeTransport, idle on
// their watches. Prints the process's resident set and heap in use, before
// and after. Usage: kube_rss_bench [objects-per-kind]

#include <cstdio>
#include <fstream>
#include <thread>

#include "bench/kube/bench_data.h"
#include "pkg/kube/informer.h"
#include "pkg/util/clock.h"
#include "tests/support/http/fake_transport.h"

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kube;  // NOLINT(google-build-using-namespace): a small main
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  util::RealClock clock;
  Config config;
  config.server = "https://k8s";
  RestClientOptions options;
  options.qps = 0;
  const Resource roles{"zalando.org", "v1", "awsiamroles", "AWSIAMRole", true};

  const long rss_before = rss_kib();
  const size_t heap_before = bench::heap_in_use();
  {
    http::testing::FakeTransport fake;
    fake.push_response(
        {200, {}, bench::list_body(bench::role_template(), n, "AWSIAMRoleList", "zalando.org/v1")});
    fake.push_response(
        {200, {}, bench::list_body(bench::secret_template(), n, "SecretList", "v1")});
    auto role_watch = fake.push_live_stream();
    auto secret_watch = fake.push_live_stream();
    RestClient client(config, fake, clock, options);
    Informer<Object> role_informer(client, roles, clock);
    std::stop_source stop;
    std::jthread role_thread([&] { role_informer.run(stop.get_token()); });
    role_informer.wait_for_sync(stop.get_token());  // lists are served in order
    Informer<Object> secret_informer(client, Resource::secrets(), clock);
    (void)secret_informer.store().add_indexer("owner", bench::owner_uids);
    std::jthread secret_thread([&] { secret_informer.run(stop.get_token()); });
    secret_informer.wait_for_sync(stop.get_token());
    role_watch->await_opened();
    secret_watch->await_opened();
    fake.clear();  // the fake's request log is not the controller's

    const size_t heap_cached = bench::heap_in_use();
    const long rss_cached = rss_kib();
    std::printf("objects cached:        %zu AWSIAMRoles + %zu Secrets\n",
                role_informer.store().size(), secret_informer.store().size());
    std::printf("RSS before / synced:   %ld KiB / %ld KiB\n", rss_before, rss_cached);
    std::printf("heap before / synced:  %zu KiB / %zu KiB (caches: %zu KiB, %.0f bytes/object)\n",
                heap_before / 1024, heap_cached / 1024, (heap_cached - heap_before) / 1024,
                static_cast<double>(heap_cached - heap_before) / (2.0 * n));
    stop.request_stop();
  }
  return 0;
}
