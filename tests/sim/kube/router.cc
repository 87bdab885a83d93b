#include "tests/sim/kube/router.h"

#include <cstdio>
#include <optional>

#include "pkg/util/strings.h"
#include "tests/sim/kube/content_negotiation.h"
#include "tests/sim/kube/delete_handler.h"
#include "tests/sim/kube/discovery.h"
#include "tests/sim/kube/latency_model.h"
#include "tests/sim/kube/query_params.h"
#include "tests/sim/kube/read_handler.h"
#include "tests/sim/kube/request_info.h"
#include "tests/sim/kube/write_handler.h"

namespace sim::kube {
namespace {

// ?watch=, as the apiserver reads it (query_bool): present and not false.
bool watch_requested(const httplib::Request& req) {
  return req.has_param("watch") && query_bool(req.get_param_value("watch"));
}

bool is_public_path(std::string_view path) {
  return path == "/healthz" || path == "/livez" || path == "/readyz" || path == "/version" ||
         path.substr(0, 7) == "/_sim/";
}

// Go's strconv.Quote for the Warning header text (ASCII subset).
std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string version_json(const std::string& version) {
  std::string v = version.size() > 1 && version[0] == 'v' ? version.substr(1) : version;
  std::vector<std::string_view> parts = util::split(v, '.');
  std::string major = parts.size() > 0 ? std::string(parts[0]) : "1";
  std::string minor = parts.size() > 1 ? std::string(parts[1]) : "0";
  return util::cat("{\"major\":\"", major, "\",\"minor\":\"", minor, "\",\"gitVersion\":\"",
                   version,
                   "\",\"gitCommit\":\"0000000000000000000000000000000000000000\",\"gitTreeState\":"
                   "\"clean\",\"buildDate\":\"2026-01-01T00:00:00Z\",\"goVersion\":\"go1.24.0\","
                   "\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}");
}

}  // namespace

Router::Router(ServerState& state, std::string server_version, WatchSettings watch_settings,
               Hooks hooks)
    : state_(state),
      server_version_(std::move(server_version)),
      watch_settings_(watch_settings),
      hooks_(std::move(hooks)) {}

void Router::set_server_address(std::string address) {
  util::MutexLock lock(mu_);
  server_address_ = std::move(address);
}

void Router::handle(const httplib::Request& req, httplib::Response& res) {
  ApiRequest api;
  api.params = std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
  if (req.path.rfind("/_sim/", 0) == 0) {
    write(api, admin(req), res);
    return;
  }
  RequestInfo info = parse_request_info(req.method, req.path, watch_requested(req));
  std::string counted_resource = info.is_resource_request ? info.resource : "";
  if (info.is_resource_request && !info.subresource.empty()) {
    counted_resource = util::cat(info.resource, "/", info.subresource);
  }
  // Discovery, OpenAPI and health checks are not modelled: they cost nothing.
  const std::optional<LatencyModelGate::Admission> admission =
      state_.latency_model.admit(info.is_resource_request ? info.verb : "");
  if (!admission) {
    state_.counters.record(info.verb, counted_resource, 429);
    state_.counters.record_inflight_limit_rejection();
    write(api, ApiResponse::error(too_many_requests(/*retry_after_seconds=*/1)), res);
    return;
  }
  // The admission's in-flight slot (if any) is held through this modelled
  // server work and the handling below.
  const absl::Duration latency =
      state_.faults.latency_for(info.verb, info.resource) + admission->latency();
  if (latency > absl::ZeroDuration()) util::sleep_for(state_.clock, latency, stop_.get_token());
  ApiResponse response;
  bool is_resource = false;
  if (auto failure = state_.faults.take_failure(info.verb, info.resource)) {
    response = ApiResponse::error(injected_error(failure->code, failure->retry_after_seconds));
  } else {
    std::string user(AccessPolicy::kAnonymousAdmin);
    bool authenticated = true;
    if (state_.access.tokens_required()) {
      auto who = state_.access.authenticate(req.get_header_value("Authorization"));
      authenticated = who.has_value();
      if (who) user = *who;
    }
    if (!authenticated && !is_public_path(req.path)) {
      response = ApiResponse::error(unauthorized());
    } else {
      response = dispatch(req, user, api, is_resource);
    }
  }
  state_.counters.record(info.verb, counted_resource, response.status);
  if (is_resource && response.status >= 200 && response.status < 300 &&
      is_mutating_verb(api.verb) && !api.dry_run()) {
    state_.counters.record_write(api.type != nullptr ? api.type->resource : info.resource);
  }
  write(api, std::move(response), res);
}

ApiResponse Router::dispatch(const httplib::Request& req, const std::string& user, ApiRequest& api,
                             bool& is_resource) {
  RequestInfo info = parse_request_info(req.method, req.path, watch_requested(req));
  if (!info.is_resource_request) return non_resource(req);
  is_resource = true;
  api.catalog = state_.catalog.get();
  api.type = api.catalog->find(info.group, info.version, info.resource);
  if (api.type == nullptr) return ApiResponse::error(generic_not_found());
  const ResourceType& type = *api.type;
  api.verb = info.verb;
  api.ns = info.ns;
  api.name = info.name;
  api.subresource = info.subresource;
  api.params = std::multimap<std::string, std::string>(req.params.begin(), req.params.end());
  api.body = req.body;
  api.content_type = req.get_header_value("Content-Type");
  api.accept = req.get_header_value("Accept");
  api.user = user;
  if (!api.subresource.empty() && !(api.subresource == "status" && type.status_subresource)) {
    return ApiResponse::error(generic_not_found());
  }
  if (!type.namespaced && info.namespace_in_path) return ApiResponse::error(generic_not_found());
  if (type.namespaced && !info.namespace_in_path) {
    if (api.verb == "create" || api.verb == "deletecollection") {
      return ApiResponse::error(method_not_allowed(type.group, type.resource));
    }
    if (!api.name.empty()) return ApiResponse::error(generic_not_found());
  }
  bool verb_ok = api.subresource.empty()
                     ? type.has_verb(api.verb)
                     : (api.verb == "get" || api.verb == "update" || api.verb == "patch");
  if (!verb_ok) return ApiResponse::error(method_not_allowed(type.group, type.resource));
  std::string resource =
      api.subresource.empty() ? type.resource : util::cat(type.resource, "/", api.subresource);
  if (!state_.access.allowed(user, api.verb, type.group, resource, api.ns)) {
    return ApiResponse::error(
        forbidden(user, api.verb, type.group, type.resource, api.subresource, api.name, api.ns));
  }
  std::string dry_run = api.param("dryRun");
  if (!dry_run.empty() && dry_run != "All") {
    return ApiResponse::error(bad_request(util::cat("Invalid dryRun value: ", dry_run)));
  }
  if (api.verb == "get") return ReadHandler(state_.context).get(api);
  if (api.verb == "list") return ReadHandler(state_.context).list(api);
  if (api.verb == "create") return WriteHandler(state_.context).create(api);
  if (api.verb == "update") return WriteHandler(state_.context).update(api);
  if (api.verb == "patch") return WriteHandler(state_.context).patch(api);
  if (api.verb == "delete") return DeleteHandler(state_.context).remove(api);
  if (api.verb == "deletecollection") return DeleteHandler(state_.context).remove_collection(api);
  if (api.verb == "watch") {
    WatchSettings settings = watch_settings_;
    settings.force_expired = state_.faults.take_forced_watch_expiry();
    auto started = WatchSession::start(state_.context, api, settings);
    if (auto* error = std::get_if<ApiResponse>(&started)) return *error;
    ApiResponse r;
    r.watch = std::get<std::shared_ptr<WatchSession>>(started);
    return r;
  }
  return ApiResponse::error(method_not_allowed(type.group, type.resource));
}

ApiResponse Router::non_resource(const httplib::Request& req) {
  const std::string& path = req.path;
  if (req.method != "GET") return ApiResponse::error(generic_not_found());
  if (path == "/version") return ApiResponse::json(200, version_json(server_version_));
  if (path == "/healthz" || path == "/livez" || path == "/readyz") {
    ApiResponse r = ApiResponse::json(200, "ok");
    r.content_type = "text/plain; charset=utf-8";
    return r;
  }
  std::shared_ptr<const Catalog> catalog = state_.catalog.get();
  if (path == "/api" || path == "/api/") {
    util::MutexLock lock(mu_);
    return ApiResponse::json(200, api_versions_document(server_address_));
  }
  if (path == "/apis" || path == "/apis/")
    return ApiResponse::json(200, api_group_list_document(*catalog));
  std::vector<std::string_view> parts;
  for (std::string_view p : util::split(path, '/')) {
    if (!p.empty()) parts.push_back(p);
  }
  if (parts.size() == 2 && parts[0] == "api") {
    if (auto doc = api_resource_list_document(*catalog, "", std::string(parts[1]))) {
      return ApiResponse::json(200, *doc);
    }
  }
  if (parts.size() == 2 && parts[0] == "apis") {
    if (auto doc = api_group_document(*catalog, std::string(parts[1])))
      return ApiResponse::json(200, *doc);
  }
  if (parts.size() == 3 && parts[0] == "apis") {
    if (auto doc =
            api_resource_list_document(*catalog, std::string(parts[1]), std::string(parts[2]))) {
      return ApiResponse::json(200, *doc);
    }
  }
  if (path == "/openapi/v2" || path == "/swagger-2.0.0.pb-v1") {
    std::string accept = req.get_header_value("Accept");
    if (accept.find("protobuf") != std::string::npos || path == "/swagger-2.0.0.pb-v1") {
      ApiResponse r = ApiResponse::json(200, state_.openapi_v2.protobuf_document());
      // The apiserver answers with a parseable media type (no "@").
      r.content_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
      return r;
    }
    return ApiResponse::json(200, state_.openapi_v2.json_document());
  }
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    return ApiResponse::json(200, state_.openapi.root(catalog));
  }
  if (path.rfind("/openapi/v3/", 0) == 0) {
    if (auto doc = state_.openapi.group_version(catalog, path.substr(12))) {
      return ApiResponse::json(200, std::move(doc->body));
    }
  }
  return ApiResponse::error(generic_not_found());
}

