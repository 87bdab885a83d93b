// What the controller's caches cost per object: the informers' transforms
// (controller/domain/views.h) from the objects a real apiserver sends (the Go
// original's Secret and AWSIAMRole, with managedFields), and the bytes each
// view takes in a Store — the figure behind the controller's resident size
// at 10,000 roles (docs/benchmarks.md).
#include <memory>
#include <string>
#include <vector>

#include "bench/kube/bench_data.h"
#include "benchmark/benchmark.h"
#include "controller/domain/views.h"
#include "pkg/kube/store.h"

namespace controller {
namespace {

template <typename View>
void cached_view_bytes(benchmark::State& state, const kube::Object& base,
                       View (*view_of)(const kube::Object&)) {
  constexpr int kObjects = 1000;
  std::vector<kube::Object> objects;
  for (int i = 0; i < kObjects; ++i)
    objects.push_back(kube::bench::numbered(base, i, 1000 + i));
  double per_object = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<kube::Store<View>>();
    const size_t before = kube::bench::heap_in_use();
    state.ResumeTiming();
    for (const kube::Object& object : objects)
      store->upsert(std::make_shared<const View>(view_of(object)));
    state.PauseTiming();
    per_object = static_cast<double>(kube::bench::heap_in_use() - before) / kObjects;
    store.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_view"] = per_object;
  state.SetItemsProcessed(state.iterations() * kObjects);
}

void BM_CachedSecretView(benchmark::State& state) {
  cached_view_bytes(state, kube::bench::secret_template(), secret_view);
}
BENCHMARK(BM_CachedSecretView)->Unit(benchmark::kMillisecond);

void BM_CachedAwsIamRoleView(benchmark::State& state) {
  cached_view_bytes(state, kube::bench::role_template(), role_view);
}
BENCHMARK(BM_CachedAwsIamRoleView)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace controller
