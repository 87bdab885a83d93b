#include "tests/sim/kube/read_handler.h"

#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tests/sim/kube/content_negotiation.h"
#include "tests/sim/kube/list_options.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/query_params.h"

namespace sim::kube {
namespace {

std::string partial_metadata(const json::Value& object) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("PartialObjectMetadata");
  w.Key("apiVersion");
  w.String("meta.k8s.io/v1");
  w.Key("metadata");
  if (const json::Value* meta = json::find(object, "metadata")) {
    meta->Accept(w);
  } else {
    w.StartObject();
    w.EndObject();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string list_item(const ResourceType& type, const std::string& stored_json) {
  std::string rendered = render_stored(type, stored_json);
  if (type.is_custom()) return rendered;
  // Normalised built-ins start with kind and apiVersion.
  std::string prefix = util::cat("{\"kind\":", json::quoted(type.kind),
                                 ",\"apiVersion\":", json::quoted(type.api_version()), ",");
  if (rendered.compare(0, prefix.size(), prefix) == 0)
    return util::cat("{", rendered.substr(prefix.size()));
  auto doc = json::parse(rendered);
  if (!doc.ok()) return rendered;
  json::remove(*doc, "kind");
  json::remove(*doc, "apiVersion");
  return json::to_string(*doc);
}

std::string list_body(const ResourceType& type, const std::string& resource_version,
                      const std::string& continue_token,
                      const std::optional<int64_t>& remaining_item_count,
                      const std::vector<std::string>& items) {
  std::string out =
      util::cat("{\"kind\":", json::quoted(type.list_kind),
                ",\"apiVersion\":", json::quoted(type.api_version()),
                ",\"metadata\":{\"resourceVersion\":", json::quoted(resource_version));
  if (!continue_token.empty()) out += util::cat(",\"continue\":", json::quoted(continue_token));
  if (remaining_item_count.has_value())
    out += util::cat(",\"remainingItemCount\":", *remaining_item_count);
  out += "},\"items\":[";
  size_t total = out.size() + 2;
  for (const std::string& item : items)
    total += item.size() + 1;
  out.reserve(total);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ",";
    out += items[i];
  }
  out += "]}";
  return out;
}

ApiResponse ReadHandler::get(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  RecordPtr record = context_.store.get(type.storage_key, request.ns, request.name);
  if (record == nullptr)
    return ApiResponse::error(not_found(type.group, type.resource, request.name));
  Negotiated n = negotiate(request.accept, request.param("includeObject"));
  std::string rendered = render_stored(type, record->json);
  if (n.form == OutputForm::kObject) return ApiResponse::json(200, std::move(rendered));
  auto doc = json::parse(rendered);
  if (!doc.ok()) return ApiResponse::error(internal_error(doc.status().message()));
  if (n.form == OutputForm::kPartialMetadata) return ApiResponse::json(200, partial_metadata(*doc));
  TableOptions options;
  options.include_object = n.include_object;
  options.resource_version = util::cat(record->resource_version);
  json::Document core;
  const json::Value* printable = doc.operator->();
  if (type.group == "events.k8s.io") {
    core.Parse(record->json.c_str(), record->json.size());
    printable = &core;
  }
  return ApiResponse::json(
      200, context_.printer.print(type, {printable}, context_.clock.system_now(), options));
}

ApiResponse ReadHandler::list(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  ListOptions options;
  if (auto e = ListOptions::parse(request, options)) return ApiResponse::error(*e);
  std::string rv = request.param("resourceVersion");
  std::string match = request.param("resourceVersionMatch");
  if (!match.empty() && rv.empty()) {
    return ApiResponse::error(invalid(
        "meta.k8s.io", "ListOptions", "",
        {cause_forbidden("resourceVersionMatch",
                         "resourceVersionMatch is forbidden unless resourceVersion is provided")}));
  }
  if (!match.empty() && match != "Exact" && match != "NotOlderThan") {
    return ApiResponse::error(
        invalid("meta.k8s.io", "ListOptions", "",
                {cause_not_supported("resourceVersionMatch", json::quoted(match),
                                     {"\"Exact\"", "\"NotOlderThan\""})}));
  }
  if (match == "Exact" && rv == "0") {
    return ApiResponse::error(
        invalid("meta.k8s.io", "ListOptions", "",
                {cause_forbidden(
                    "resourceVersionMatch",
                    "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")}));
  }
  ListRequest lr;
  lr.storage_key = type.storage_key;
  lr.ns = type.namespaced ? request.ns : "";
  if (!options.empty()) {
    lr.predicate = [&options](const ObjectRecord& r) { return options.matches(r); };
  }
  if (request.has_param("limit")) {
    util::StatusOr<int64_t> limit = query_int(request.param("limit"));
    if (!limit.ok()) return ApiResponse::error(bad_request(limit.status().message()));
    lr.limit = *limit;
  }
  lr.continue_token = request.param("continue");
  lr.resource_version = rv;
  lr.resource_version_match = match;
  auto result = context_.store.list(lr);
  if (!result.ok()) {
    switch (result.status().code()) {
      case util::StatusCode::kOutOfRange:
        return ApiResponse::error(expired(result.status().message()));
      case util::StatusCode::kDeadlineExceeded: {
        ApiError e = server_timeout(result.status().message(), 1);
        e.causes.push_back({"ResourceVersionTooLarge", "Too large resource version", ""});
        return ApiResponse::error(e);
      }
      default:
        return ApiResponse::error(bad_request(result.status().message()));
    }
  }
  std::string list_rv = util::cat(result->resource_version);
  Negotiated n = negotiate(request.accept, request.param("includeObject"));
  if (n.form == OutputForm::kObject) {
    std::vector<std::string> items;
    items.reserve(result->items.size());
    for (const RecordPtr& r : result->items)
      items.push_back(list_item(type, r->json));
    return ApiResponse::json(
        200, list_body(type, list_rv, result->continue_token, result->remaining_item_count, items));
  }
  std::vector<json::Document> docs;
  docs.reserve(result->items.size());
  for (const RecordPtr& r : result->items) {
    auto doc = json::parse(type.group == "events.k8s.io" ? r->json : render_stored(type, r->json));
    if (doc.ok()) docs.push_back(std::move(*doc));
  }
  if (n.form == OutputForm::kPartialMetadata) {
    std::vector<std::string> items;
    items.reserve(docs.size());
    for (const json::Document& d : docs)
      items.push_back(partial_metadata(d));
    ResourceType meta_type = type;
    meta_type.list_kind = "PartialObjectMetadataList";
    meta_type.group = "meta.k8s.io";
    meta_type.version = "v1";
    meta_type.custom = nullptr;
    return ApiResponse::json(200, list_body(meta_type, list_rv, result->continue_token,
                                            result->remaining_item_count, items));
  }
  std::vector<const json::Value*> objects;
  objects.reserve(docs.size());
  for (const json::Document& d : docs)
    objects.push_back(&d);
  TableOptions table;
  table.include_object = n.include_object;
  table.resource_version = list_rv;
  table.continue_token = result->continue_token;
  table.remaining_item_count = result->remaining_item_count;
  return ApiResponse::json(
      200, context_.printer.print(type, objects, context_.clock.system_now(), table));
}

}  // namespace sim::kube
