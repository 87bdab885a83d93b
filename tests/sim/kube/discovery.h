// The legacy discovery documents kubectl reads to map kinds to resources:
// /api (APIVersions), /apis (APIGroupList), /apis/<group> (APIGroup),
// /api/v1 and /apis/<group>/<version> (APIResourceList), built from the
// current catalog, in the shape of k8s-wire-samples/discovery-*.json.
// Requests for aggregated discovery (Accept ...;as=APIGroupDiscoveryList)
// get these too, with Content-Type application/json, so clients fall back.
//
// Thread-safety: pure functions of a catalog snapshot.
#pragma once

#include <optional>
#include <string>

#include "tests/sim/kube/catalog.h"

namespace sim::kube {

std::string api_versions_document(const std::string& server_address);
std::string api_group_list_document(const Catalog& catalog);
// nullopt when the group is not served.
std::optional<std::string> api_group_document(const Catalog& catalog, const std::string& group);
std::optional<std::string> api_resource_list_document(const Catalog& catalog,
                                                      const std::string& group,
                                                      const std::string& version);

}  // namespace sim::kube
