// The calls the reconciler makes to the Kubernetes API — its writes, and the
// one read it needs beyond the caches (a Secret it may adopt): a narrow seam,
// so reconciler tests run against an in-memory fake. RestObjectWriter sends
// them through a kube::RestClient.
//
// Errors: as kube::RestClient (pkg/kube/api_error.h); every status from the
// server carries its util::ErrorDetail.
#pragma once

#include <stop_token>
#include <string_view>

#include "pkg/kube/object.h"
#include "pkg/kube/resource.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/status.h"

namespace controller {

class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual util::StatusOr<kube::Object> create(const kube::Resource& resource,
                                              const kube::Object& object,
                                              const std::stop_token& stop) = 0;
  virtual util::StatusOr<kube::Object> get(const kube::Resource& resource, std::string_view ns,
                                           std::string_view name, const std::stop_token& stop) = 0;
  // A JSON merge patch of the object, or of its `subresource` ("status");
  // conditional when the patch carries metadata.resourceVersion.
  virtual util::StatusOr<kube::Object> merge_patch(const kube::Resource& resource,
                                                   std::string_view ns, std::string_view name,
                                                   std::string_view patch,
                                                   std::string_view subresource,
                                                   const std::stop_token& stop) = 0;
  // Deletes the object if its uid is still `uid`.
  virtual util::Status remove(const kube::Resource& resource, std::string_view ns,
                              std::string_view name, std::string_view uid,
                              const std::stop_token& stop) = 0;
};

class RestObjectWriter final : public ObjectWriter {
 public:
  explicit RestObjectWriter(kube::RestClient& client) : client_(client) {}
  util::StatusOr<kube::Object> create(const kube::Resource& resource, const kube::Object& object,
                                      const std::stop_token& stop) override;
  util::StatusOr<kube::Object> get(const kube::Resource& resource, std::string_view ns,
                                   std::string_view name, const std::stop_token& stop) override;
  util::StatusOr<kube::Object> merge_patch(const kube::Resource& resource, std::string_view ns,
                                           std::string_view name, std::string_view patch,
                                           std::string_view subresource,
                                           const std::stop_token& stop) override;
  util::Status remove(const kube::Resource& resource, std::string_view ns, std::string_view name,
                      std::string_view uid, const std::stop_token& stop) override;

 private:
  kube::RestClient& client_;
};

}  // namespace controller
