#include "pkg/kube/store.h"

#include "pkg/util/strings.h"

namespace kube {
namespace {

util::Status unknown_index(std::string_view index) {
  return util::not_found_error(util::cat("no indexer \"", index, "\""));
}

// The keys filed under `value`, an empty set first if there are none.
template <typename Map>
auto& keys_at(Map& map, std::string_view value) {
  auto it = map.find(value);
  if (it == map.end()) it = map.emplace(value, typename Map::mapped_type()).first;
  return it->second;
}

// Takes `key` out of the set filed under `value`, and the set once empty.
template <typename Map>
void forget_key(Map& map, std::string_view value, std::string_view key) {
  auto it = map.find(value);
  if (it == map.end()) return;
  if (auto k = it->second.find(key); k != it->second.end()) it->second.erase(k);
  if (it->second.empty()) map.erase(it);
}

}  // namespace

IndexFunc index_by_namespace() {
  return [](const Object& o) { return std::vector<std::string>{std::string(o.namespace_name())}; };
}

IndexFunc index_by_owner_uid() {
  return [](const Object& o) {
    std::vector<std::string> out;
    for (const OwnerReference& ref : o.owner_references()) {
      if (!ref.uid.empty()) out.push_back(ref.uid);
    }
    return out;
  };
}

IndexFunc index_by_label(std::string label_key) {
  return [label_key = std::move(label_key)](const Object& o) {
    std::vector<std::string> out;
    if (auto value = o.label(label_key)) out.emplace_back(*value);
    return out;
  };
}

// The packer fails only on bytes it did not make, or out of memory.
std::string_view Store::packed_locked(const Object& object) {
  return packer_.pack(object).value();
}

ObjectPtr Store::unpacked_locked(std::string_view packed) const {
  return share(packer_.unpack(packed).value());
}

util::Status Store::add_indexer(std::string name, IndexFunc fn) {
  util::MutexLock lock(mu_);
  if (indexes_.contains(name)) {
    return util::already_exists_error(util::cat("indexer \"", name, "\" already exists"));
  }
  Index& index =
      indexes_.emplace(std::move(name), Index{std::move(fn), Map<KeySet>(&pool_)}).first->second;
  for (const auto& [key, packed] : items_) {
    for (const std::string& value : index.fn(*unpacked_locked(packed)))
      keys_at(index.keys_by_value, value).emplace(key);
  }
  return util::ok_status();
}

void Store::index_locked(std::string_view key, const Object& object) {
  keys_at(by_namespace_, object.namespace_name()).emplace(key);
  for (auto& [name, index] : indexes_) {
    for (const std::string& value : index.fn(object))
      keys_at(index.keys_by_value, value).emplace(key);
  }
}

void Store::unindex_locked(std::string_view key, const Object& object) {
  forget_key(by_namespace_, object.namespace_name(), key);
  for (auto& [name, index] : indexes_) {
    for (const std::string& value : index.fn(object))
      forget_key(index.keys_by_value, value, key);
  }
}

ObjectPtr Store::get(std::string_view key) const {
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : unpacked_locked(it->second);
}

std::vector<ObjectPtr> Store::list() const {
  util::MutexLock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [key, packed] : items_)
    out.push_back(unpacked_locked(packed));
  return out;
}

std::vector<ObjectPtr> Store::list_by_namespace(std::string_view ns) const {
  util::MutexLock lock(mu_);
  std::vector<ObjectPtr> out;
  auto it = by_namespace_.find(ns);
  if (it == by_namespace_.end()) return out;
  for (const String& key : it->second)
    out.push_back(unpacked_locked(items_.find(key)->second));
  return out;
}

std::vector<std::string> Store::keys() const {
  util::MutexLock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, packed] : items_)
    out.emplace_back(key);
  return out;
}

util::StatusOr<std::vector<ObjectPtr>> Store::by_index(std::string_view index,
                                                       std::string_view value) const {
  util::MutexLock lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return unknown_index(index);
  std::vector<ObjectPtr> out;
  auto it = idx->second.keys_by_value.find(value);
  if (it == idx->second.keys_by_value.end()) return out;
  for (const String& key : it->second)
    out.push_back(unpacked_locked(items_.find(key)->second));
  return out;
}

util::StatusOr<size_t> Store::count_by_index(std::string_view index, std::string_view value) const {
  util::MutexLock lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return unknown_index(index);
  auto it = idx->second.keys_by_value.find(value);
  return it == idx->second.keys_by_value.end() ? 0 : it->second.size();
}

util::StatusOr<std::vector<std::pair<std::string, std::string>>> Store::index_entries(
    std::string_view index) const {
  util::MutexLock lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return unknown_index(index);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [value, keys] : idx->second.keys_by_value) {
    for (const String& key : keys)
      out.emplace_back(value, key);
  }
  return out;
}

size_t Store::size() const {
  util::MutexLock lock(mu_);
  return items_.size();
}

ObjectPtr Store::upsert(const ObjectPtr& object) {
  const std::string key_text = object->key();
  const std::string_view key = key_text;
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  ObjectPtr previous;
  if (it != items_.end()) {
    previous = unpacked_locked(it->second);
    unindex_locked(key, *previous);
    it->second.assign(packed_locked(*object));
  } else {
    items_.emplace(key, packed_locked(*object));
  }
  index_locked(key, *object);
  return previous;
}

ObjectPtr Store::remove(std::string_view key) {
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr previous = unpacked_locked(it->second);
  unindex_locked(key, *previous);
  items_.erase(it);
  return previous;
}

Store::Diff Store::replace(std::vector<ObjectPtr> objects) {
  std::map<std::string, ObjectPtr, std::less<>> incoming;
  for (ObjectPtr& object : objects) {
    std::string key = object->key();
    incoming.insert_or_assign(std::move(key), std::move(object));
  }
  Diff diff;
  util::MutexLock lock(mu_);
  for (auto it = items_.begin(); it != items_.end();) {
    if (incoming.contains(std::string_view(it->first))) {
      ++it;
      continue;
    }
    ObjectPtr removed = unpacked_locked(it->second);
    unindex_locked(it->first, *removed);
    diff.removed.push_back(std::move(removed));
    it = items_.erase(it);
  }
  for (auto& [key_text, object] : incoming) {
    const std::string_view key = key_text;
    auto it = items_.find(key);
    if (it == items_.end()) {
      index_locked(key, *object);
      items_.emplace(key, packed_locked(*object));
      diff.added.push_back(std::move(object));
      continue;
    }
    // The same resourceVersion is the same object (compare content only when
    // there is no version to go by).
    ObjectPtr cached = unpacked_locked(it->second);
    const std::string_view rv = object->resource_version();
    if (cached->resource_version() == rv && (!rv.empty() || *cached == *object)) {
      continue;  // unchanged: keep the cached copy
    }
    unindex_locked(key, *cached);
    index_locked(key, *object);
    it->second.assign(packed_locked(*object));
    diff.updated.emplace_back(std::move(cached), std::move(object));
  }
  return diff;
}

}  // namespace kube
