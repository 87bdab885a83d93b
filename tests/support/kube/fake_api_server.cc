#include "tests/support/kube/fake_api_server.h"

#include <algorithm>
#include <charconv>

#include "pkg/util/strings.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/json_patch.h"
#include "tests/sim/kube/selector.h"

namespace kube::testing {
namespace {

std::string url_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && end == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i] == '+' ? ' ' : text[i]);
  }
  return out;
}

int64_t to_int(std::string_view text, int64_t fallback = 0) {
  int64_t value = fallback;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

http::Response json_response(int code, std::string body) {
  return {code, {{"Content-Type", "application/json"}}, std::move(body)};
}

http::Response error(int code, std::string_view reason, std::string_view message,
                     std::string_view resource = {}, std::string_view name = {}) {
  return json_response(code, status_body(code, reason, message, resource, name));
}

// A query parameter's value ("" when absent).
std::string query_value(const std::map<std::string, std::string>& query, std::string_view key) {
  auto it = query.find(std::string(key));
  return it == query.end() ? std::string() : it->second;
}

// Whether `object` matches a list's or watch's labelSelector and
// fieldSelector, parsed with the simulator's grammar
// (tests/sim/kube/selector.h); a malformed one is the apiserver's 400
// BadRequest message.
util::StatusOr<std::function<bool(const Object&)>> parse_selectors(
    const std::map<std::string, std::string>& query) {
  ASSIGN_OR_RETURN(sim::kube::LabelSelector label_selector,
                   sim::kube::LabelSelector::parse(query_value(query, "labelSelector")));
  ASSIGN_OR_RETURN(sim::kube::FieldSelector field_selector,
                   sim::kube::FieldSelector::parse(query_value(query, "fieldSelector")));
  return std::function<bool(const Object&)>([label_selector = std::move(label_selector),
                                             field_selector =
                                                 std::move(field_selector)](const Object& object) {
    const StringMap object_labels = object.labels();  // sorted by key, as StringPairs must be
    return label_selector.matches(
               sim::kube::StringPairs(object_labels.begin(), object_labels.end())) &&
           field_selector.matches({{"metadata.name", std::string(object.name())},
                                   {"metadata.namespace", std::string(object.namespace_name())}});
  });
}

// RFC 7386 merge patch, with the simulator's implementation (its own JSON
// types, hence the round trip through text).
util::Status apply_merge_patch(Object& object, const JsonValue& patch) {
  ASSIGN_OR_RETURN(sim::kube::json::Document target, sim::kube::json::parse(object.to_json()));
  ASSIGN_OR_RETURN(const sim::kube::json::Document merge,
                   sim::kube::json::parse(json::serialize(patch)));
  sim::kube::apply_merge_patch(target, merge, target.GetAllocator());
  ASSIGN_OR_RETURN(object, Object::parse(sim::kube::json::to_string(target)));
  return util::ok_status();
}

std::string event_line(std::string_view type, std::string_view object_json) {
  return util::cat(R"({"type":")", type, R"(","object":)", object_json, "}\n");
}

}  // namespace

std::string status_body(int code, std::string_view reason, std::string_view message,
                        std::string_view resource, std::string_view name) {
  JsonValue root(rapidjson::kObjectType);
  json::set_string(root, "kind", "Status");
  json::set_string(root, "apiVersion", "v1");
  json::set(root, "metadata", JsonValue(rapidjson::kObjectType));
  json::set_string(root, "status", "Failure");
  json::set_string(root, "message", message);
  json::set_string(root, "reason", reason);
  if (!resource.empty() || !name.empty()) {
    JsonValue& details = json::ensure_object(root, "details");
    if (!name.empty()) json::set_string(details, "name", name);
    if (!resource.empty()) json::set_string(details, "kind", resource);
  }
  json::set_int(root, "code", code);
  return json::serialize(root);
}

util::StatusOr<FakeApiServer::Path> FakeApiServer::parse_path(std::string_view path) {
  std::vector<std::string_view> segs;
  for (std::string_view s : util::split(path, '/')) {
    if (!s.empty()) segs.push_back(s);
  }
  Path p;
  size_t i = 0;
  if (segs.size() >= 2 && segs[0] == "api") {
    p.gvr = util::cat("/", segs[1]);
    i = 2;
  } else if (segs.size() >= 3 && segs[0] == "apis") {
    p.gvr = util::cat(segs[1], "/", segs[2]);
    i = 3;
  } else {
    return util::not_found_error(util::cat("no such path ", path));
  }
  std::vector<std::string> rest;
  for (; i < segs.size(); ++i)
    rest.push_back(url_decode(segs[i]));
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    p.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty()) return util::not_found_error(util::cat("no resource in ", path));
  p.resource = rest[0];
  p.gvr += util::cat("/", p.resource);
  if (rest.size() >= 2) p.name = rest[1];
  if (rest.size() >= 3) p.subresource = rest[2];
  return p;
}

