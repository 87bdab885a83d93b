// Watches one resource and keeps a cache of it (client-go's shared informer):
// a Reflector feeds a Store, and every change is delivered to the registered
// handlers: on_add, on_update(old, new), on_delete(obj, final_state_unknown).
// After a relist the handlers see exactly the difference from what they saw
// before: deletes (as "final state unknown" tombstones carrying the last known
// object) for objects removed while disconnected, updates for changed ones,
// adds for new ones — no missed or duplicated calls for the final state.
// Every `resync` period each cached object is re-delivered as
// on_update(obj, obj) (a safety net; changes arrive by watch).
//
// Thread-safety: thread-safe. Handlers run one at a time, in event order, on
// the informer's threads (never concurrently with each other); they must be
// quick and must not block — enqueue a key and return. Ownership: owns its
// ListerWatcher; borrows the RestClient and Clock. Time source: the Clock
// (resync, watch backoff).
// run(stop) blocks until `stop` is requested and returns promptly after;
// destroy the informer only once run() has returned.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "pkg/kube/reflector.h"
#include "pkg/kube/store.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace kube {

struct EventHandlers {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  // `final_state_unknown`: the object vanished while the watch was down; `object`
  // is the last state this informer saw.
  std::function<void(const ObjectPtr& object, bool final_state_unknown)> on_delete;
};

struct InformerOptions {
  std::string namespace_name;  // "" = all namespaces (the RestClient constructor)
  ReflectorOptions reflector;
  absl::Duration resync = absl::ZeroDuration();  // zero: no periodic resync
};

class Informer final : private ReflectorSink {
 public:
  // Lists and watches `resource` in options.namespace_name through `client`.
  Informer(RestClient& client, Resource resource, util::Clock& clock, InformerOptions options = {});
  // Lists and watches through `source` (a test's scripted one).
  Informer(std::unique_ptr<ListerWatcher> source, util::Clock& clock, InformerOptions options = {});
  ~Informer() override;
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Registers handlers. Added after objects are cached, they first receive an
  // on_add for each cached object (as client-go does).
  void add_handlers(EventHandlers handlers);

  // The cache (a lister): read it from anywhere; add indexers before run().
  Store& store() { return store_; }
  const Store& store() const { return store_; }

  // Lists, watches and dispatches until `stop`. Call once.
  void run(std::stop_token stop);

  // True once the first complete list has been delivered to the handlers.
  bool has_synced() const { return synced_.load(std::memory_order_acquire); }
  // Blocks until synced (true) or `stop` is requested (false).
  bool wait_for_sync(std::stop_token stop);

  std::string last_resource_version() const { return reflector_.last_resource_version(); }
  const Reflector& reflector() const { return reflector_; }

 private:
  void replace(std::vector<ObjectPtr> objects) override;
  void apply(WatchEventType type, ObjectPtr object) override;
  void resync_loop(std::stop_token stop);

  util::Clock& clock_;
  const absl::Duration resync_;
  const std::unique_ptr<ListerWatcher> source_;
  Store store_;
  Reflector reflector_;

  // Serialises store writes with handler calls, so handlers observe changes
  // in order and the resync walk sees a consistent store.
  util::Mutex dispatch_mu_;
  std::vector<EventHandlers> handlers_ ABSL_GUARDED_BY(dispatch_mu_);

  util::Mutex sync_mu_;
  util::CondVar synced_cv_;
  std::atomic<bool> synced_{false};
};

}  // namespace kube
