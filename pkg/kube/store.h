// The informer's cache (client-go's Indexer): a thread-safe map from key
// ("namespace/name") to the latest view of each object, with named secondary
// indexes, e.g. Secrets by owner UID or by a label value.
//
// A view is whatever the informer's transform made of the object: a small
// immutable value holding what its readers need (client-go's informer
// transform; controller-runtime's typed caches). The store keeps each one as
// a shared_ptr<const T> and hands out that pointer: reading costs a lookup
// and a reference count, and a view a reader holds stays valid after the
// store moved on.
//
// T needs `key()` (convertible to std::string) and `resource_version()`
// (convertible to std::string_view).
// Thread-safety: thread-safe; readers share a reader-writer lock, writers
// (the informer) take it alone. Index functions run under the lock: they must
// be pure and cheap. Add indexers before objects arrive (adding one later
// indexes the existing ones). Errors: add_indexer → kAlreadyExists; by_index →
// kNotFound for an unknown index name.
#pragma once

#include <concepts>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"
#include "pkg/util/strings.h"

namespace kube {

template <typename T>
concept Cacheable = requires(const T& t) {
  { t.key() } -> std::convertible_to<std::string>;
  { t.resource_version() } -> std::convertible_to<std::string_view>;
};

template <Cacheable T>
class Store {
 public:
  using Ptr = std::shared_ptr<const T>;
  // The index values of a view (none, one or several).
  using IndexFunc = std::function<std::vector<std::string>(const T&)>;

  util::Status add_indexer(std::string name, IndexFunc fn) {
    util::WriterLock lock(mu_);
    if (indexes_.contains(name)) {
      return util::already_exists_error(util::cat("indexer \"", name, "\" already exists"));
    }
    Index& index = indexes_.emplace(std::move(name), Index{std::move(fn), {}}).first->second;
    for (const auto& [key, item] : items_) {
      for (std::string& value : index.fn(*item))
        index.keys_by_value[std::move(value)].insert(key);
    }
    return util::ok_status();
  }

  Ptr get(std::string_view key) const {  // nullptr when absent
    util::ReaderLock lock(mu_);
    auto it = items_.find(key);
    return it == items_.end() ? nullptr : it->second;
  }
  std::vector<Ptr> list() const {  // key order
    util::ReaderLock lock(mu_);
    std::vector<Ptr> out;
    out.reserve(items_.size());
    for (const auto& [key, item] : items_)
      out.push_back(item);
    return out;
  }
  // The views of namespace `ns`: a namespace's keys ("ns/name") are
  // neighbours in key order, so this needs no index of its own.
  std::vector<Ptr> list_by_namespace(std::string_view ns) const {
    const std::string first = util::cat(ns, "/");
    util::ReaderLock lock(mu_);
    std::vector<Ptr> out;
    for (auto it = items_.lower_bound(first);
         it != items_.end() && std::string_view(it->first).starts_with(first); ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  std::vector<std::string> keys() const {
    util::ReaderLock lock(mu_);
    std::vector<std::string> out;
    out.reserve(items_.size());
    for (const auto& [key, item] : items_)
      out.push_back(key);
    return out;
  }
  util::StatusOr<std::vector<Ptr>> by_index(std::string_view index, std::string_view value) const {
    util::ReaderLock lock(mu_);
    auto idx = indexes_.find(index);
    if (idx == indexes_.end()) {
      return util::not_found_error(util::cat("no indexer \"", index, "\""));
    }
    std::vector<Ptr> out;
    auto it = idx->second.keys_by_value.find(value);
    if (it == idx->second.keys_by_value.end()) return out;
    for (const std::string& key : it->second)
      out.push_back(items_.find(key)->second);
    return out;
  }
  // Calls `visit` with every view in key order, under the read lock (for a
  // summary over all of them, such as a metric, without copying the list).
  void for_each(const std::function<void(const T&)>& visit) const {
    util::ReaderLock lock(mu_);
    for (const auto& [key, item] : items_)
      visit(*item);
  }
  size_t size() const {
    util::ReaderLock lock(mu_);
    return items_.size();
  }

  // Inserts or replaces by key; returns the previous view (nullptr if new).
  Ptr upsert(Ptr item) {
    std::string key = item->key();
    util::WriterLock lock(mu_);
    auto it = items_.find(key);
    Ptr previous;
    if (it != items_.end()) {
      previous = std::move(it->second);
      unindex_locked(it->first, *previous);
      it->second = std::move(item);
    } else {
      it = items_.emplace(std::move(key), std::move(item)).first;
    }
    index_locked(it->first, *it->second);
    return previous;
  }
  // Removes by key; returns the removed view (nullptr if absent).
  Ptr remove(std::string_view key) {
    util::WriterLock lock(mu_);
    auto it = items_.find(key);
    if (it == items_.end()) return nullptr;
    Ptr previous = std::move(it->second);
    unindex_locked(it->first, *previous);
    items_.erase(it);
    return previous;
  }

 private:
  using KeySet = std::set<std::string, std::less<>>;
  struct Index {
    IndexFunc fn;
    std::map<std::string, KeySet, std::less<>> keys_by_value;
  };

  // Takes `key` out of the set filed under `value`, and the set once empty.
  static void forget_key(std::map<std::string, KeySet, std::less<>>& map, std::string_view value,
                         std::string_view key) {
    auto it = map.find(value);
    if (it == map.end()) return;
    if (auto k = it->second.find(key); k != it->second.end()) it->second.erase(k);
    if (it->second.empty()) map.erase(it);
  }
  void index_locked(const std::string& key, const T& item) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (auto& [name, index] : indexes_) {
      for (std::string& value : index.fn(item))
        index.keys_by_value[std::move(value)].insert(key);
    }
  }
  void unindex_locked(const std::string& key, const T& item) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (auto& [name, index] : indexes_) {
      for (const std::string& value : index.fn(item))
        forget_key(index.keys_by_value, value, key);
    }
  }

  mutable util::SharedMutex mu_;
  // A B-tree: its entries sit side by side in nodes of a few hundred bytes,
  // ~50 bytes each, where a std::map node costs ~96 (tens of thousands of
  // them at 10,000 roles). Its iterators do not survive an insert or erase;
  // none is kept past one.
  absl::btree_map<std::string, Ptr, std::less<>> items_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Index, std::less<>> indexes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube
