#include "tests/sim/kube/watch_session.h"

#include <charconv>

#include "pkg/util/strings.h"
#include "tests/sim/kube/content_negotiation.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/query_params.h"

namespace sim::kube {
namespace {

constexpr absl::Duration kPreDeadlineBookmark = absl::Seconds(2);

}  // namespace

WatchSession::WatchSession(ApiContext& context, ApiRequest request, ListOptions options,
                           const WatchSettings& settings)
    : context_(context),
      request_(std::move(request)),
      options_(std::move(options)),
      settings_(settings) {}

std::variant<std::shared_ptr<WatchSession>, ApiResponse> WatchSession::start(
    ApiContext& context, const ApiRequest& request, const WatchSettings& settings) {
  ListOptions options;
  if (auto e = ListOptions::parse(request, options)) return ApiResponse::error(*e);
  auto session = std::make_shared<WatchSession>(context, request, std::move(options), settings);
  WatchSession& s = *session;
  std::string rv = request.param("resourceVersion");
  const std::optional<bool> send_initial = request.optional_bool_param("sendInitialEvents");
  s.bookmarks_ = request.bool_param("allowWatchBookmarks");
  if (rv.empty() || rv == "0") {
    s.send_initial_ = send_initial.value_or(true);
  } else {
    uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
    if (ec != std::errc() || ptr != rv.data() + rv.size()) {
      return ApiResponse::error(bad_request(util::cat("invalid resource version: ", rv)));
    }
    s.last_rv_ = value;
    s.send_initial_ = send_initial.value_or(false);
    if (!s.send_initial_ && !settings.force_expired) {
      util::Status ok = context.store.check_watch_start(request.type->storage_key, value);
      if (ok.code() == util::StatusCode::kDeadlineExceeded) {
        ApiError e = server_timeout(ok.message(), 1);
        e.causes.push_back({"ResourceVersionTooLarge", "Too large resource version", ""});
        return ApiResponse::error(e);
      }
      if (!ok.ok()) s.settings_.force_expired = true;
    }
  }
  s.initial_end_bookmark_ = s.send_initial_ && send_initial.value_or(false) && s.bookmarks_;
  s.table_ = negotiate(request.accept, request.param("includeObject")).form == OutputForm::kTable;
  absl::Duration timeout = settings.default_timeout;
  if (request.has_param("timeoutSeconds")) {
    util::StatusOr<int64_t> seconds = query_int(request.param("timeoutSeconds"));
    if (!seconds.ok()) return ApiResponse::error(bad_request(seconds.status().message()));
    timeout = absl::Seconds(*seconds);
  }
  util::MonotonicTime now = context.clock.monotonic_now();
  s.deadline_ = now + timeout;
  s.epoch_ = context.store.watch_epoch();
  s.schedule_bookmark();
  return session;
}

void WatchSession::schedule_bookmark() {
  util::MonotonicTime now = context_.clock.monotonic_now();
  next_bookmark_ = now + settings_.bookmark_interval;
  if (!pre_deadline_bookmark_sent_ && deadline_ - kPreDeadlineBookmark < next_bookmark_) {
    next_bookmark_ = deadline_ - kPreDeadlineBookmark;
  }
}

bool WatchSession::in_scope(const ObjectRecord& record) const {
  return !request_.type->namespaced || request_.ns.empty() || record.ns == request_.ns;
}

std::string WatchSession::render(const RecordPtr& record) {
  return render_stored(*request_.type, record->json);
}

std::string WatchSession::render_with_rv(const RecordPtr& record, uint64_t rv) {
  auto doc = json::parse(render(record));
  if (!doc.ok()) return record->json;
  json::set_string(json::ensure_object(*doc, "metadata", doc->GetAllocator()), "resourceVersion",
                   util::cat(rv), doc->GetAllocator());
  return json::to_string(*doc);
}

std::string WatchSession::encode(std::string_view type, const std::string& object_json) {
  std::string object = object_json;
  if (table_) {
    auto doc = json::parse(object_json);
    if (doc.ok()) {
      TableOptions options;
      options.no_headers = table_headers_sent_;
      options.resource_version = json::get_string_path(*doc, {"metadata", "resourceVersion"});
      object = context_.printer.print(*request_.type, {&doc.value()}, context_.clock.system_now(),
                                      options);
      table_headers_sent_ = true;
    }
  }
  return util::cat("{\"type\":\"", type, "\",\"object\":", object, "}\n");
}

std::string WatchSession::bookmark_json(uint64_t rv, bool initial_events_end) const {
  const ResourceType& t = *request_.type;
  std::string meta = util::cat("\"resourceVersion\":", json::quoted(util::cat(rv)));
  if (initial_events_end) meta += ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}";
  if (!t.is_custom()) meta += ",\"creationTimestamp\":null";
  return util::cat("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":", json::quoted(t.kind),
                   ",\"apiVersion\":", json::quoted(t.api_version()), ",\"metadata\":{", meta,
                   "}}}\n");
}

