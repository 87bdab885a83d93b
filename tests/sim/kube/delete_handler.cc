#include "tests/sim/kube/delete_handler.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/deleter.h"
#include "tests/sim/kube/list_options.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/read_handler.h"

namespace sim::kube {
namespace {

struct DeleteOptions {
  Propagation propagation = Propagation::kBackground;
  bool dry_run = false;
  uint64_t precondition_rv = 0;
  std::string precondition_uid;
};

std::optional<ApiError> parse_options(const ApiRequest& request, DeleteOptions& out) {
  std::string policy = request.param("propagationPolicy");
  std::optional<bool> orphan = request.optional_bool_param("orphanDependents");
  out.dry_run = request.dry_run();
  bool protobuf = request.content_type.find("protobuf") != std::string::npos;
  if (!protobuf && !util::trim(request.body).empty()) {
    auto doc = json::parse(request.body);
    if (!doc.ok()) return bad_request(util::cat("json parse error: ", doc.status().message()));
    if (std::string p = json::get_string(*doc, "propagationPolicy"); !p.empty()) policy = p;
    if (const json::Value* o = json::find(*doc, "orphanDependents"); o && o->IsBool()) {
      orphan = o->GetBool();
    }
    if (const json::Value* d = json::find(*doc, "dryRun"); d && d->IsArray()) {
      for (const json::Value& v : d->GetArray()) {
        if (v.IsString() && std::string_view(v.GetString()) == "All") out.dry_run = true;
      }
    }
    if (const json::Value* pre = json::find(*doc, "preconditions"); pre && pre->IsObject()) {
      out.precondition_uid = json::get_string(*pre, "uid");
      std::string rv = json::get_string(*pre, "resourceVersion");
      if (!rv.empty()) out.precondition_rv = std::strtoull(rv.c_str(), nullptr, 10);
    }
  }
  if (policy == "Orphan" || orphan.value_or(false)) {
    out.propagation = Propagation::kOrphan;
  } else if (policy == "Foreground") {
    out.propagation = Propagation::kForeground;
  } else if (policy.empty() || policy == "Background") {
    out.propagation = Propagation::kBackground;
  } else {
    return invalid(
        request.type->group, request.type->kind, request.name,
        {cause_not_supported("propagationPolicy", util::cat("\"", policy, "\""),
                             {"\"Foreground\"", "\"Background\"", "\"Orphan\"", "\"nil\""})});
  }
  return std::nullopt;
}

std::string success_status(const ResourceType& type, const ObjectRecord& record) {
  ApiError details;
  details.name = record.name;
  details.group = type.group;
  details.kind = type.resource;
  details.uid = record.uid;
  std::string body = details.to_json();
  // ApiError renders failures; turn it into the Success form.
  auto doc = json::parse(body);
  if (!doc.ok()) return body;
  json::set_string(*doc, "status", "Success", doc->GetAllocator());
  json::remove(*doc, "code");
  return json::to_string(*doc);
}

// Namespaces and CRDs answer with the object (they go through finalization).
bool returns_object(const ResourceType& type) {
  return type.storage_key == "/namespaces" ||
         type.storage_key == "apiextensions.k8s.io/customresourcedefinitions";
}

std::string terminating_view(const ResourceType& type, const ObjectRecord& record, absl::Time now) {
  auto doc = json::parse(render_stored(type, record.json));
  if (!doc.ok()) return record.json;
  auto& alloc = doc->GetAllocator();
  json::Value& meta = json::ensure_object(*doc, "metadata", alloc);
  if (json::find(meta, "deletionTimestamp") == nullptr) {
    json::set_string(meta, "deletionTimestamp", util::format_rfc3339(now), alloc);
  }
  if (type.storage_key == "/namespaces") {
    json::set_string(json::ensure_object(*doc, "status", alloc), "phase", "Terminating", alloc);
  }
  return json::to_string(*doc);
}

}  // namespace

ApiResponse DeleteHandler::remove(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  // The NamespaceLifecycle admission plugin protects these.
  if (type.storage_key == "/namespaces" &&
      (request.name == "default" || request.name == "kube-system" ||
       request.name == "kube-public")) {
    ApiError e = forbidden("", "delete", "", "namespaces", "", request.name, "");
    e.message = util::cat("namespaces \"", request.name,
                          "\" is forbidden: this namespace may not be deleted");
    return ApiResponse::error(e);
  }
  DeleteOptions options;
  if (auto e = parse_options(request, options)) return ApiResponse::error(*e);
  RecordPtr current = context_.store.get(type.storage_key, request.ns, request.name);
  if (current == nullptr)
    return ApiResponse::error(not_found(type.group, type.resource, request.name));
  absl::Time now = context_.clock.system_now();
  if (options.dry_run) {
    if (current->has_finalizers)
      return ApiResponse::json(200, terminating_view(type, *current, now));
    return ApiResponse::json(200, returns_object(type) ? terminating_view(type, *current, now)
                                                       : success_status(type, *current));
  }
  auto result =
      Deleter(context_).remove(type.storage_key, request.ns, request.name, options.precondition_rv,
                               options.precondition_uid, options.propagation);
  if (!result.ok()) {
    if (result.status().code() == util::StatusCode::kNotFound) {
      return ApiResponse::error(not_found(type.group, type.resource, request.name));
    }
    return ApiResponse::error(
        conflict(type.group, type.resource, request.name, result.status().message()));
  }
  if (!result->deleted) return ApiResponse::json(200, render_stored(type, result->record->json));
  if (returns_object(type))
    return ApiResponse::json(200, terminating_view(type, *result->record, now));
  return ApiResponse::json(200, success_status(type, *result->record));
}

ApiResponse DeleteHandler::remove_collection(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  DeleteOptions options;
  if (auto e = parse_options(request, options)) return ApiResponse::error(*e);
  ListOptions selectors;
  if (auto e = ListOptions::parse(request, selectors)) return ApiResponse::error(*e);
  ListRequest lr;
  lr.storage_key = type.storage_key;
  lr.ns = type.namespaced ? request.ns : "";
  if (!selectors.empty())
    lr.predicate = [&](const ObjectRecord& r) { return selectors.matches(r); };
  auto listed = context_.store.list(lr);
  if (!listed.ok()) return ApiResponse::error(internal_error(listed.status().message()));
  std::vector<std::string> items;
  for (const RecordPtr& r : listed->items) {
    if (options.dry_run) {
      items.push_back(list_item(type, r->json));
      continue;
    }
    auto result =
        Deleter(context_).remove(type.storage_key, r->ns, r->name, 0, "", options.propagation);
    if (result.ok()) items.push_back(list_item(type, result->record->json));
  }
  return ApiResponse::json(
      200, list_body(type, util::cat(listed->resource_version), "", std::nullopt, items));
}

}  // namespace sim::kube
