// get and list of any resource: selectors, limit/continue pagination with
// consistent snapshots, resourceVersion/resourceVersionMatch, all-namespace
// lists, and the response forms a client asks for (object / List, Table for
// kubectl get, PartialObjectMetadata). List items of built-in kinds carry no
// kind/apiVersion, custom resources do, as the apiserver encodes them.
//
// Thread-safety: thread-safe (reads store snapshots).
#pragma once

#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/api_request.h"

namespace sim::kube {

class ReadHandler {
 public:
  explicit ReadHandler(ApiContext& context) : context_(context) {}

  ApiResponse get(const ApiRequest& request);
  ApiResponse list(const ApiRequest& request);

 private:
  ApiContext& context_;
};

// The body of a list response whose items are already serialised.
std::string list_body(const ResourceType& type, const std::string& resource_version,
                      const std::string& continue_token,
                      const std::optional<int64_t>& remaining_item_count,
                      const std::vector<std::string>& items);

// A stored object as a list item: built-ins lose kind/apiVersion.
std::string list_item(const ResourceType& type, const std::string& stored_json);

}  // namespace sim::kube
