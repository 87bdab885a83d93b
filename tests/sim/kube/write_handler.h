// create / update (PUT, also /status) / patch (merge, JSON, strategic,
// apply) of any resource: decoding with fieldValidation, metadata rules
// (uid, creationTimestamp, generation, resourceVersion preconditions ->
// 409), the status subresource split, per-kind admission and validation
// (422), dryRun=All, no-op updates that keep the resourceVersion, CRD
// registration, mutating admission webhooks, and garbage collection of objects created with missing
// owners.
//
// Thread-safety: thread-safe; concurrent writers are resolved by the
// store's resourceVersion compare-and-swap (retried for unconditional
// updates and patches, 409 Conflict for stale preconditions).
#pragma once

#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/api_request.h"

namespace sim::kube {

class WriteHandler {
 public:
  explicit WriteHandler(ApiContext& context) : context_(context) {}

  ApiResponse create(const ApiRequest& request);
  ApiResponse update(const ApiRequest& request);
  ApiResponse patch(const ApiRequest& request);

 private:
  // Creates `object` (already decoded, in the request's version).
  ApiResponse create_object(const ApiRequest& request, json::Document& object,
                            std::vector<std::string> warnings);
  // Replaces the stored object `current` with `object` (decoded, request
  // version). Returns status -1 when a concurrent write won and `retryable`
  // (no resourceVersion precondition): the caller re-reads and retries.
  ApiResponse update_object(const ApiRequest& request, json::Document& object,
                            const RecordPtr& current, std::vector<std::string> warnings,
                            bool retryable);
  // The mutating admission webhooks on `object` (stored form; `old` too).
  std::optional<ApiError> call_webhooks(const ApiRequest& request, std::string_view operation,
                                        json::Document& object, const json::Value* old,
                                        std::vector<std::string>& warnings) const;
  static ApiResponse error_with_warnings(const ApiError& error, std::vector<std::string> warnings);
  ApiError error_for(const ApiRequest& request, const util::Status& status,
                     std::string_view name) const;

  ApiContext& context_;
};

}  // namespace sim::kube