util::StatusOr<http::Response> FakeApiServer::handle(const http::Request& request) {
  std::string_view url = request.url;
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    url.remove_prefix(std::min(url.find('/'), url.size()));
  }
  const size_t q = url.find('?');
  const std::string_view path = url.substr(0, q);
  std::map<std::string, std::string> query;
  if (q != std::string_view::npos) {
    for (std::string_view kv : util::split(url.substr(q + 1), '&')) {
      const size_t eq = kv.find('=');
      query[url_decode(kv.substr(0, eq))] =
          eq == std::string_view::npos ? "" : url_decode(kv.substr(eq + 1));
    }
  }
  util::MutexLock lock(mu_);
  log_.push_back(util::cat(http::method_name(request.method), " ", url));
  if (!failures_.empty()) {
    http::Response r = std::move(failures_.front());
    failures_.erase(failures_.begin());
    return r;
  }
  auto parsed = parse_path(path);
  if (!parsed.ok()) return error(404, "NotFound", parsed.status().message());
  const Path& p = *parsed;
  switch (request.method) {
    case http::Method::kGet:
      if (!p.name.empty()) return do_get(p, query);
      if (query.contains("watch")) return do_watch(p, query);
      return do_list(p, query);
    case http::Method::kPost:
      return do_create(p, request.body);
    case http::Method::kPut:
      return do_update(p, request.body);
    case http::Method::kPatch:
      return do_patch(p, request);
    case http::Method::kDelete:
      return do_delete(p, request.body);
    case http::Method::kHead:
      break;
  }
  return error(405, "MethodNotAllowed", "method not allowed");
}

http::Response FakeApiServer::do_get(const Path& p, const std::map<std::string, std::string>&) {
  auto it = objects_.find({p.gvr, p.ns, p.name});
  if (it == objects_.end()) {
    return error(404, "NotFound", util::cat(p.resource, " \"", p.name, "\" not found"), p.resource,
                 p.name);
  }
  return json_response(200, it->second.to_json());
}

std::vector<const Object*> FakeApiServer::select_locked(
    const Path& p, const std::function<bool(const Object&)>& keep) const {
  std::vector<const Object*> out;
  for (const auto& [key, object] : objects_) {
    if (std::get<0>(key) != p.gvr || (!p.ns.empty() && std::get<1>(key) != p.ns)) continue;
    if (!keep || keep(object)) out.push_back(&object);
  }
  return out;
}

http::Response FakeApiServer::do_list(const Path& p,
                                      const std::map<std::string, std::string>& query) {
  auto selectors = parse_selectors(query);
  if (!selectors.ok()) return error(400, "BadRequest", selectors.status().message());
  const std::vector<const Object*> selected = select_locked(p, *selectors);
  size_t offset = 0;
  int64_t list_rv = rv_;
  if (const std::string token = query_value(query, "continue"); !token.empty()) {
    const size_t colon = token.find(':');
    list_rv = to_int(std::string_view(token).substr(0, colon));
    offset = static_cast<size_t>(to_int(std::string_view(token).substr(colon + 1)));
    if (list_rv < compacted_rv_) {
      return error(410, "Expired",
                   "The provided continue parameter is too old to display a consistent list "
                   "result. You can start a new list without the continue parameter.");
    }
  }
  const int64_t limit = to_int(query_value(query, "limit"));
  size_t end = selected.size();
  if (limit > 0) end = std::min(end, offset + static_cast<size_t>(limit));
  JsonAllocator alloc;
  JsonValue root(rapidjson::kObjectType);
  std::string kind = "List";
  JsonValue items(rapidjson::kArrayType);
  for (size_t i = offset; i < end; ++i) {
    JsonValue item;
    item.CopyFrom(selected[i]->json(), alloc);
    if (kind == "List") kind = util::cat(selected[i]->kind(), "List");
    json::remove(item, "kind");  // typed lists omit them
    json::remove(item, "apiVersion");
    items.PushBack(std::move(item), alloc);
  }
  json::set_string(root, "kind", kind);
  std::string group_version = p.gvr.substr(0, p.gvr.rfind('/'));
  if (group_version.starts_with('/')) group_version.erase(0, 1);
  json::set_string(root, "apiVersion", group_version);
  JsonValue& metadata = json::ensure_object(root, "metadata");
  json::set_string(metadata, "resourceVersion", std::to_string(list_rv));
  if (end < selected.size()) json::set_string(metadata, "continue", util::cat(list_rv, ":", end));
  json::set(root, "items", std::move(items));
  return json_response(200, json::serialize(root));
}

