// The informer's client side, fed by http::testing::FakeTransport (no
// network): initial sync of N objects (paged by 500) and watch event
// throughput to the handlers.
#include <thread>

#include "bench/kube/bench_data.h"
#include "benchmark/benchmark.h"
#include "pkg/kube/informer.h"
#include "pkg/util/clock.h"
#include "tests/support/http/fake_transport.h"

namespace kube::bench {
namespace {

// Counts handler calls; wakes the benchmark thread at a target.
class CallCounter {
 public:
  void add() {
    util::MutexLock lock(mu_);
    if (++count_ >= target_) cv_.notify_all();
  }
  void reset(int64_t target) {
    util::MutexLock lock(mu_);
    count_ = 0;
    target_ = target;
  }
  void wait() {
    util::MutexLock lock(mu_);
    while (count_ < target_)
      cv_.wait(mu_);
  }

 private:
  util::Mutex mu_;
  util::CondVar cv_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t target_ ABSL_GUARDED_BY(mu_) = 0;
};

RestClientOptions unlimited() {
  RestClientOptions o;
  o.qps = 0;
  return o;
}

void BM_InformerInitialSync(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  constexpr int kPage = 500;
  const Object base = secret_template();
  // Pages as the apiserver sends them: page k continues with token "k+1".
  std::vector<std::string> pages;
  for (int start = 0; start < n; start += kPage) {
    std::string body =
        util::cat(R"({"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":")",
                  1000 + n, R"(")");
    if (start + kPage < n) body += util::cat(R"(,"continue":")", start / kPage + 1, R"(")");
    body += R"(},"items":[)";
    for (int i = start; i < std::min(n, start + kPage); ++i) {
      if (i > start) body += ",";
      body += numbered(base, i, 1000 + i).to_json();
    }
    body += "]}";
    pages.push_back(std::move(body));
  }
  util::RealClock clock;
  Config config;
  config.server = "https://k8s";
  for (auto _ : state) {
    state.PauseTiming();
    http::testing::FakeTransport fake;
    fake.set_handler([&](const http::Request& r) -> util::StatusOr<http::Response> {
      const size_t at = r.url.find("continue=");
      const size_t page = at == std::string::npos ? 0 : std::stoul(r.url.substr(at + 9));
      return http::Response{200, {}, pages[page]};
    });
    auto watch = fake.push_live_stream();  // idle after the sync
    RestClient client(config, fake, clock, unlimited());
    Informer<Object> informer(client, Resource::secrets(), clock);
    CallCounter adds;
    adds.reset(n);
    informer.add_handlers({[&](const ObjectPtr&) { adds.add(); }, nullptr, nullptr});
    state.ResumeTiming();
    std::jthread run([&](std::stop_token stop) { informer.run(std::move(stop)); });
    adds.wait();
    state.PauseTiming();
    run.request_stop();
    run.join();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_InformerInitialSync)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_InformerWatchThroughput(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const Object base = secret_template();
  // n MODIFIED events over 1,000 Secrets, in 64 KiB chunks as a socket delivers.
  std::vector<std::string> chunks(1);
  for (int i = 0; i < n; ++i) {
    std::string line = util::cat(R"({"type":"MODIFIED","object":)",
                                 numbered(base, i % 1000, 2000 + i).to_json(), "}\n");
    if (chunks.back().size() + line.size() > 65536) chunks.emplace_back();
    chunks.back() += line;
  }
  const std::string empty_list =
      R"({"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"1999"},"items":[]})";
  util::RealClock clock;
  Config config;
  config.server = "https://k8s";
  for (auto _ : state) {
    state.PauseTiming();
    http::testing::FakeTransport fake;
    fake.push_response({200, {}, empty_list});
    http::testing::ScriptedStream stream;
    stream.chunks = chunks;
    fake.push_stream(stream);
    RestClient client(config, fake, clock, unlimited());
    Informer<Object> informer(client, Resource::secrets(), clock);
    CallCounter calls;
    calls.reset(n);
    informer.add_handlers({[&](const ObjectPtr&) { calls.add(); },
                           [&](const ObjectPtr&, const ObjectPtr&) { calls.add(); }, nullptr});
    state.ResumeTiming();
    std::jthread run([&](std::stop_token stop) { informer.run(std::move(stop)); });
    calls.wait();
    state.PauseTiming();
    run.request_stop();
    run.join();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_InformerWatchThroughput)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace kube::bench
