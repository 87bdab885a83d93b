// What every resource handler shares: the clock, the object store, the
// OpenAPI definitions, the current catalog (swapped when CRDs change), the
// table printer, the garbage-collection switch, the uid generator and the
// mutating admission webhooks.
//
// Thread-safety: every member is thread-safe; ApiContext itself holds
// references owned by the Server.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "absl/random/random.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "tests/sim/kube/catalog.h"
#include "tests/sim/kube/object_store.h"
#include "tests/sim/kube/schema_library.h"
#include "tests/sim/kube/table_printer.h"

namespace sim::kube {

class MutatingWebhooks;

// The served catalog: built-ins plus established CRDs. Readers take a
// snapshot; writers rebuild under rebuild_mutex() after a CRD changed.
class CatalogHolder {
 public:
  explicit CatalogHolder(std::shared_ptr<const Catalog> initial) : catalog_(std::move(initial)) {}
  std::shared_ptr<const Catalog> get() const {
    util::MutexLock lock(mu_);
    return catalog_;
  }
  void set(std::shared_ptr<const Catalog> catalog) {
    util::MutexLock lock(mu_);
    catalog_ = std::move(catalog);
  }
  util::Mutex& rebuild_mutex() { return rebuild_mu_; }

 private:
  mutable util::Mutex mu_;
  util::Mutex rebuild_mu_;
  std::shared_ptr<const Catalog> catalog_ ABSL_GUARDED_BY(mu_);
};

// Random UUIDs (v4) and generateName suffixes. Thread-safe.
class UidGenerator {
 public:
  std::string uuid();
  std::string name_suffix();  // 5 characters of [bcdfghjklmnpqrstvwxz2456789]

 private:
  util::Mutex mu_;
  absl::BitGen gen_ ABSL_GUARDED_BY(mu_);
};

struct ApiContext {
  util::Clock& clock;
  ObjectStore& store;
  const SchemaLibrary& schemas;
  CatalogHolder& catalog;
  const TablePrinter& printer;
  std::atomic<bool>& garbage_collection;
  UidGenerator& uids;
  const MutatingWebhooks& mutating_webhooks;
};

}  // namespace sim::kube