std::string FakeApiServer::watch_lines_locked(
    const Path& p, int64_t after_rv, const std::function<bool(const Object&)>& keep) const {
  if (after_rv < compacted_rv_) {
    return event_line("ERROR", status_body(410, "Expired",
                                           util::cat("too old resource version: ", after_rv, " (",
                                                     compacted_rv_, ")")));
  }
  std::string out;
  for (const HistoryEntry& e : history_) {
    if (e.rv <= after_rv || e.gvr != p.gvr || (!p.ns.empty() && e.ns != p.ns)) continue;
    if (keep) {
      const util::StatusOr<Object> object = Object::parse(e.object_json);
      if (!object.ok() || !keep(*object)) continue;
    }
    out += event_line(e.type, e.object_json);
  }
  return out;
}

http::Response FakeApiServer::do_watch(const Path& p,
                                       const std::map<std::string, std::string>& query) {
  const std::string version = query_value(query, "resourceVersion");
  const int64_t after = version.empty() ? rv_ : to_int(version);
  auto selectors = parse_selectors(query);
  if (!selectors.ok()) return error(400, "BadRequest", selectors.status().message());
  return json_response(200, watch_lines_locked(p, after, *selectors));
}

Object FakeApiServer::store_locked(const Path& p, Object object, bool created) {
  object.set_namespace(p.ns);
  object.set_resource_version(std::to_string(++rv_));
  if (created) {
    json::set_string(json::ensure_object(object.mutable_json(), "metadata"), "uid",
                     util::cat("uid-", next_uid_++));
    json::set_string(json::ensure_object(object.mutable_json(), "metadata"), "creationTimestamp",
                     "2026-11-23T15:41:19Z");
  }
  history_.push_back({rv_, p.gvr, p.ns, created ? "ADDED" : "MODIFIED", object.to_json()});
  objects_.insert_or_assign(Key{p.gvr, p.ns, std::string(object.name())}, object);
  return object;
}

http::Response FakeApiServer::do_create(const Path& p, const std::string& body) {
  auto object = Object::parse(body);
  if (!object.ok()) return error(400, "BadRequest", object.status().message());
  const std::string name(object->name());
  if (name.empty()) return error(422, "Invalid", "metadata.name: Required value");
  if (objects_.contains({p.gvr, p.ns, name})) {
    return error(409, "AlreadyExists", util::cat(p.resource, " \"", name, "\" already exists"),
                 p.resource, name);
  }
  object->set_resource_version("");
  return json_response(201, store_locked(p, std::move(object).value(), true).to_json());
}

http::Response FakeApiServer::do_update(const Path& p, const std::string& body) {
  auto object = Object::parse(body);
  if (!object.ok()) return error(400, "BadRequest", object.status().message());
  auto it = objects_.find({p.gvr, p.ns, p.name});
  if (it == objects_.end()) {
    return error(404, "NotFound", util::cat(p.resource, " \"", p.name, "\" not found"), p.resource,
                 p.name);
  }
  if (!object->resource_version().empty() &&
      object->resource_version() != it->second.resource_version()) {
    return error(409, "Conflict",
                 util::cat("Operation cannot be fulfilled on ", p.resource, " \"", p.name,
                           "\": the object has been modified; please apply your changes to the "
                           "latest version and try again"),
                 p.resource, p.name);
  }
  json::set_string(json::ensure_object(object->mutable_json(), "metadata"), "uid",
                   it->second.uid());
  return json_response(200, store_locked(p, std::move(object).value(), false).to_json());
}

http::Response FakeApiServer::do_patch(const Path& p, const http::Request& request) {
  const std::string_view type = request.headers.get("Content-Type").value_or("");
  if (type != "application/merge-patch+json" && type != "application/strategic-merge-patch+json") {
    return error(415, "UnsupportedMediaType",
                 util::cat("the body of the request was in an unknown format - accepted media "
                           "types include: application/merge-patch+json"));
  }
  auto it = objects_.find({p.gvr, p.ns, p.name});
  if (it == objects_.end()) {
    return error(404, "NotFound", util::cat(p.resource, " \"", p.name, "\" not found"), p.resource,
                 p.name);
  }
  auto patch = json::parse(request.body);
  if (!patch.ok()) return error(400, "BadRequest", patch.status().message());
  // A resourceVersion in the patch makes it conditional, as on the apiserver.
  if (const JsonValue* meta = json::find(*patch, "metadata"); meta != nullptr) {
    const std::string_view rv = json::get_string(*meta, "resourceVersion");
    if (!rv.empty() && rv != it->second.resource_version()) {
      return error(409, "Conflict",
                   util::cat("Operation cannot be fulfilled on ", p.resource, " \"", p.name,
                             "\": the object has been modified; please apply your changes to "
                             "the latest version and try again"),
                   p.resource, p.name);
    }
  }
  Object next = it->second;
  if (util::Status merged = apply_merge_patch(next, *patch); !merged.ok()) {
    return error(422, "Invalid", merged.message());
  }
  return json_response(200, store_locked(p, std::move(next), false).to_json());
}

