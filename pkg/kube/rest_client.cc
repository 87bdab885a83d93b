#include "pkg/kube/rest_client.h"

#include <algorithm>
#include <utility>

#include "pkg/http/retry.h"
#include "pkg/kube/api_error.h"
#include "pkg/util/percent_encoding.h"
#include "pkg/util/strings.h"

#ifndef KAIC_VERSION
#define KAIC_VERSION "0.0.0"
#endif

namespace kube {
namespace {

constexpr std::string_view kJson = "application/json";

class Query {
 public:
  void add(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    text_ += text_.empty() ? "?" : "&";
    text_ += util::cat(key, "=", util::percent_encode(value));
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

void add_write_options(Query& q, const WriteOptions& options) {
  if (options.dry_run) q.add("dryRun", "All");
  q.add("fieldManager", options.field_manager);
  q.add("fieldValidation", options.field_validation);
}

std::string_view content_type(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

bool is_success(int code) {
  return code >= 200 && code < 300;
}

// Splits a watch body into lines and parses each event.
class WatchStreamParser final : public http::StreamConsumer {
 public:
  explicit WatchStreamParser(const WatchCallback& on_event) : on_event_(on_event) {}

  bool on_response(int status, const http::Headers& headers) override {
    status_code_ = status;
    headers_ = headers;
    return true;
  }

  bool on_data(std::string_view chunk) override {
    if (!is_success(status_code_)) {
      error_body_.append(chunk);  // an error Status, read whole
      return error_body_.size() < (1 << 20);
    }
    pending_.append(chunk);
    size_t start = 0;
    while (true) {
      const size_t end = pending_.find('\n', start);
      if (end == std::string::npos) break;
      const std::string_view line =
          util::trim(std::string_view(pending_).substr(start, end - start));
      start = end + 1;
      if (!line.empty() && !handle_line(line)) {
        pending_.clear();
        return false;
      }
    }
    pending_.erase(0, start);
    return true;
  }

  // Call after the stream ended: a last line without '\n' still counts.
  void finish() {
    const std::string_view rest = util::trim(pending_);
    if (!rest.empty() && result_.ok() && !stopped_) handle_line(rest);
    pending_.clear();
  }

  int status_code() const { return status_code_; }
  const http::Headers& headers() const { return headers_; }
  const std::string& error_body() const { return error_body_; }
  const util::Status& result() const { return result_; }

 private:
  bool handle_line(std::string_view line) {
    auto parsed = json::parse(line);
    if (!parsed.ok()) {
      result_ = util::unavailable_error(
          util::cat("watch: undecodable event: ", parsed.status().message()));
      return false;
    }
    const std::string_view type = json::get_string(*parsed, "type");
    JsonValue* object = json::find(*parsed, "object");
    if (object == nullptr || !object->IsObject()) {
      result_ =
          util::unavailable_error(util::cat("watch: event without object (type \"", type, "\")"));
      return false;
    }
    if (type == "ERROR") {
      result_ = status_from_status_object(*object);
      return false;
    }
    WatchEventType event_type;
    if (type == "ADDED") {
      event_type = WatchEventType::kAdded;
    } else if (type == "MODIFIED") {
      event_type = WatchEventType::kModified;
    } else if (type == "DELETED") {
      event_type = WatchEventType::kDeleted;
    } else if (type == "BOOKMARK") {
      event_type = WatchEventType::kBookmark;
    } else {
      result_ = util::unavailable_error(util::cat("watch: unknown event type \"", type, "\""));
      return false;
    }
    JsonValue taken;
    taken.Swap(*object);
    if (!on_event_(WatchEvent{event_type, Object(std::move(taken))})) {
      stopped_ = true;
      return false;
    }
    return true;
  }

  const WatchCallback& on_event_;
  int status_code_ = 0;
  http::Headers headers_;
  std::string pending_;
  std::string error_body_;
  util::Status result_;
  bool stopped_ = false;
};

}  // namespace

std::string default_user_agent() {
#if defined(__x86_64__)
  constexpr std::string_view kArch = "amd64";
#elif defined(__aarch64__)
  constexpr std::string_view kArch = "arm64";
#else
  constexpr std::string_view kArch = "unknown";
#endif
  return util::cat("kube-aws-iam-controller/", KAIC_VERSION, " (linux/", kArch, ")");
}

std::string_view watch_event_type_name(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
  }
  return "UNKNOWN";
}

struct RestClient::Call {
  std::string_view verb;  // for messages and the observer
  http::Method method = http::Method::kGet;
  const Resource* resource = nullptr;
  std::string_view name;  // for messages
  std::string path_and_query;
  std::string body;
  std::string_view content_type;
  std::stop_token stop;
};

RestClient::RestClient(Config config, http::Transport& transport, util::Clock& clock,
                       RestClientOptions options)
    : config_(std::move(config)),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      limiter_(clock, {.ceiling_qps = std::max(options_.qps, 0.0),
                       .ceiling_burst = std::max(options_.burst, 1)}) {}

void RestClient::observe(std::string_view verb, const Resource& resource, int code,
                         absl::Duration latency) const {
  if (!options_.observer) return;
  options_.observer(RequestInfo{verb, resource.resource, code, latency});
}

util::StatusOr<http::Request> RestClient::build_request(const Call& call) {
  http::Request request;
  request.method = call.method;
  request.url = config_.server + call.path_and_query;
  request.timeout = options_.timeout;
  request.headers.add("Accept", std::string(kJson));
  request.headers.add("User-Agent",
                      options_.user_agent.empty() ? default_user_agent() : options_.user_agent);
  if (config_.token) {
    ASSIGN_OR_RETURN(const util::SecretString token, config_.token->token());
    request.headers.add("Authorization", util::cat("Bearer ", token.reveal()));
  }
  if (!call.body.empty() || call.method == http::Method::kPost ||
      call.method == http::Method::kPut || call.method == http::Method::kPatch) {
    request.headers.add("Content-Type",
                        std::string(call.content_type.empty() ? kJson : call.content_type));
    request.body = call.body;
  }
  return request;
}

util::StatusOr<http::Response> RestClient::execute(const Call& call) {
  const std::string context =
      util::cat(call.verb, " ", call.resource->resource, call.name.empty() ? "" : " ", call.name);
  bool reauthenticated = false;
  const auto judge = [&](http::Attempt& attempt) {
    if (!attempt.answer.ok()) {
      observe(call.verb, *call.resource, 0, attempt.latency);
      attempt.answer = util::annotate(attempt.answer.status(), context);
      return http::Verdict::done();
    }
    const http::Response& response = *attempt.answer;
    const bool throttled = response.status == 429;
    observe(call.verb, *call.resource, response.status, attempt.latency);
    if (response.status == 401 && config_.token && !reauthenticated) {
      config_.token->invalidate();  // the token may have rotated under us
      reauthenticated = true;
      return http::Verdict::retry(absl::ZeroDuration(), throttled);
    }
    const auto after = response.headers.get("Retry-After");
    if ((throttled || response.status >= 500) && after.has_value() &&
        attempt.number <= options_.max_retries) {
      return http::Verdict::retry(
          std::min(parse_retry_after(*after).value_or(absl::Seconds(1)), options_.max_retry_wait),
          throttled);
    }
    return http::Verdict::done(throttled);
  };
  return http::send_with_retries(transport_, clock_,
                                 {.context = context,
                                  .build = [&] { return build_request(call); },
                                  .judge = judge,
                                  .limiter = &limiter_},
                                 call.stop);
}

util::StatusOr<Object> RestClient::object_call(const Call& call) {
  ASSIGN_OR_RETURN(http::Response response, execute(call));
  if (!is_success(response.status)) {
    return status_from_response(response, call.verb, call.resource->resource, call.name);
  }
  auto object = Object::parse(response.body);
  if (!object.ok()) {
    return util::annotate(
        object.status(), util::cat(call.verb, " ", call.resource->resource, ": bad response body"));
  }
  return std::move(object).value();
}

util::StatusOr<Object> RestClient::get(const Resource& resource, std::string_view ns,
                                       std::string_view name, const GetOptions& options) {
  Query q;
  q.add("resourceVersion", options.resource_version);
  return object_call({"get", http::Method::kGet, &resource, name,
                      resource.object_path(ns, name) + q.text(), "", "", options.stop});
}

util::StatusOr<ObjectList> RestClient::list(const Resource& resource, std::string_view ns,
                                            const ListOptions& options) {
  ObjectList out;
  ASSIGN_OR_RETURN(ListMeta meta, list_each(resource, ns, options, [&](Object&& object) {
                     out.items.push_back(std::move(object));
                   }));
  out.resource_version = std::move(meta.resource_version);
  out.continue_token = std::move(meta.continue_token);
  return out;
}

util::StatusOr<ListMeta> RestClient::list_each(const Resource& resource, std::string_view ns,
                                               const ListOptions& options,
                                               const ObjectCallback& on_object) {
  Query q;
  q.add("labelSelector", options.label_selector);
  q.add("fieldSelector", options.field_selector);
  if (options.limit > 0) q.add("limit", std::to_string(options.limit));
  q.add("continue", options.continue_token);
  q.add("resourceVersion", options.resource_version);
  q.add("resourceVersionMatch", options.resource_version_match);
  const Call call{
      "list", http::Method::kGet, &resource, "", resource.collection_path(ns) + q.text(), "",
      "",     options.stop};
  ASSIGN_OR_RETURN(http::Response response, execute(call));
  if (!is_success(response.status)) {
    return status_from_response(response, "list", resource.resource, "");
  }
  // Items of a typed list carry no kind/apiVersion: derive them from the
  // list's (which precede the items), or from the resource.
  auto fill_in = [&](JsonValue&& item, const JsonValue& list) {
    Object object(std::move(item));
    if (object.kind().empty()) {
      std::string_view list_kind = json::get_string(list, "kind");
      if (list_kind.ends_with("List")) list_kind.remove_suffix(4);
      object.set_kind(list_kind.empty() ? std::string_view(resource.kind) : list_kind);
    }
    if (object.api_version().empty()) {
      const std::string_view api_version = json::get_string(list, "apiVersion");
      object.set_api_version(api_version.empty() ? resource.api_version() : api_version);
    }
    on_object(std::move(object));
  };
  auto list = json::parse_list(response.body, fill_in);
  if (!list.ok()) return util::annotate(list.status(), util::cat("list ", resource.resource));
  ListMeta meta;
  if (const JsonValue* metadata = json::find(*list, "metadata"); metadata != nullptr) {
    meta.resource_version = json::get_string(*metadata, "resourceVersion");
    meta.continue_token = json::get_string(*metadata, "continue");
  }
  return meta;
}

util::StatusOr<Object> RestClient::create(const Resource& resource, const Object& object,
                                          const WriteOptions& options) {
  Query q;
  add_write_options(q, options);
  return object_call({"create", http::Method::kPost, &resource, object.name(),
                      resource.collection_path(object.namespace_name()) + q.text(),
                      object.to_json(), kJson, options.stop});
}

util::StatusOr<Object> RestClient::update(const Resource& resource, const Object& object,
                                          const WriteOptions& options) {
  Query q;
  add_write_options(q, options);
  return object_call({"update", http::Method::kPut, &resource, object.name(),
                      resource.object_path(object.namespace_name(), object.name()) + q.text(),
                      object.to_json(), kJson, options.stop});
}

util::StatusOr<Object> RestClient::update_status(const Resource& resource, const Object& object,
                                                 const WriteOptions& options) {
  Query q;
  add_write_options(q, options);
  return object_call(
      {"update", http::Method::kPut, &resource, object.name(),
       resource.object_path(object.namespace_name(), object.name(), "status") + q.text(),
       object.to_json(), kJson, options.stop});
}

util::StatusOr<Object> RestClient::patch(const Resource& resource, std::string_view ns,
                                         std::string_view name, PatchType type,
                                         std::string_view body, const WriteOptions& options,
                                         std::string_view subresource) {
  Query q;
  add_write_options(q, options);
  return object_call({"patch", http::Method::kPatch, &resource, name,
                      resource.object_path(ns, name, subresource) + q.text(), std::string(body),
                      content_type(type), options.stop});
}

util::Status RestClient::remove(const Resource& resource, std::string_view ns,
                                std::string_view name, const DeleteOptions& options) {
  Query q;
  if (options.dry_run) q.add("dryRun", "All");
  std::string body;
  if (!options.propagation_policy.empty() || !options.precondition_uid.empty() ||
      !options.precondition_resource_version.empty() || options.grace_period_seconds) {
    JsonValue root(rapidjson::kObjectType);
    json::set_string(root, "kind", "DeleteOptions");
    json::set_string(root, "apiVersion", "v1");
    if (!options.propagation_policy.empty()) {
      json::set_string(root, "propagationPolicy", options.propagation_policy);
    }
    if (options.grace_period_seconds) {
      json::set_int(root, "gracePeriodSeconds", *options.grace_period_seconds);
    }
    if (!options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
      JsonValue& pre = json::ensure_object(root, "preconditions");
      if (!options.precondition_uid.empty()) json::set_string(pre, "uid", options.precondition_uid);
      if (!options.precondition_resource_version.empty()) {
        json::set_string(pre, "resourceVersion", options.precondition_resource_version);
      }
    }
    body = json::serialize(root);
  }
  const Call call{"delete",
                  http::Method::kDelete,
                  &resource,
                  name,
                  resource.object_path(ns, name) + q.text(),
                  std::move(body),
                  kJson,
                  options.stop};
  ASSIGN_OR_RETURN(http::Response response, execute(call));
  if (!is_success(response.status)) {
    return status_from_response(response, "delete", resource.resource, name);
  }
  return util::ok_status();
}

util::Status RestClient::watch(const Resource& resource, std::string_view ns,
                               const WatchOptions& options, const WatchCallback& on_event,
                               std::stop_token stop) {
  Query q;
  q.add("watch", "true");
  q.add("labelSelector", options.label_selector);
  q.add("fieldSelector", options.field_selector);
  q.add("resourceVersion", options.resource_version);
  if (options.allow_watch_bookmarks) q.add("allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) q.add("timeoutSeconds", std::to_string(options.timeout_seconds));
  const Call call{
      "watch", http::Method::kGet, &resource, "", resource.collection_path(ns) + q.text(), "", "",
      stop};
  if (!limiter_.acquire(stop)) return util::cancelled_error("watch cancelled");
  ASSIGN_OR_RETURN(http::Request request, build_request(call));
  // The server ends the watch after timeoutSeconds; allow some slack before
  // calling the connection dead.
  if (options.timeout_seconds > 0) {
    request.idle_timeout = absl::Seconds(options.timeout_seconds) + absl::Seconds(30);
  }
  const util::MonotonicTime start = clock_.monotonic_now();
  WatchStreamParser parser(on_event);
  util::Status streamed = transport_.stream(request, parser, stop);
  parser.finish();
  observe("watch", resource, parser.status_code(), clock_.monotonic_now() - start);
  if (parser.status_code() != 0 && !is_success(parser.status_code())) {
    if (parser.status_code() == 401 && config_.token) config_.token->invalidate();
    http::Response response{parser.status_code(), parser.headers(), parser.error_body()};
    return status_from_response(response, "watch", resource.resource, "");
  }
  if (!parser.result().ok()) return parser.result();
  if (!streamed.ok()) return util::annotate(streamed, util::cat("watch ", resource.resource));
  return util::ok_status();
}

}  // namespace kube
