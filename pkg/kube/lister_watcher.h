// What a Reflector needs from the apiserver for one resource (client-go's
// cache.ListerWatcher): list it a page at a time, and watch it. The resource
// and namespace are bound in; selectors, paging and the resourceVersion come
// with each call. ResourceListerWatcher serves it through a RestClient;
// reflector tests script their own.
//
// Thread-safety: implementations are called from the reflector's one thread.
#pragma once

#include <stop_token>
#include <string>

#include "pkg/kube/resource.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/status.h"

namespace kube {

class ListerWatcher {
 public:
  virtual ~ListerWatcher() = default;
  // One page, each object handed to `on_object` as it is parsed; errors as
  // RestClient::list (410 Gone for an expired continue token).
  virtual util::StatusOr<ListMeta> list(const ListOptions& options,
                                        const ObjectCallback& on_object) = 0;
  // Delivers events until the server ends the watch, `on_event` returns false
  // or `stop` is requested; errors as RestClient::watch.
  virtual util::Status watch(const WatchOptions& options, const WatchCallback& on_event,
                             std::stop_token stop) = 0;
};

// `resource` in namespace `ns` ("" = all namespaces, or cluster-scoped)
// through `client`, which it borrows.
class ResourceListerWatcher final : public ListerWatcher {
 public:
  ResourceListerWatcher(RestClient& client, Resource resource, std::string ns)
      : client_(client), resource_(std::move(resource)), namespace_(std::move(ns)) {}

  util::StatusOr<ListMeta> list(const ListOptions& options,
                                const ObjectCallback& on_object) override {
    return client_.list_each(resource_, namespace_, options, on_object);
  }
  util::Status watch(const WatchOptions& options, const WatchCallback& on_event,
                     std::stop_token stop) override {
    return client_.watch(resource_, namespace_, options, on_event, std::move(stop));
  }

 private:
  RestClient& client_;
  const Resource resource_;
  const std::string namespace_;
};

}  // namespace kube
