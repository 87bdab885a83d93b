#include "pkg/kube/mutation_cache.h"

#include <charconv>
#include <optional>

namespace kube {
namespace {

std::optional<uint64_t> version_number(const Object& object) {
  const std::string_view rv = object.resource_version();
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
  if (ec != std::errc() || end != rv.data() + rv.size()) return std::nullopt;
  return value;
}

// Whether `seen` is at least as new as `written`.
bool at_least(const Object& seen, const Object& written) {
  const auto seen_rv = version_number(seen);
  const auto written_rv = version_number(written);
  return !seen_rv || !written_rv || *seen_rv >= *written_rv;
}

}  // namespace

ObjectPtr MutationCache::get(std::string_view key) {
  ObjectPtr cached = cache_.get(key);
  util::MutexLock lock(mu_);
  auto it = written_.find(key);
  if (it == written_.end()) return cached;
  if (cached == nullptr && !include_adds_) return nullptr;
  if (cached != nullptr && at_least(*cached, *it->second)) {
    written_.erase(it);
    return cached;
  }
  return it->second;
}

void MutationCache::record(ObjectPtr written) {
  std::string key = written->key();
  // The informer may have seen this write (or a newer state) before the writer
  // had its answer: then there is nothing to overlay, and an entry would stay
  // until the key's next read (for a refreshed Secret, most of an hour).
  const ObjectPtr cached = cache_.get(key);
  util::MutexLock lock(mu_);
  if (cached != nullptr && at_least(*cached, *written)) {
    if (auto it = written_.find(key); it != written_.end()) written_.erase(it);
    return;
  }
  written_[std::move(key)] = std::move(written);
}

void MutationCache::forget(std::string_view key) {
  util::MutexLock lock(mu_);
  if (auto it = written_.find(key); it != written_.end()) written_.erase(it);
}

bool MutationCache::caught_up(const Object& observed) {
  util::MutexLock lock(mu_);
  auto it = written_.find(observed.key());
  if (it == written_.end() || !at_least(observed, *it->second)) return false;
  const bool echo = observed.resource_version() == it->second->resource_version();
  written_.erase(it);
  return echo;
}

size_t MutationCache::size() const {
  util::MutexLock lock(mu_);
  return written_.size();
}

}  // namespace kube