ApiResponse Router::admin(const httplib::Request& req) {
  const std::string& path = req.path;
  if (path == "/_sim/counters" && req.method == "GET")
    return ApiResponse::json(200, state_.counters.to_json());
  if (path == "/_sim/counters/reset" && req.method == "POST") {
    state_.counters.reset();
    return ApiResponse::json(200, "{}");
  }
  if (path == "/_sim/state" && req.method == "GET") {
    return ApiResponse::json(
        200, util::cat("{\"resourceVersion\":\"", state_.store.current_resource_version(),
                       "\",\"objects\":", state_.store.object_count(), "}"));
  }
  if (path == "/_sim/gc" && req.method == "POST") {
    auto doc = json::parse(req.body.empty() ? "{}" : req.body);
    if (!doc.ok()) return ApiResponse::error(bad_request(doc.status().message()));
    if (const json::Value* enabled = json::find(*doc, "enabled"); enabled && enabled->IsBool()) {
      state_.garbage_collection = enabled->GetBool();
    }
    size_t collected = 0;
    if (const json::Value* collect = json::find(*doc, "collect");
        collect && collect->IsBool() && collect->GetBool()) {
      collected = hooks_.collect_garbage();
    }
    return ApiResponse::json(
        200, util::cat("{\"enabled\":", state_.garbage_collection.load() ? "true" : "false",
                       ",\"collected\":", collected, "}"));
  }
  if (path == "/_sim/latency-model" && req.method == "GET") {
    return ApiResponse::json(200, latency_model_to_json(state_.latency_model.model()));
  }
  if (path == "/_sim/latency-model" && req.method == "POST") {
    auto model = apply_latency_model_json(state_.latency_model.model(), req.body);
    if (!model.ok()) return ApiResponse::error(bad_request(model.status().message()));
    state_.latency_model.set_model(*model);
    return ApiResponse::json(200, latency_model_to_json(*model));
  }
  if (path == "/_sim/faults" && req.method == "POST") {
    auto doc = json::parse(req.body.empty() ? "{}" : req.body);
    if (!doc.ok() || !doc->IsObject())
      return ApiResponse::error(bad_request("faults: a JSON object is required"));
    const json::Value& f = *doc;
    if (const json::Value* v = json::find(f, "clear"); v && v->IsBool() && v->GetBool())
      state_.faults.clear();
    if (const json::Value* v = json::find(f, "latencyMs"); v && v->IsNumber()) {
      state_.faults.set_latency(absl::Milliseconds(v->GetDouble()), json::get_string(f, "verb"),
                                json::get_string(f, "resource"));
    }
    if (const json::Value* fail = json::find(f, "fail"); fail && fail->IsObject()) {
      FailureRule rule;
      if (const json::Value* c = json::find(*fail, "count"); c && c->IsInt())
        rule.count = c->GetInt();
      if (const json::Value* c = json::find(*fail, "code"); c && c->IsInt())
        rule.code = c->GetInt();
      if (const json::Value* c = json::find(*fail, "retryAfterSeconds"); c && c->IsInt()) {
        rule.retry_after_seconds = c->GetInt();
      }
      rule.verb = json::get_string(*fail, "verb");
      rule.resource = json::get_string(*fail, "resource");
      state_.faults.fail_next(rule);
    }
    if (const json::Value* v = json::find(f, "forceWatchExpired"); v && v->IsInt()) {
      state_.faults.force_watch_expired(v->GetInt());
    }
    if (const json::Value* v = json::find(f, "compact"); v && v->IsBool() && v->GetBool())
      hooks_.compact();
    if (const json::Value* v = json::find(f, "dropWatches"); v && v->IsBool() && v->GetBool()) {
      hooks_.drop_watches();
    }
    std::string restart = json::get_string(f, "restart");
    if (!restart.empty()) {
      if (restart != "keep" && restart != "wipe" && restart != "wipe-reset") {
        return ApiResponse::error(bad_request("restart must be keep, wipe or wipe-reset"));
      }
      hooks_.restart(restart);
      return ApiResponse::json(202, "{\"restarting\":true}");
    }
    return ApiResponse::json(200, "{}");
  }
  return ApiResponse::error(generic_not_found());
}

