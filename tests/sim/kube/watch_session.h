// One watch request streaming newline-delimited
// {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":...} events:
// synthetic ADDED events for resourceVersion ""/"0" (or sendInitialEvents),
// changes after the given resourceVersion from the store's history,
// selector-filtered with the apiserver's rules (an object leaving the
// selection is sent as DELETED carrying the event's resourceVersion),
// periodic BOOKMARKs when allowed, an ERROR 410 Expired event when the start
// is older than the history window (or when a fault forces it), and a clean
// end at timeoutSeconds. See k8s-wire-samples/watch-stream-with-bookmark.jsonl.
//
// Thread-safety: one HTTP thread drives a session; the store wakes it.
// Time: bookmarks and timeouts use the injected clock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/api_request.h"
#include "tests/sim/kube/list_options.h"

namespace sim::kube {

struct WatchSettings {
  absl::Duration bookmark_interval = absl::Minutes(1);
  absl::Duration default_timeout = absl::Minutes(30);
  bool force_expired = false;  // fault injection: answer with ERROR 410
};

class WatchSession {
 public:
  enum class Step { kContinue, kDone, kAbort };
  using Writer = std::function<bool(std::string_view chunk)>;

  // Validates the request; on success returns a session whose first next()
  // sends initial events (or the 410 ERROR). Errors (400 selectors, 504 too
  // large resourceVersion) come back as a response.
  static std::variant<std::shared_ptr<WatchSession>, ApiResponse> start(
      ApiContext& context, const ApiRequest& request, const WatchSettings& settings);

  // Blocks until there is something to send, a bookmark is due, the watch
  // times out or is interrupted. kAbort: close the connection mid-stream.
  Step next(const Writer& write);

  WatchSession(ApiContext& context, ApiRequest request, ListOptions options,
               const WatchSettings& settings);

 private:
  std::string encode(std::string_view type, const std::string& object_json);
  std::string render(const RecordPtr& record);
  std::string render_with_rv(const RecordPtr& record, uint64_t rv);
  std::string bookmark_json(uint64_t rv, bool initial_events_end) const;
  bool in_scope(const ObjectRecord& record) const;
  void schedule_bookmark();

  ApiContext& context_;
  ApiRequest request_;
  ListOptions options_;
  WatchSettings settings_;
  bool started_ = false;
  bool send_initial_ = false;
  bool initial_end_bookmark_ = false;
  bool bookmarks_ = false;
  bool table_ = false;
  bool table_headers_sent_ = false;
  uint64_t last_rv_ = 0;   // events after this are still to be sent
  uint64_t known_rv_ = 0;  // everything up to this was considered
  uint64_t epoch_ = 0;
  util::MonotonicTime deadline_;
  util::MonotonicTime next_bookmark_;
  bool pre_deadline_bookmark_sent_ = false;
};

}  // namespace sim::kube
