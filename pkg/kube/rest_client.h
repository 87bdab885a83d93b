// A Kubernetes REST client over http::Transport: get, list, create, update,
// update_status, patch, delete and watch for any group/version/resource,
// namespaced or cluster-scoped, with typed errors (api_error.h), adaptive
// client-side pacing (util::AdaptiveRateLimiter: unlimited until the apiserver
// answers 429, as API Priority and Fairness does when overloaded; then the AWS
// SDKs' adaptive algorithm; an optional fixed QPS ceiling), a User-Agent, bearer-token auth from
// the Config (re-read as the token rotates; a 401 invalidates the token and retries once), bounded
// retries honouring Retry-After on 429/5xx, and an observer hook for metrics.
//
// Results are Object values (cheap to move); share() them to cache.
//
// Thread-safety: thread-safe; share one client between informers, workers, the
// event recorder and leader election. Ownership: borrows the Transport and
// Clock, which must outlive it. Time source: the Clock (rate-limit and
// Retry-After waits, observer latencies). Errors: see api_error.h; kCancelled
// when an options' `stop` is requested during a rate-limit or Retry-After wait;
// kInvalidArgument for an unparsable success body. Never logs tokens or bodies.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/http/transport.h"
#include "pkg/kube/config.h"
#include "pkg/kube/object.h"
#include "pkg/kube/resource.h"
#include "pkg/util/adaptive_rate_limiter.h"
#include "pkg/util/clock.h"

namespace kube {

// What the observer sees after each request (each retry counts once).
struct RequestInfo {
  std::string_view verb;      // get, list, watch, create, update, patch, delete
  std::string_view resource;  // plural resource name ("secrets")
  int code = 0;               // HTTP status; 0 when no response arrived
  absl::Duration latency;
};
using RequestObserver = std::function<void(const RequestInfo&)>;

struct RestClientOptions {
  // A ceiling on requests per second and its burst (client-go's defaults);
  // qps 0: none. Below it the rate adapts to 429 answers.
  double qps = 5;
  int burst = 10;
  std::string user_agent;  // default: default_user_agent()
  absl::Duration timeout = absl::Seconds(30);
  int max_retries = 3;                                // Retry-After retries per call
  absl::Duration max_retry_wait = absl::Seconds(10);  // Retry-After is clamped to this
  RequestObserver observer;                           // called on the requesting thread
};

// "kube-aws-iam-controller/0.1.0 (linux/amd64)".
std::string default_user_agent();

enum class PatchType { kMerge, kJson, kStrategicMerge };  // strategic: core kinds only

struct GetOptions {
  std::string resource_version;
  std::stop_token stop;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;  // 0: no paging
  std::string continue_token;
  std::string resource_version;
  std::string resource_version_match;  // "NotOlderThan" / "Exact"
  std::stop_token stop;
};

struct WriteOptions {
  bool dry_run = false;  // dryRun=All
  std::string field_manager;
  std::string field_validation;  // "Strict" / "Warn" / "Ignore"
  std::stop_token stop;
};

struct DeleteOptions {
  bool dry_run = false;
  std::string propagation_policy;  // "Foreground" / "Background" / "Orphan"
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
  std::stop_token stop;
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  bool allow_watch_bookmarks = true;
  int64_t timeout_seconds = 0;  // server-side timeout; 0: the server's default
};

// What a list response says besides its items.
struct ListMeta {
  std::string resource_version;
  std::string continue_token;  // "" on the last page
};

struct ObjectList {
  std::vector<Object> items;  // kind/apiVersion filled in from the list's
  std::string resource_version;
  std::string continue_token;  // "" on the last page
};

// Receives a listed object (its kind/apiVersion filled in from the list's).
using ObjectCallback = std::function<void(Object&& object)>;

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark };
std::string_view watch_event_type_name(WatchEventType type);

struct WatchEvent {
  WatchEventType type;
  Object object;  // a BOOKMARK carries only metadata.resourceVersion
};
// Return false to end the watch.
using WatchCallback = std::function<bool(WatchEvent&& event)>;

class RestClient {
 public:
  RestClient(Config config, http::Transport& transport, util::Clock& clock,
             RestClientOptions options = {});

  util::StatusOr<Object> get(const Resource& resource, std::string_view ns, std::string_view name,
                             const GetOptions& options = {});
  // One page; pass continue_token back for the next one.
  util::StatusOr<ObjectList> list(const Resource& resource, std::string_view ns,
                                  const ListOptions& options = {});
  // One page, each object handed to `on_object` as soon as it is parsed, so
  // the page is never in memory as parsed objects all at once (a reflector's
  // relist). A page that turns out malformed part-way has handed over the
  // objects before the fault; the error then says where it is.
  util::StatusOr<ListMeta> list_each(const Resource& resource, std::string_view ns,
                                     const ListOptions& options, const ObjectCallback& on_object);
  // Creates in the object's namespace.
  util::StatusOr<Object> create(const Resource& resource, const Object& object,
                                const WriteOptions& options = {});
  // PUT; the object's metadata.resourceVersion makes it conditional (409 →
  // kAborted when stale).
  util::StatusOr<Object> update(const Resource& resource, const Object& object,
                                const WriteOptions& options = {});
  // PUT to the /status subresource.
  util::StatusOr<Object> update_status(const Resource& resource, const Object& object,
                                       const WriteOptions& options = {});
  util::StatusOr<Object> patch(const Resource& resource, std::string_view ns, std::string_view name,
                               PatchType type, std::string_view body,
                               const WriteOptions& options = {}, std::string_view subresource = {});
  util::Status remove(const Resource& resource, std::string_view ns, std::string_view name,
                      const DeleteOptions& options = {});

  // Streams events until the server ends the watch (OK), `on_event` returns
  // false (OK), `stop` is requested (kCancelled), the connection fails
  // (kUnavailable / kDeadlineExceeded), or an ERROR event arrives (its status:
  // kOutOfRange for 410 Expired/Gone, meaning relist). HTTP errors map as usual.
  util::Status watch(const Resource& resource, std::string_view ns, const WatchOptions& options,
                     const WatchCallback& on_event, std::stop_token stop);

  const Config& config() const { return config_; }
  // The pacing of requests, for metrics.
  const util::AdaptiveRateLimiter& rate_limiter() const { return limiter_; }

 private:
  struct Call;
  util::StatusOr<http::Response> execute(const Call& call);
  util::StatusOr<http::Request> build_request(const Call& call);
  util::StatusOr<Object> object_call(const Call& call);
  void observe(std::string_view verb, const Resource& resource, int code,
               absl::Duration latency) const;

  const Config config_;
  http::Transport& transport_;
  util::Clock& clock_;
  const RestClientOptions options_;
  util::AdaptiveRateLimiter limiter_;
};

}  // namespace kube
