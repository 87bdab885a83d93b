// Keeps the served catalog in step with the stored CRDs: after any CRD write
// or delete, rebuilds built-ins + the resource types of every established
// CRD and swaps the snapshot (discovery and OpenAPI follow immediately).
//
// Thread-safety: thread-safe; rebuilds are serialised by
// CatalogHolder::rebuild_mutex().
#pragma once

#include <vector>

#include "tests/sim/kube/api_context.h"

namespace sim::kube {

inline constexpr std::string_view kCrdStorageKey = "apiextensions.k8s.io/customresourcedefinitions";

// Every stored CRD, parsed.
std::vector<json::Document> stored_crds(const ObjectStore& store);

void refresh_catalog(ApiContext& context);

}  // namespace sim::kube