void Router::write(const ApiRequest& api, ApiResponse response, httplib::Response& res) {
  res.status = response.status;
  res.set_header("Audit-Id", util::cat("kube-sim-", ++audit_counter_));
  res.set_header("Cache-Control", "no-cache, private");
  for (const std::string& w : response.warnings)
    res.set_header("Warning", util::cat("299 - ", go_quote(w)));
  if (response.retry_after_seconds.has_value() && response.status >= 400) {
    res.set_header("Retry-After", util::cat(*response.retry_after_seconds));
  }
  std::string content_type = response.content_type;
  if (response.status < 300 && api.type != nullptr) {
    Negotiated n = negotiate(api.accept, api.param("includeObject"));
    if (n.form == OutputForm::kTable) content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    if (n.form == OutputForm::kPartialMetadata) {
      content_type = api.verb == "get"
                         ? "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
                         : "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io";
    }
  }
  if (response.watch == nullptr) {
    if (api.bool_param("pretty")) {
      if (auto doc = json::parse(response.body); doc.ok())
        response.body = json::to_pretty_string(*doc) + "\n";
    }
    res.set_content(response.body, content_type);
    return;
  }
  std::shared_ptr<WatchSession> session = response.watch;
  res.set_chunked_content_provider(content_type, [session](size_t, httplib::DataSink& sink) {
    WatchSession::Step step = session->next(
        [&sink](std::string_view chunk) { return sink.write(chunk.data(), chunk.size()); });
    if (step == WatchSession::Step::kAbort) return false;
    if (step == WatchSession::Step::kDone) sink.done();
    return true;
  });
}

}  // namespace sim::kube