http::Response FakeApiServer::do_delete(const Path& p, const std::string& body) {
  auto it = objects_.find({p.gvr, p.ns, p.name});
  if (it == objects_.end()) {
    return error(404, "NotFound", util::cat(p.resource, " \"", p.name, "\" not found"), p.resource,
                 p.name);
  }
  if (!body.empty()) {
    auto options = json::parse(body);
    if (options.ok()) {
      if (const JsonValue* pre = json::find(*options, "preconditions")) {
        const std::string_view uid = json::get_string(*pre, "uid");
        const std::string_view rv = json::get_string(*pre, "resourceVersion");
        if ((!uid.empty() && uid != it->second.uid()) ||
            (!rv.empty() && rv != it->second.resource_version())) {
          return error(409, "Conflict",
                       util::cat("Operation cannot be fulfilled on ", p.resource, " \"", p.name,
                                 "\": precondition failed"),
                       p.resource, p.name);
        }
      }
    }
  }
  Object gone = it->second;
  objects_.erase(it);
  gone.set_resource_version(std::to_string(++rv_));
  history_.push_back({rv_, p.gvr, p.ns, "DELETED", gone.to_json()});
  return json_response(200,
                       R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"})");
}

Object FakeApiServer::apply(std::string_view collection, Object object) {
  Path p = parse_path(collection).value();
  util::MutexLock lock(mu_);
  auto it = objects_.find({p.gvr, p.ns, std::string(object.name())});
  const bool created = it == objects_.end();
  if (!created) {
    json::set_string(json::ensure_object(object.mutable_json(), "metadata"), "uid",
                     it->second.uid());
  }
  return store_locked(p, std::move(object), created);
}

bool FakeApiServer::remove(std::string_view collection, std::string_view name) {
  Path p = parse_path(collection).value();
  p.name = name;
  util::MutexLock lock(mu_);
  return do_delete(p, "").status == 200;
}

std::optional<Object> FakeApiServer::get(std::string_view collection, std::string_view name) const {
  const Path p = parse_path(collection).value();
  util::MutexLock lock(mu_);
  auto it = objects_.find({p.gvr, p.ns, std::string(name)});
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<Object> FakeApiServer::list(std::string_view collection) const {
  const Path p = parse_path(collection).value();
  util::MutexLock lock(mu_);
  std::vector<Object> out;
  for (const Object* o : select_locked(p, nullptr))
    out.push_back(*o);
  return out;
}

int64_t FakeApiServer::resource_version() const {
  util::MutexLock lock(mu_);
  return rv_;
}

std::string FakeApiServer::watch_lines(std::string_view collection, int64_t after_rv) const {
  const Path p = parse_path(collection).value();
  util::MutexLock lock(mu_);
  return watch_lines_locked(p, after_rv, nullptr);
}

std::string FakeApiServer::bookmark_line(std::string_view kind) const {
  util::MutexLock lock(mu_);
  return event_line("BOOKMARK", util::cat(R"({"kind":")", kind,
                                          R"(","apiVersion":"v1","metadata":{"resourceVersion":")",
                                          rv_, R"(","creationTimestamp":null}})"));
}

void FakeApiServer::compact() {
  util::MutexLock lock(mu_);
  compacted_rv_ = rv_;
  history_.clear();
}

void FakeApiServer::fail_next(int count, int http_code, std::string reason,
                              std::string retry_after) {
  http::Response r = error(http_code, reason, util::cat("injected ", reason));
  if (!retry_after.empty()) r.headers.add("Retry-After", retry_after);
  fail_next_with(std::move(r), count);
}

void FakeApiServer::fail_next_with(http::Response response, int count) {
  util::MutexLock lock(mu_);
  for (int i = 0; i < count; ++i)
    failures_.push_back(response);
}

std::vector<std::string> FakeApiServer::request_log() const {
  util::MutexLock lock(mu_);
  return log_;
}

}  // namespace kube::testing
