#include "tests/sim/kube/deleter.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/crd_registry.h"

namespace sim::kube {
namespace {

constexpr int kMaxAttempts = 16;

}  // namespace

util::StatusOr<Deleter::Result> Deleter::remove(std::string_view storage_key, std::string_view ns,
                                                std::string_view name, uint64_t expected_rv,
                                                std::string_view expected_uid,
                                                Propagation propagation) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    RecordPtr current = context_.store.get(storage_key, ns, name);
    if (current == nullptr) return util::not_found_error(util::cat(ns, "/", name));
    if (!expected_uid.empty() && current->uid != expected_uid) {
      return util::aborted_error(util::cat("Precondition failed: UID in precondition: ",
                                           expected_uid, ", UID in object meta: ", current->uid));
    }
    if (expected_rv != 0 && current->resource_version != expected_rv) {
      return util::aborted_error(
          util::cat("Precondition failed: ResourceVersion in precondition: ", expected_rv,
                    ", ResourceVersion in object meta: ", current->resource_version));
    }
    if (propagation == Propagation::kForeground && context_.garbage_collection.load()) {
      delete_dependents(current->uid);
    }
    if (current->has_finalizers) {
      auto marked = mark_deleting(storage_key, current);
      if (!marked.ok() && marked.status().code() == util::StatusCode::kAborted) continue;
      if (!marked.ok()) return marked.status();
      return Result{*marked, false};
    }
    auto removed = context_.store.remove(storage_key, ns, name, current->resource_version);
    if (!removed.ok() && removed.status().code() == util::StatusCode::kAborted) continue;
    if (!removed.ok()) return removed.status();
    cascade(storage_key, **removed, propagation);
    return Result{*removed, true};
  }
  return util::aborted_error("too many concurrent changes");
}

util::StatusOr<RecordPtr> Deleter::mark_deleting(std::string_view storage_key,
                                                 const RecordPtr& current) {
  if (current->deleting) return current;
  ASSIGN_OR_RETURN(json::Document doc, json::parse(current->json));
  json::Value& meta = json::ensure_object(doc, "metadata", doc.GetAllocator());
  json::set_string(meta, "deletionTimestamp", util::format_rfc3339(context_.clock.system_now()),
                   doc.GetAllocator());
  json::set(meta, "deletionGracePeriodSeconds", json::Value(0), doc.GetAllocator());
  return context_.store.update(storage_key, doc, current->resource_version);
}

void Deleter::cascade(std::string_view storage_key, const ObjectRecord& deleted,
                      Propagation propagation) {
  if (storage_key == "/namespaces") {
    for (const ObjectLocation& loc : context_.store.in_namespace(deleted.name)) {
      (void)remove(loc.storage_key, loc.ns, loc.name, 0, "", Propagation::kBackground);
    }
  }
  if (storage_key == kCrdStorageKey) {
    auto doc = json::parse(deleted.json);
    if (doc.ok()) {
      std::string key = util::cat(json::get_string_path(*doc, {"spec", "group"}), "/",
                                  json::get_string_path(*doc, {"spec", "names", "plural"}));
      for (const ObjectLocation& loc : context_.store.all_in(key)) {
        (void)remove(loc.storage_key, loc.ns, loc.name, 0, "", Propagation::kBackground);
      }
    }
    refresh_catalog(context_);
  }
  if (!context_.garbage_collection.load()) return;
  if (propagation == Propagation::kOrphan) {
    orphan_dependents(deleted.uid);
  } else {
    delete_dependents(deleted.uid);
  }
}

void Deleter::delete_dependents(const std::string& owner_uid) {
  for (const ObjectLocation& loc : context_.store.dependents_of(owner_uid)) {
    RecordPtr dependent = context_.store.get(loc.storage_key, loc.ns, loc.name);
    if (dependent == nullptr) continue;
    // Only when no other owner remains, as the garbage collector decides.
    bool other_owner = false;
    for (const std::string& uid : dependent->owner_uids) {
      if (uid != owner_uid && context_.store.uid_exists(uid)) other_owner = true;
    }
    if (other_owner) continue;
    (void)remove(loc.storage_key, loc.ns, loc.name, 0, "", Propagation::kBackground);
  }
}

void Deleter::orphan_dependents(const std::string& owner_uid) {
  for (const ObjectLocation& loc : context_.store.dependents_of(owner_uid)) {
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      RecordPtr dependent = context_.store.get(loc.storage_key, loc.ns, loc.name);
      if (dependent == nullptr) break;
      auto doc = json::parse(dependent->json);
      if (!doc.ok()) break;
      json::Value* meta = json::find(*doc, "metadata");
      json::Value* refs = meta ? json::find(*meta, "ownerReferences") : nullptr;
      if (refs == nullptr || !refs->IsArray()) break;
      for (rapidjson::SizeType i = refs->Size(); i-- > 0;) {
        if (json::get_string((*refs)[i], "uid") == owner_uid) refs->Erase(refs->Begin() + i);
      }
      if (refs->Empty()) json::remove(*meta, "ownerReferences");
      auto updated = context_.store.update(loc.storage_key, *doc, dependent->resource_version);
      if (updated.ok() || updated.status().code() != util::StatusCode::kAborted) break;
    }
  }
}

bool Deleter::collect_if_orphaned(std::string_view storage_key, const ObjectRecord& record) {
  if (!context_.garbage_collection.load() || record.owner_uids.empty()) return false;
  for (const std::string& uid : record.owner_uids) {
    if (context_.store.uid_exists(uid)) return false;
  }
  return remove(storage_key, record.ns, record.name, 0, "", Propagation::kBackground).ok();
}

size_t Deleter::collect_garbage() {
  size_t n = 0;
  for (const ObjectLocation& loc : context_.store.orphans()) {
    RecordPtr record = context_.store.get(loc.storage_key, loc.ns, loc.name);
    if (record != nullptr && collect_if_orphaned(loc.storage_key, *record)) ++n;
  }
  return n;
}

}  // namespace sim::kube
