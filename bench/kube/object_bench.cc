// Micro-benchmarks of pkg/kube's object cache: parsing, bytes per cached
// object (vs. rapidjson's default pool allocator), store updates.

#include <memory>
#include <vector>

#include "bench/kube/bench_data.h"
#include "benchmark/benchmark.h"
#include "pkg/kube/delaying_queue.h"
#include "pkg/kube/store.h"
#include "pkg/util/clock.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace kube::bench {
namespace {

void BM_ParseSecret(benchmark::State& state) {
  const std::string text = secret_template().to_json();
  for (auto _ : state) {
    auto o = Object::parse(text);
    benchmark::DoNotOptimize(o);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseSecret);

// What one cached object costs: parse (CrtAllocator), strip managedFields,
// share, and keep it in a Store (map node, key, namespace index) — the
// informer's path. Counters: heap bytes per object, and the JSON size.
void cached_bytes(benchmark::State& state, const Object& base) {
  constexpr int kObjects = 1000;
  std::vector<std::string> texts;
  for (int i = 0; i < kObjects; ++i)
    texts.push_back(numbered(base, i, 1000 + i).to_json());
  double per_object = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<Store<Object>>();
    const size_t before = heap_in_use();
    state.ResumeTiming();
    for (const std::string& text : texts) {
      Object o = Object::parse(text).value();
      o.strip_managed_fields();
      store->upsert(share(std::move(o)));
    }
    state.PauseTiming();
    per_object = static_cast<double>(heap_in_use() - before) / kObjects;
    store.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_object"] = per_object;
  state.counters["json_bytes"] = static_cast<double>(texts[0].size());
  state.SetItemsProcessed(state.iterations() * kObjects);
}

void BM_CachedSecretBytes(benchmark::State& state) {
  cached_bytes(state, secret_template());
}
BENCHMARK(BM_CachedSecretBytes)->Unit(benchmark::kMillisecond);

void BM_CachedAwsIamRoleBytes(benchmark::State& state) {
  cached_bytes(state, role_template());
}
BENCHMARK(BM_CachedAwsIamRoleBytes)->Unit(benchmark::kMillisecond);

// For comparison: one rapidjson::Document with the default MemoryPoolAllocator
// per object, which the cache deliberately does not do.
void BM_DefaultPoolDocumentBytes(benchmark::State& state) {
  constexpr int kObjects = 200;
  const std::string text = secret_template().to_json();
  double per_object = 0;
  for (auto _ : state) {
    std::vector<std::unique_ptr<rapidjson::Document>> docs;
    const size_t before = heap_in_use();
    for (int i = 0; i < kObjects; ++i) {
      auto doc = std::make_unique<rapidjson::Document>();
      doc->Parse(text.data(), text.size());
      docs.push_back(std::move(doc));
    }
    per_object = static_cast<double>(heap_in_use() - before) / kObjects;
  }
  state.counters["bytes_per_object"] = per_object;
}
BENCHMARK(BM_DefaultPoolDocumentBytes)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_StoreUpsertWithOwnerIndex(benchmark::State& state) {
  const Object base = secret_template();
  std::vector<ObjectPtr> objects;
  for (int i = 0; i < 1000; ++i)
    objects.push_back(share(numbered(base, i, 1000 + i)));
  Store<Object> store;
  (void)store.add_indexer("owner", bench::owner_uids);
  size_t i = 0;
  for (auto _ : state) {
    store.upsert(objects[i++ % objects.size()]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreUpsertWithOwnerIndex);

// What a scheduled refresh costs while it waits (the controller keeps one per
// role, most of an hour): 10,000 keys of a namespace and a name, an hour out.
// Counter: heap bytes per waiting key.
void BM_DelayingQueueWaitingBytes(benchmark::State& state) {
  constexpr int kKeys = 10000;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i)
    keys.push_back(util::cat("team-", i % 100, "/app-role-", i));
  util::RealClock clock;
  double per_key = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto queue = std::make_unique<DelayingQueue>(clock);
    const size_t before = heap_in_use();
    state.ResumeTiming();
    for (int i = 0; i < kKeys; ++i)
      queue->add_after(keys[i], absl::Hours(1) + absl::Seconds(i % 600));
    state.PauseTiming();
    per_key = static_cast<double>(heap_in_use() - before) / kKeys;
    queue.reset();
    state.ResumeTiming();
  }
  state.counters["bytes_per_key"] = per_key;
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_DelayingQueueWaitingBytes)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kube::bench
