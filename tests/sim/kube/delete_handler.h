// DELETE of one object and of a collection: DeleteOptions from the body or
// the query (propagationPolicy, preconditions, dryRun), the apiserver's
// responses (a Success Status with name/group/kind=resource/uid, the object
// while finalizers are pending, a List for deletecollection), and the
// cascade (namespace contents, a CRD's resources, garbage collection).
//
// Thread-safety: thread-safe.
#pragma once

#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/api_request.h"

namespace sim::kube {

class DeleteHandler {
 public:
  explicit DeleteHandler(ApiContext& context) : context_(context) {}

  ApiResponse remove(const ApiRequest& request);
  ApiResponse remove_collection(const ApiRequest& request);

 private:
  ApiContext& context_;
};

}  // namespace sim::kube
