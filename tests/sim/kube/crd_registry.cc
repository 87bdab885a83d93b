#include "tests/sim/kube/crd_registry.h"

#include "tests/sim/kube/crd_support.h"

namespace sim::kube {

std::vector<json::Document> stored_crds(const ObjectStore& store) {
  std::vector<json::Document> out;
  for (const ObjectLocation& loc : store.all_in(kCrdStorageKey)) {
    RecordPtr record = store.get(loc.storage_key, loc.ns, loc.name);
    if (record == nullptr) continue;
    auto doc = json::parse(record->json);
    if (doc.ok()) out.push_back(std::move(*doc));
  }
  return out;
}

void refresh_catalog(ApiContext& context) {
  util::MutexLock lock(context.catalog.rebuild_mutex());
  std::vector<ResourceType> types = builtin_resource_types();
  for (const json::Document& crd : stored_crds(context.store)) {
    for (ResourceType& t : custom_resource_types(crd))
      types.push_back(std::move(t));
  }
  context.catalog.set(std::make_shared<const Catalog>(std::move(types)));
}

}  // namespace sim::kube
