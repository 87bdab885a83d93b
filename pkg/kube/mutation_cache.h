// Read-your-writes over an informer's cache (client-go's MutationCache): a
// view of what this process wrote is served instead of the cached one until
// the cache has caught up with it (an equal or newer resourceVersion), so a
// worker never decides twice on a state it has already changed — and the
// watch echo of its own write can be told apart from somebody else's change.
//
// Record the view of the server's answer to the write (made by the informer's
// transform, so both hold the same fields). Entries go when the cache catches
// up (get() or is_own_echo()) or are dropped with forget() (call it when the
// informer reports a deletion). With `include_adds` (client-go's option of
// that name) a created object is served before the cache has it; without,
// only objects the cache holds are overlaid, so a deletion the informer has
// seen can never be undone by an old write.
//
// Thread-safety: thread-safe. Ownership: borrows the Store, which must
// outlive it. resourceVersions are compared as integers, as client-go does
// (kube-apiserver's are etcd revisions); an unparsable one counts as caught up.
#pragma once

#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pkg/kube/store.h"
#include "pkg/util/mutex.h"

namespace kube {

// Whether resourceVersion `seen` is at least as new as `written`.
inline bool version_at_least(std::string_view seen, std::string_view written) {
  auto number = [](std::string_view rv) -> std::optional<uint64_t> {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
    if (ec != std::errc() || end != rv.data() + rv.size()) return std::nullopt;
    return value;
  };
  const auto seen_rv = number(seen);
  const auto written_rv = number(written);
  return !seen_rv || !written_rv || *seen_rv >= *written_rv;
}

template <Cacheable T>
class MutationCache {
 public:
  using Ptr = std::shared_ptr<const T>;

  MutationCache(const Store<T>& cache, bool include_adds)
      : cache_(cache), include_adds_(include_adds) {}
  MutationCache(const MutationCache&) = delete;
  MutationCache& operator=(const MutationCache&) = delete;

  // The newer of the cached view and the last write recorded for `key`
  // (nullptr when neither exists).
  Ptr get(std::string_view key) {
    Ptr cached = cache_.get(key);
    util::MutexLock lock(mu_);
    auto it = written_.find(key);
    if (it == written_.end()) return cached;
    if (cached == nullptr && !include_adds_) return nullptr;
    if (cached != nullptr &&
        version_at_least(cached->resource_version(), it->second->resource_version())) {
      written_.erase(it);
      return cached;
    }
    return it->second;
  }

  // After a successful create/update/patch: `written` is the view of the
  // server's answer. Not kept when the cache already holds it or a newer state.
  void record(Ptr written) {
    std::string key = written->key();
    // The informer may have seen this write (or a newer state) before the
    // writer had its answer: then there is nothing to overlay, and an entry
    // would stay until the key's next read (for a refreshed Secret, most of an
    // hour).
    const Ptr cached = cache_.get(key);
    util::MutexLock lock(mu_);
    if (cached != nullptr &&
        version_at_least(cached->resource_version(), written->resource_version())) {
      if (auto it = written_.find(key); it != written_.end()) written_.erase(it);
      return;
    }
    written_[std::move(key)] = std::move(written);
  }

  // The object's state is no longer known (deleted, or a write failed with a
  // conflict): serve the cache again.
  void forget(std::string_view key) {
    util::MutexLock lock(mu_);
    if (auto it = written_.find(key); it != written_.end()) written_.erase(it);
  }

  // For informer handlers, with the view the cache now holds: whether it is
  // exactly a recorded write (the echo of this process's own change). Either
  // way a recorded write the cache has caught up with is dropped.
  bool is_own_echo(const T& observed) {
    util::MutexLock lock(mu_);
    auto it = written_.find(observed.key());
    if (it == written_.end() ||
        !version_at_least(observed.resource_version(), it->second->resource_version())) {
      return false;
    }
    const bool echo = observed.resource_version() == it->second->resource_version();
    written_.erase(it);
    return echo;
  }

  size_t size() const {  // writes the cache has not caught up with yet
    util::MutexLock lock(mu_);
    return written_.size();
  }

 private:
  const Store<T>& cache_;
  const bool include_adds_;
  mutable util::Mutex mu_;
  std::map<std::string, Ptr, std::less<>> written_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube
