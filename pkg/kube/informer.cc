#include "pkg/kube/informer.h"

#include <thread>
#include <utility>

namespace kube {

Informer::Informer(RestClient& client, Resource resource, util::Clock& clock,
                   InformerOptions options)
    : clock_(clock),
      resync_(options.resync),
      source_(std::make_unique<ResourceListerWatcher>(client, std::move(resource),
                                                      options.namespace_name)),
      reflector_(*source_, *this, clock, std::move(options.reflector)) {}

Informer::Informer(std::unique_ptr<ListerWatcher> source, util::Clock& clock,
                   InformerOptions options)
    : clock_(clock),
      resync_(options.resync),
      source_(std::move(source)),
      reflector_(*source_, *this, clock, std::move(options.reflector)) {}

Informer::~Informer() = default;

void Informer::add_handlers(EventHandlers handlers) {
  util::MutexLock lock(dispatch_mu_);
  if (handlers.on_add) {
    for (const ObjectPtr& object : store_.list())
      handlers.on_add(object);
  }
  handlers_.push_back(std::move(handlers));
}

void Informer::replace(std::vector<ObjectPtr> objects) {
  {
    util::MutexLock lock(dispatch_mu_);
    const Store::Diff diff = store_.replace(std::move(objects));
    for (const EventHandlers& h : handlers_) {
      if (h.on_delete) {
        for (const ObjectPtr& gone : diff.removed)
          h.on_delete(gone, /*final_state_unknown=*/true);
      }
      if (h.on_update) {
        for (const auto& [old_object, new_object] : diff.updated)
          h.on_update(old_object, new_object);
      }
      if (h.on_add) {
        for (const ObjectPtr& added : diff.added)
          h.on_add(added);
      }
    }
  }
  if (!synced_.load(std::memory_order_acquire)) {
    util::MutexLock lock(sync_mu_);
    synced_.store(true, std::memory_order_release);
    synced_cv_.notify_all();
  }
}

void Informer::apply(WatchEventType type, ObjectPtr object) {
  util::MutexLock lock(dispatch_mu_);
  if (type == WatchEventType::kDeleted) {
    const ObjectPtr previous = store_.remove(object->key());
    if (previous == nullptr) return;  // never seen: nothing to tell
    for (const EventHandlers& h : handlers_) {
      if (h.on_delete) h.on_delete(object, /*final_state_unknown=*/false);
    }
    return;
  }
  const ObjectPtr current = store_.get(object->key());
  if (current != nullptr && !current->resource_version().empty() &&
      current->resource_version() == object->resource_version()) {
    return;  // already seen (a replayed event)
  }
  const ObjectPtr previous = store_.upsert(object);
  for (const EventHandlers& h : handlers_) {
    if (previous == nullptr) {
      if (h.on_add) h.on_add(object);
    } else if (h.on_update) {
      h.on_update(previous, object);
    }
  }
}

void Informer::resync_loop(std::stop_token stop) {
  while (util::sleep_for(clock_, resync_, stop)) {
    util::MutexLock lock(dispatch_mu_);
    const std::vector<ObjectPtr> objects = store_.list();
    for (const EventHandlers& h : handlers_) {
      if (!h.on_update) continue;
      for (const ObjectPtr& object : objects)
        h.on_update(object, object);
    }
  }
}

void Informer::run(std::stop_token stop) {
  std::jthread resync;
  if (resync_ > absl::ZeroDuration()) {
    // Ends with run(): the jthread requests its own stop and joins on return.
    resync = std::jthread([this](std::stop_token own) { resync_loop(std::move(own)); });
  }
  reflector_.run(stop);
  // Wake wait_for_sync() callers still waiting.
  util::MutexLock lock(sync_mu_);
  synced_cv_.notify_all();
}

bool Informer::wait_for_sync(std::stop_token stop) {
  std::stop_callback on_stop(stop, [this] {
    util::MutexLock lock(sync_mu_);
    synced_cv_.notify_all();
  });
  util::MutexLock lock(sync_mu_);
  while (!synced_.load(std::memory_order_acquire)) {
    if (stop.stop_requested()) return false;
    synced_cv_.wait(sync_mu_);
  }
  return true;
}

}  // namespace kube
