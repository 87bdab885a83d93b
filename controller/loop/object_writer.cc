#include "controller/loop/object_writer.h"

namespace controller {

util::StatusOr<kube::Object> RestObjectWriter::create(const kube::Resource& resource,
                                                      const kube::Object& object,
                                                      const std::stop_token& stop) {
  return client_.create(resource, object, {.stop = stop});
}

util::StatusOr<kube::Object> RestObjectWriter::get(const kube::Resource& resource,
                                                   std::string_view ns, std::string_view name,
                                                   const std::stop_token& stop) {
  return client_.get(resource, ns, name, {.stop = stop});
}

util::StatusOr<kube::Object> RestObjectWriter::merge_patch(
    const kube::Resource& resource, std::string_view ns, std::string_view name,
    std::string_view patch, std::string_view subresource, const std::stop_token& stop) {
  return client_.patch(resource, ns, name, kube::PatchType::kMerge, patch, {.stop = stop},
                       subresource);
}

util::Status RestObjectWriter::remove(const kube::Resource& resource, std::string_view ns,
                                      std::string_view name, std::string_view uid,
                                      const std::stop_token& stop) {
  return client_.remove(resource, ns, name, {.precondition_uid = std::string(uid), .stop = stop});
}

}  // namespace controller
