#include "tests/sim/kube/object_store.h"

#include <algorithm>
#include <charconv>

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::kube {
namespace {

constexpr absl::Duration kTooLargeResourceVersionWait = absl::Seconds(3);

std::string raw_url_base64(std::string_view bytes) {
  std::string s = util::base64_encode(bytes);
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=')
    s.pop_back();
  return s;
}

util::StatusOr<std::string> raw_url_unbase64(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0)
    s.push_back('=');
  return util::base64_decode(s);
}

std::string encode_continue(uint64_t rv, std::string_view last_key) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("v");
  w.String("meta.k8s.io/v1");
  w.Key("rv");
  w.Uint64(rv);
  w.Key("start");
  std::string start = util::cat(last_key, std::string(1, '\0'));
  w.String(start.data(), static_cast<rapidjson::SizeType>(start.size()));
  w.EndObject();
  return raw_url_base64(std::string_view(buffer.GetString(), buffer.GetSize()));
}

util::Status bad_continue(std::string_view why) {
  return util::invalid_argument_error(util::cat("continue key is not valid: ", why));
}

util::StatusOr<std::pair<uint64_t, std::string>> decode_continue(std::string_view token) {
  auto bytes = raw_url_unbase64(token);
  if (!bytes.ok()) return bad_continue("illegal base64 data");
  auto doc = json::parse(*bytes);
  if (!doc.ok() || !doc->IsObject()) return bad_continue("invalid token");
  if (json::get_string(*doc, "v") != "meta.k8s.io/v1") {
    return bad_continue("server does not recognize this encoded key");
  }
  const json::Value* rv = json::find(*doc, "rv");
  if (rv == nullptr || !rv->IsUint64() || rv->GetUint64() == 0) {
    return bad_continue("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  return std::make_pair(rv->GetUint64(), json::get_string(*doc, "start"));
}

std::optional<uint64_t> parse_rv(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

void set_resource_version(json::Document& object, uint64_t rv) {
  json::Value& meta = json::ensure_object(object, "metadata", object.GetAllocator());
  json::set_string(meta, "resourceVersion", util::cat(rv), object.GetAllocator());
}

}  // namespace

ObjectStore::ObjectStore(util::Clock& clock, size_t history_limit, uint64_t first_resource_version)
    : clock_(clock),
      history_limit_(std::max<size_t>(history_limit, 1)),
      first_resource_version_(std::max<uint64_t>(first_resource_version, 1)),
      rv_(first_resource_version_ - 1) {}

RecordPtr ObjectStore::get(std::string_view storage_key, std::string_view ns,
                           std::string_view name) const {
  util::MutexLock lock(mu_);
  auto b = buckets_.find(storage_key);
  if (b == buckets_.end()) return nullptr;
  auto it = b->second.objects.find(object_key(ns, name));
  return it == b->second.objects.end() ? nullptr : it->second;
}

uint64_t ObjectStore::current_resource_version() const {
  util::MutexLock lock(mu_);
  return rv_;
}

size_t ObjectStore::object_count() const {
  util::MutexLock lock(mu_);
  size_t n = 0;
  for (const auto& [key, bucket] : buckets_)
    n += bucket.objects.size();
  return n;
}

util::StatusOr<RecordPtr> ObjectStore::create(std::string_view storage_key,
                                              json::Document& object) {
  util::MutexLock lock(mu_);
  Bucket& bucket = buckets_[std::string(storage_key)];
  std::string key = object_key(json::get_string_path(object, {"metadata", "namespace"}),
                               json::get_string_path(object, {"metadata", "name"}));
  if (bucket.objects.count(key) != 0) return util::already_exists_error(key);
  return commit_locked(storage_key, bucket, object, EventType::kAdded, nullptr);
}

util::StatusOr<RecordPtr> ObjectStore::update(std::string_view storage_key, json::Document& object,
                                              uint64_t expected_rv) {
  util::MutexLock lock(mu_);
  Bucket& bucket = buckets_[std::string(storage_key)];
  std::string key = object_key(json::get_string_path(object, {"metadata", "namespace"}),
                               json::get_string_path(object, {"metadata", "name"}));
  auto it = bucket.objects.find(key);
  if (it == bucket.objects.end()) return util::not_found_error(key);
  if (expected_rv != 0 && it->second->resource_version != expected_rv) {
    return util::aborted_error(key);
  }
  return commit_locked(storage_key, bucket, object, EventType::kModified, it->second);
}

util::StatusOr<RecordPtr> ObjectStore::remove(std::string_view storage_key, std::string_view ns,
                                              std::string_view name, uint64_t expected_rv) {
  util::MutexLock lock(mu_);
  auto b = buckets_.find(storage_key);
  std::string key = object_key(ns, name);
  if (b == buckets_.end()) return util::not_found_error(key);
  Bucket& bucket = b->second;
  auto it = bucket.objects.find(key);
  if (it == bucket.objects.end()) return util::not_found_error(key);
  if (expected_rv != 0 && it->second->resource_version != expected_rv) {
    return util::aborted_error(key);
  }
  RecordPtr previous = it->second;
  auto parsed = json::parse(previous->json);
  if (!parsed.ok()) return parsed.status();
  uint64_t rv = ++rv_;
  set_resource_version(*parsed, rv);
  RecordPtr deleted = make_record(*parsed, storage_key);
  bucket.objects.erase(it);
  index_locked(storage_key, previous, nullptr);
  record_event_locked(bucket, {rv, EventType::kDeleted, deleted, previous});
  changed_.notify_all();
  return deleted;
}

util::StatusOr<RecordPtr> ObjectStore::commit_locked(std::string_view storage_key, Bucket& bucket,
                                                     json::Document& object, EventType type,
                                                     RecordPtr previous) {
  uint64_t rv = ++rv_;
  set_resource_version(object, rv);
  RecordPtr record = make_record(object, storage_key);
  bucket.objects[record->key()] = record;
  index_locked(storage_key, previous, record);
  record_event_locked(bucket, {rv, type, record, std::move(previous)});
  changed_.notify_all();
  return record;
}

void ObjectStore::record_event_locked(Bucket& bucket, ChangeEvent event) {
  bucket.history.push_back(std::move(event));
  while (bucket.history.size() > history_limit_) {
    bucket.evicted_rv = bucket.history.front().resource_version;
    bucket.history.pop_front();
  }
}

void ObjectStore::index_locked(std::string_view storage_key, const RecordPtr& old_record,
                               const RecordPtr& new_record) {
  if (old_record != nullptr) {
    by_uid_.erase(old_record->uid);
    ObjectLocation loc{std::string(storage_key), old_record->ns, old_record->name};
    for (const std::string& owner : old_record->owner_uids) {
      auto it = dependents_.find(owner);
      if (it == dependents_.end()) continue;
      it->second.erase(loc);
      if (it->second.empty()) dependents_.erase(it);
    }
  }
  if (new_record != nullptr) {
    ObjectLocation loc{std::string(storage_key), new_record->ns, new_record->name};
    if (!new_record->uid.empty()) by_uid_[new_record->uid] = loc;
    for (const std::string& owner : new_record->owner_uids)
      dependents_[owner].insert(loc);
  }
}

std::map<std::string, RecordPtr> ObjectStore::overrides_at_locked(const Bucket& bucket,
                                                                  uint64_t rv) const {
  std::map<std::string, RecordPtr> overrides;
  for (const ChangeEvent& e : bucket.history) {
    if (e.resource_version <= rv) continue;
    std::string key = e.object->key();
    if (overrides.count(key) != 0) continue;
    overrides.emplace(std::move(key), e.type == EventType::kAdded ? nullptr : e.previous);
  }
  return overrides;
}

util::Status ObjectStore::wait_for_rv_locked(uint64_t rv) const {
  util::MonotonicTime deadline = clock_.monotonic_now() + kTooLargeResourceVersionWait;
  while (rv_ < rv) {
    if (clock_.wait_until(changed_, mu_, deadline) && rv_ < rv) {
      return util::deadline_exceeded_error(
          util::cat("Too large resource version: ", rv, ", current: ", rv_));
    }
  }
  return util::ok_status();
}

util::StatusOr<ListResult> ObjectStore::list(const ListRequest& request) const {
  util::MutexLock lock(mu_);
  uint64_t snapshot = 0;  // 0 = current state
  std::string start_after;
  bool from_continue = false;
  if (!request.continue_token.empty()) {
    if (!request.resource_version.empty() && request.resource_version != "0") {
      return util::invalid_argument_error(
          "specifying resource version is not allowed when using continue");
    }
    ASSIGN_OR_RETURN(auto decoded, decode_continue(request.continue_token));
    snapshot = decoded.first;
    start_after = decoded.second;
    from_continue = true;
  } else if (!request.resource_version.empty() && request.resource_version != "0") {
    std::optional<uint64_t> rv = parse_rv(request.resource_version);
    if (!rv.has_value()) {
      return util::invalid_argument_error(
          util::cat("invalid resource version: ", request.resource_version));
    }
    if (*rv > rv_) RETURN_IF_ERROR(wait_for_rv_locked(*rv));
    if (request.resource_version_match == "Exact") snapshot = *rv;
  }
  ListResult result;
  result.resource_version = snapshot != 0 ? snapshot : rv_;
  auto b = buckets_.find(request.storage_key);
  if (b == buckets_.end()) return result;
  const Bucket& bucket = b->second;
  std::map<std::string, RecordPtr> overrides;
  if (snapshot != 0 && snapshot < rv_) {
    if (floor_locked(bucket) > snapshot) {
      if (from_continue) {
        return util::out_of_range_error(
            "The provided continue parameter is too old to display a consistent list result. You "
            "can start a new list without the continue parameter, or use the continue token in "
            "this response to retrieve the remainder of the results. Continuing with the provided "
            "token results in an inconsistent list - objects that were created, modified, or "
            "deleted between the time the first chunk was returned and now may show up in the "
            "list.");
      }
      return util::out_of_range_error("The resourceVersion for the provided list is too old.");
    }
    overrides = overrides_at_locked(bucket, snapshot);
  }
  std::string prefix = request.ns.empty() ? std::string() : util::cat(request.ns, "/");
  // Iterate the union of current keys and overridden keys in key order.
  std::string lower = start_after.empty() ? prefix : start_after;
  auto cur = bucket.objects.lower_bound(lower);
  auto ovr = overrides.lower_bound(lower);
  bool limited = request.limit > 0;
  int64_t remaining = 0;
  bool more = false;
  std::string last_key;
  while (cur != bucket.objects.end() || ovr != overrides.end()) {
    const std::string* key = nullptr;
    RecordPtr state;
    if (ovr == overrides.end() || (cur != bucket.objects.end() && cur->first < ovr->first)) {
      key = &cur->first;
      state = cur->second;
      ++cur;
    } else {
      key = &ovr->first;
      state = ovr->second;
      if (cur != bucket.objects.end() && cur->first == ovr->first) ++cur;
      ++ovr;
    }
    if (!prefix.empty() && key->compare(0, prefix.size(), prefix) != 0) break;
    if (state == nullptr) continue;
    if (request.predicate && !request.predicate(*state)) continue;
    if (limited && static_cast<int64_t>(result.items.size()) >= request.limit) {
      more = true;
      if (request.predicate) break;
      ++remaining;
      continue;
    }
    result.items.push_back(state);
    last_key = *key;
  }
  if (more) {
    result.continue_token = encode_continue(result.resource_version, last_key);
    if (!request.predicate) result.remaining_item_count = remaining;
  }
  return result;
}

bool ObjectStore::uid_exists(std::string_view uid) const {
  util::MutexLock lock(mu_);
  return by_uid_.count(std::string(uid)) != 0;
}

std::vector<ObjectLocation> ObjectStore::dependents_of(std::string_view owner_uid) const {
  util::MutexLock lock(mu_);
  auto it = dependents_.find(std::string(owner_uid));
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<ObjectLocation> ObjectStore::in_namespace(std::string_view ns) const {
  util::MutexLock lock(mu_);
  std::vector<ObjectLocation> out;
  std::string prefix = util::cat(ns, "/");
  for (const auto& [storage_key, bucket] : buckets_) {
    for (auto it = bucket.objects.lower_bound(prefix);
         it != bucket.objects.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      out.push_back({storage_key, it->second->ns, it->second->name});
    }
  }
  return out;
}

std::vector<ObjectLocation> ObjectStore::all_in(std::string_view storage_key) const {
  util::MutexLock lock(mu_);
  std::vector<ObjectLocation> out;
  auto b = buckets_.find(storage_key);
  if (b == buckets_.end()) return out;
  for (const auto& [key, record] : b->second.objects) {
    out.push_back({std::string(storage_key), record->ns, record->name});
  }
  return out;
}

std::vector<ObjectLocation> ObjectStore::orphans() const {
  util::MutexLock lock(mu_);
  std::vector<ObjectLocation> out;
  for (const auto& [storage_key, bucket] : buckets_) {
    for (const auto& [key, record] : bucket.objects) {
      if (record->owner_uids.empty()) continue;
      bool any_owner = false;
      for (const std::string& uid : record->owner_uids)
        any_owner = any_owner || by_uid_.count(uid) != 0;
      if (!any_owner) out.push_back({storage_key, record->ns, record->name});
    }
  }
  return out;
}

util::Status ObjectStore::check_watch_start(std::string_view storage_key, uint64_t after_rv) const {
  util::MutexLock lock(mu_);
  if (after_rv > rv_) RETURN_IF_ERROR(wait_for_rv_locked(after_rv));
  auto b = buckets_.find(storage_key);
  uint64_t floor = b == buckets_.end() ? global_floor_ : floor_locked(b->second);
  if (after_rv < floor) {
    return util::out_of_range_error(
        util::cat("too old resource version: ", after_rv, " (", floor, ")"));
  }
  return util::ok_status();
}

ObjectStore::WatchBatch ObjectStore::wait_events(std::string_view storage_key, uint64_t after_rv,
                                                 util::MonotonicTime deadline,
                                                 uint64_t epoch) const {
  util::MutexLock lock(mu_);
  WatchBatch batch;
  for (;;) {
    if (epoch_ != epoch) {
      batch.interrupted = true;
      break;
    }
    if (after_rv < global_floor_) break;
    auto b = buckets_.find(storage_key);
    if (b != buckets_.end()) {
      const Bucket& bucket = b->second;
      if (after_rv < floor_locked(bucket)) break;  // fell out of the window
      if (!bucket.history.empty() && bucket.history.back().resource_version > after_rv) {
        auto first = std::upper_bound(
            bucket.history.begin(), bucket.history.end(), after_rv,
            [](uint64_t rv, const ChangeEvent& e) { return rv < e.resource_version; });
        batch.events.assign(first, bucket.history.end());
        break;
      }
    }
    if (clock_.wait_until(changed_, mu_, deadline)) break;
  }
  batch.current_resource_version = rv_;
  return batch;
}

uint64_t ObjectStore::watch_epoch() const {
  util::MutexLock lock(mu_);
  return epoch_;
}

void ObjectStore::interrupt_watches() {
  util::MutexLock lock(mu_);
  ++epoch_;
  changed_.notify_all();
}

void ObjectStore::compact() {
  util::MutexLock lock(mu_);
  for (auto& [key, bucket] : buckets_) {
    bucket.history.clear();
    bucket.evicted_rv = rv_;
  }
  global_floor_ = rv_;
  changed_.notify_all();
}

void ObjectStore::clear(bool reset_resource_version) {
  util::MutexLock lock(mu_);
  buckets_.clear();
  by_uid_.clear();
  dependents_.clear();
  if (reset_resource_version) rv_ = first_resource_version_ - 1;
  global_floor_ = rv_;
  changed_.notify_all();
}

}  // namespace sim::kube
