// An in-memory Kubernetes API for tests of pkg/kube and its users, served as
// an http::testing::FakeTransport handler: get, list (label/field selectors,
// limit/continue), create, update (conditional on resourceVersion, incl.
// /status), merge and strategic-merge patch (conditional when it carries
// metadata.resourceVersion), delete (with preconditions) and
// watch (the events after a resourceVersion, then the end of the stream), for
// any group/version/resource path, with Status error bodies like the real
// apiserver's. One global, increasing resourceVersion; a history of events
// that compact() forgets, after which old versions get 410 Expired.
//
// Not a simulator: no schema, no defaults, no garbage collection (see
// tests/sim/kube for that); but its selectors and merge patch are the
// simulator's, so the two servers cannot disagree on them. A watch with
// selectors streams the events whose object matched in that event's state (an
// object that stops matching is not turned into a DELETED event, as the
// apiserver would); watch_lines() streams every event of the collection.
// Thread-safe. Time: none (creationTimestamp is a fixed value).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "pkg/http/transport.h"
#include "pkg/kube/object.h"
#include "pkg/util/mutex.h"

namespace kube::testing {

class FakeApiServer {
 public:
  using Handler = std::function<util::StatusOr<http::Response>(const http::Request&)>;

  util::StatusOr<http::Response> handle(const http::Request& request);
  // A handler for FakeTransport::set_handler(); `this` must outlive it.
  Handler handler() {
    return [this](const http::Request& r) { return handle(r); };
  }

  // State changes as another client would make them (they bump the version
  // and are seen by watches). `collection` is a path such as
  // "/api/v1/namespaces/ns/secrets". apply() creates or replaces
  // unconditionally and returns the stored object.
  Object apply(std::string_view collection, Object object);
  bool remove(std::string_view collection, std::string_view name);
  std::optional<Object> get(std::string_view collection, std::string_view name) const;
  // Objects of the collection (all namespaces for a path without one).
  std::vector<Object> list(std::string_view collection) const;

  int64_t resource_version() const;
  // Watch event lines ("{...}\n") of the collection after `after_rv`, as the
  // apiserver streams them (unfiltered); one ERROR 410 Expired line when
  // `after_rv` is older than the history kept.
  std::string watch_lines(std::string_view collection, int64_t after_rv) const;
  // A BOOKMARK line at the current version.
  std::string bookmark_line(std::string_view kind) const;
  // Forgets the event history: watches and continue tokens from older
  // versions now get 410.
  void compact();
  // The next `count` requests fail with `http_code` and a Status of `reason`
  // (with a Retry-After header when `retry_after` is set).
  void fail_next(int count, int http_code, std::string reason, std::string retry_after = "");
  // The next `count` requests get `response` as it is (e.g. a verbatim
  // apiserver error).
  void fail_next_with(http::Response response, int count = 1);
  // Requests handled so far, as "METHOD path?query".
  std::vector<std::string> request_log() const;

 private:
  struct Path {
    std::string gvr;  // "group/version/resource"
    std::string resource;
    std::string ns;
    std::string name;
    std::string subresource;
  };
  struct HistoryEntry {
    int64_t rv;
    std::string gvr;
    std::string ns;
    std::string type;
    std::string object_json;
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // gvr, ns, name

  static util::StatusOr<Path> parse_path(std::string_view path);
  http::Response do_get(const Path& p, const std::map<std::string, std::string>& query)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_list(const Path& p, const std::map<std::string, std::string>& query)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_watch(const Path& p, const std::map<std::string, std::string>& query)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_create(const Path& p, const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_update(const Path& p, const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_patch(const Path& p, const http::Request& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  http::Response do_delete(const Path& p, const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Object store_locked(const Path& p, Object object, bool created)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Objects of the collection that `keep` (if any) accepts.
  std::vector<const Object*> select_locked(const Path& p,
                                           const std::function<bool(const Object&)>& keep) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The events of objects that `keep` (if any) accepts, in their state then.
  std::string watch_lines_locked(const Path& p, int64_t after_rv,
                                 const std::function<bool(const Object&)>& keep) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable util::Mutex mu_;
  std::map<Key, Object> objects_ ABSL_GUARDED_BY(mu_);
  std::vector<HistoryEntry> history_ ABSL_GUARDED_BY(mu_);
  int64_t rv_ ABSL_GUARDED_BY(mu_) = 100;
  int64_t compacted_rv_ ABSL_GUARDED_BY(mu_) = 0;  // versions <= this are gone
  int64_t next_uid_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<http::Response> failures_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
};

// The body of a `kind: Status` failure, as the apiserver writes it.
std::string status_body(int code, std::string_view reason, std::string_view message,
                        std::string_view resource = {}, std::string_view name = {});

}  // namespace kube::testing