WatchSession::Step WatchSession::next(const Writer& write) {
  const ResourceType& type = *request_.type;
  if (!started_) {
    started_ = true;
    if (settings_.force_expired) {
      uint64_t current = context_.store.current_resource_version();
      util::Status why = context_.store.check_watch_start(type.storage_key, last_rv_);
      std::string message =
          why.ok() ? util::cat("too old resource version: ", last_rv_, " (", current, ")")
                   : why.message();
      write(util::cat("{\"type\":\"ERROR\",\"object\":", expired(message).to_json(), "}\n"));
      return Step::kDone;
    }
    if (send_initial_) {
      ListRequest lr;
      lr.storage_key = type.storage_key;
      lr.ns = type.namespaced ? request_.ns : "";
      if (!options_.empty())
        lr.predicate = [this](const ObjectRecord& r) { return options_.matches(r); };
      auto list = context_.store.list(lr);
      if (!list.ok()) return Step::kAbort;
      std::string out;
      for (const RecordPtr& r : list->items) {
        out += encode("ADDED", render(r));
        if (out.size() > (1 << 16)) {
          if (!write(out)) return Step::kAbort;
          out.clear();
        }
      }
      last_rv_ = list->resource_version;
      known_rv_ = last_rv_;
      if (initial_end_bookmark_) out += bookmark_json(last_rv_, true);
      if (!out.empty() && !write(out)) return Step::kAbort;
      return Step::kContinue;
    }
    known_rv_ = last_rv_;
  }
  util::MonotonicTime wake = deadline_;
  if (bookmarks_ && next_bookmark_ < wake) wake = next_bookmark_;
  ObjectStore::WatchBatch batch =
      context_.store.wait_events(type.storage_key, last_rv_, wake, epoch_);
  if (batch.interrupted) return Step::kAbort;
  if (batch.events.empty() && !context_.store.check_watch_start(type.storage_key, last_rv_).ok()) {
    return Step::kDone;  // fell behind the history window: the client re-watches (and gets 410)
  }
  std::string out;
  for (const ChangeEvent& e : batch.events) {
    bool cur = e.type != EventType::kDeleted && in_scope(*e.object) && options_.matches(*e.object);
    bool old = e.previous != nullptr && in_scope(*e.previous) && options_.matches(*e.previous);
    if (cur && !old) {
      out += encode("ADDED", render(e.object));
    } else if (cur && old) {
      out += encode("MODIFIED", render(e.object));
    } else if (!cur && old) {
      out += encode("DELETED", e.type == EventType::kDeleted
                                   ? render(e.object)
                                   : render_with_rv(e.previous, e.resource_version));
    }
    last_rv_ = e.resource_version;
  }
  if (batch.current_resource_version > known_rv_ && batch.events.empty()) {
    known_rv_ = batch.current_resource_version;
  } else if (!batch.events.empty()) {
    known_rv_ = std::max(last_rv_, batch.current_resource_version);
  }
  util::MonotonicTime now = context_.clock.monotonic_now();
  if (bookmarks_ && now >= next_bookmark_) {
    if (next_bookmark_ >= deadline_ - kPreDeadlineBookmark) pre_deadline_bookmark_sent_ = true;
    out += bookmark_json(known_rv_, false);
    schedule_bookmark();
  }
  if (!out.empty() && !write(out)) return Step::kAbort;
  if (now >= deadline_) return Step::kDone;
  return Step::kContinue;
}

}  // namespace sim::kube
