#include "pkg/kube/store.h"

#include "pkg/util/strings.h"

namespace kube {

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

util::Status Store::add_indexer(std::string name, IndexFunc fn) {
  util::MutexLock lock(mu_);
  if (indexes_.contains(name)) {
    return util::already_exists_error(util::cat("indexer \"", name, "\" already exists"));
  }
  Index& index = indexes_[name];
  index.fn = std::move(fn);
  for (const auto& [key, object] : items_) {
    for (std::string& value : index.fn(*object))
      index.keys_by_value[std::move(value)].insert(key);
  }
  return util::ok_status();
}

void Store::index_locked(const std::string& key, const Object& object) {
  by_namespace_[std::string(object.namespace_name())].insert(key);
  for (auto& [name, index] : indexes_) {
    for (std::string& value : index.fn(object))
      index.keys_by_value[std::move(value)].insert(key);
  }
}

void Store::unindex_locked(const std::string& key, const Object& object) {
  if (auto it = by_namespace_.find(object.namespace_name()); it != by_namespace_.end()) {
    it->second.erase(key);
    if (it->second.empty()) by_namespace_.erase(it);
  }
  for (auto& [name, index] : indexes_) {
    for (const std::string& value : index.fn(object)) {
      auto it = index.keys_by_value.find(value);
      if (it == index.keys_by_value.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) index.keys_by_value.erase(it);
    }
  }
}

ObjectPtr Store::get(std::string_view key) const {
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Store::list() const {
  util::MutexLock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(items_.size());
  for (const auto& [key, object] : items_)
    out.push_back(object);
  return out;
}

std::vector<ObjectPtr> Store::list_by_namespace(std::string_view ns) const {
  util::MutexLock lock(mu_);
  std::vector<ObjectPtr> out;
  auto it = by_namespace_.find(ns);
  if (it == by_namespace_.end()) return out;
  for (const std::string& key : it->second)
    out.push_back(items_.find(key)->second);
  return out;
}

std::vector<std::string> Store::keys() const {
  util::MutexLock lock(mu_);
  std::vector<std::string> out;
  out.reserve(items_.size());
  for (const auto& [key, object] : items_)
    out.push_back(key);
  return out;
}

util::StatusOr<std::vector<ObjectPtr>> Store::by_index(std::string_view index,
                                                       std::string_view value) const {
  util::MutexLock lock(mu_);
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return util::not_found_error(util::cat("no indexer \"", index, "\""));
  std::vector<ObjectPtr> out;
  auto it = idx->second.keys_by_value.find(value);
  if (it == idx->second.keys_by_value.end()) return out;
  for (const std::string& key : it->second)
    out.push_back(items_.find(key)->second);
  return out;
}

size_t Store::size() const {
  util::MutexLock lock(mu_);
  return items_.size();
}

ObjectPtr Store::upsert(ObjectPtr object) {
  std::string key = object->key();
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  ObjectPtr previous;
  if (it != items_.end()) {
    previous = std::move(it->second);
    unindex_locked(key, *previous);
    it->second = object;
  } else {
    items_.emplace(key, object);
  }
  index_locked(key, *object);
  return previous;
}

ObjectPtr Store::remove(std::string_view key) {
  util::MutexLock lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end()) return nullptr;
  ObjectPtr previous = std::move(it->second);
  unindex_locked(it->first, *previous);
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
    if (incoming.contains(it->first)) {
      ++it;
      continue;
    }
    unindex_locked(it->first, *it->second);
    diff.removed.push_back(std::move(it->second));
    it = items_.erase(it);
  }
  for (auto& [key, object] : incoming) {
    auto it = items_.find(key);
    if (it == items_.end()) {
      index_locked(key, *object);
      diff.added.push_back(object);
      items_.emplace(key, std::move(object));
      continue;
    }
    // The same resourceVersion is the same object (compare content only when
    // there is no version to go by).
    const std::string_view rv = object->resource_version();
    if (it->second->resource_version() == rv && (!rv.empty() || *it->second == *object)) {
      continue;  // unchanged: keep the cached copy
    }
    unindex_locked(key, *it->second);
    index_locked(key, *object);
    diff.updated.emplace_back(it->second, object);
    it->second = std::move(object);
  }
  return diff;
}

}  // namespace kube
