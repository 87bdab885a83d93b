#include "tests/sim/kube/write_handler.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/admission.h"
#include "tests/sim/kube/crd_registry.h"
#include "tests/sim/kube/crd_support.h"
#include "tests/sim/kube/deleter.h"
#include "tests/sim/kube/json_patch.h"
#include "tests/sim/kube/mutating_webhooks.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/strategic_merge_patch.h"

namespace sim::kube {
namespace {

constexpr int kMaxAttempts = 16;

bool is_crd(const ResourceType& type) {
  return type.storage_key == kCrdStorageKey;
}

// Objects equal apart from metadata (what generation tracks).
bool content_equal(const json::Value& a, const json::Value& b) {
  auto count = [](const json::Value& v) {
    rapidjson::SizeType n = 0;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (std::string_view(it->name.GetString()) != "metadata") ++n;
    }
    return n;
  };
  if (!a.IsObject() || !b.IsObject() || count(a) != count(b)) return false;
  for (auto it = a.MemberBegin(); it != a.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (key == "metadata") continue;
    const json::Value* other = json::find(b, key);
    if (other == nullptr || !(*other == it->value)) return false;
  }
  return true;
}

void copy_member(json::Value& to, const json::Value& from, std::string_view key,
                 json::Allocator& alloc) {
  if (const json::Value* v = json::find(from, key)) {
    json::set(to, key, json::copy(*v, alloc), alloc);
  } else {
    json::remove(to, key);
  }
}

std::string patch_kind(std::string_view content_type) {
  std::string ct = util::to_lower(content_type);
  size_t semi = ct.find(';');
  if (semi != std::string::npos) ct = ct.substr(0, semi);
  return std::string(util::trim(ct));
}

}  // namespace

ApiError WriteHandler::error_for(const ApiRequest& request, const util::Status& status,
                                 std::string_view name) const {
  const ResourceType& t = *request.type;
  switch (status.code()) {
    case util::StatusCode::kAlreadyExists:
      return already_exists(t.group, t.resource, name);
    case util::StatusCode::kNotFound:
      return not_found(t.group, t.resource, name);
    case util::StatusCode::kAborted:
      return status.message().rfind("Precondition", 0) == 0
                 ? conflict(t.group, t.resource, name, status.message())
                 : conflict(t.group, t.resource, name);
    default:
      return internal_error(status.message());
  }
}

std::optional<ApiError> WriteHandler::call_webhooks(const ApiRequest& request,
                                                    std::string_view operation,
                                                    json::Document& object, const json::Value* old,
                                                    std::vector<std::string>& warnings) const {
  AdmissionAttributes attributes;
  attributes.type = request.type;
  attributes.operation = std::string(operation);
  attributes.ns = request.type->namespaced ? request.ns : "";
  attributes.name = json::get_string_path(object, {"metadata", "name"});
  attributes.subresource = request.subresource;
  attributes.old_object = old;
  attributes.user = request.user;
  attributes.dry_run = request.dry_run();
  return context_.mutating_webhooks.admit(attributes, object, warnings);
}

ApiResponse WriteHandler::error_with_warnings(const ApiError& error,
                                              std::vector<std::string> warnings) {
  ApiResponse response = ApiResponse::error(error);
  response.warnings = std::move(warnings);
  return response;
}

ApiResponse WriteHandler::create(const ApiRequest& request) {
  auto doc = parse_body(request.body, request.content_type);
  if (!doc.ok()) return ApiResponse::error(body_error(doc.status()));
  std::vector<std::string> warnings;
  if (auto e = decode_request_object(context_.schemas, *request.type, *doc,
                                     request.param("fieldValidation"), warnings)) {
    return ApiResponse::error(*e);
  }
  return create_object(request, *doc, std::move(warnings));
}

ApiResponse WriteHandler::create_object(const ApiRequest& request, json::Document& object,
                                        std::vector<std::string> warnings) {
  const ResourceType& type = *request.type;
  auto& alloc = object.GetAllocator();
  convert_to_storage(type, object);
  json::Value& meta = json::ensure_object(object, "metadata", alloc);
  if (type.namespaced) {
    std::string body_ns = json::get_string(meta, "namespace");
    if (!body_ns.empty() && body_ns != request.ns) {
      return ApiResponse::error(bad_request(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    json::set_string(meta, "namespace", request.ns, alloc);
  } else {
    json::remove(meta, "namespace");
  }
  std::string name = json::get_string(meta, "name");
  std::string generate = json::get_string(meta, "generateName");
  if (name.empty() && !generate.empty()) {
    name = util::cat(generate, context_.uids.name_suffix());
    json::set_string(meta, "name", name, alloc);
  }
  if (!request.name.empty() && name != request.name) {
    return ApiResponse::error(
        bad_request(util::cat("the name of the object (", name,
                              ") does not match the name on the URL (", request.name, ")")));
  }
  if (!json::get_string(meta, "resourceVersion").empty()) {
    return ApiResponse::error(
        bad_request("resourceVersion should not be set on objects to be created"));
  }
  for (std::string_view key : {"deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
                               "selfLink", "generation"}) {
    json::remove(meta, key);
  }
  if (type.namespaced) {
    RecordPtr ns = context_.store.get("/namespaces", "", request.ns);
    if (ns == nullptr) return ApiResponse::error(not_found("", "namespaces", request.ns));
    if (ns->deleting) {
      ApiError e = forbidden("", "create", type.group, type.resource, "", name, request.ns);
      e.message = util::cat(qualified_resource(type.group, type.resource), " \"", name,
                            "\" is forbidden: unable to create new content in namespace ",
                            request.ns, " because it is being terminated");
      // As the NamespaceLifecycle admission plugin: clients act on the cause.
      e.causes.push_back({.reason = "NamespaceTerminating",
                          .message = util::cat("namespace ", request.ns, " is being terminated"),
                          .field = "metadata.namespace"});
      return ApiResponse::error(e);
    }
  }
  // After NamespaceLifecycle, before the system fields (as the apiserver).
  if (auto e = call_webhooks(request, "CREATE", object, nullptr, warnings)) {
    return error_with_warnings(*e, std::move(warnings));
  }
  json::Value& admitted_meta = json::ensure_object(object, "metadata", alloc);
  json::set_string(admitted_meta, "uid", context_.uids.uuid(), alloc);
  json::set_string(admitted_meta, "creationTimestamp",
                   util::format_rfc3339(context_.clock.system_now()), alloc);
  if (type.has_generation) json::set(admitted_meta, "generation", json::Value(1), alloc);
  if (type.status_subresource && type.kind != "Namespace" && !is_crd(type)) {
    json::remove(object, "status");
  }
  admit(type, object, nullptr);
  std::vector<StatusCause> causes;
  if (is_crd(type)) {
    default_crd(object, alloc);
    causes = validate_crd(object, nullptr);
  }
  for (StatusCause& c : validate_object(type, object, nullptr))
    causes.push_back(std::move(c));
  if (!causes.empty()) {
    return ApiResponse::error(invalid(type.group, type.kind, name, std::move(causes)));
  }
  if (is_crd(type))
    set_crd_status(object, nullptr, stored_crds(context_.store), context_.clock.system_now(),
                   alloc);
  // A placeholder keeps resourceVersion at its place in the metadata order.
  json::set_string(json::ensure_object(object, "metadata", alloc), "resourceVersion", "", alloc);
  normalize_object(type, object, alloc);
  ApiResponse response;
  response.status = 201;
  response.warnings = std::move(warnings);
  if (request.dry_run()) {
    json::remove(json::ensure_object(object, "metadata", alloc), "resourceVersion");
    convert_to_version(type, object);
    response.body = json::to_string(object);
    return response;
  }
  auto created = context_.store.create(type.storage_key, object);
  if (!created.ok()) return ApiResponse::error(error_for(request, created.status(), name));
  if (is_crd(type)) refresh_catalog(context_);
  Deleter(context_).collect_if_orphaned(type.storage_key, **created);
  response.body = render_stored(type, (*created)->json);
  return response;
}

ApiResponse WriteHandler::update(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  auto parsed = parse_body(request.body, request.content_type);
  if (!parsed.ok()) return ApiResponse::error(body_error(parsed.status()));
  std::vector<std::string> warnings;
  if (auto e = decode_request_object(context_.schemas, type, *parsed,
                                     request.param("fieldValidation"), warnings)) {
    return ApiResponse::error(*e);
  }
  std::string body_name = json::get_string_path(*parsed, {"metadata", "name"});
  if (body_name != request.name) {
    return ApiResponse::error(
        bad_request(util::cat("the name of the object (", body_name,
                              ") does not match the name on the URL (", request.name, ")")));
  }
  std::string body_ns = json::get_string_path(*parsed, {"metadata", "namespace"});
  if (type.namespaced && !body_ns.empty() && body_ns != request.ns) {
    return ApiResponse::error(bad_request(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  bool unconditional = json::get_string_path(*parsed, {"metadata", "resourceVersion"}).empty();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    RecordPtr current = context_.store.get(type.storage_key, request.ns, request.name);
    if (current == nullptr) {
      if (type.allow_create_on_update && request.subresource.empty()) {
        json::Document copy;
        copy.CopyFrom(*parsed, copy.GetAllocator());
        json::remove(json::ensure_object(copy, "metadata", copy.GetAllocator()), "resourceVersion");
        return create_object(request, copy, warnings);
      }
      return ApiResponse::error(not_found(type.group, type.resource, request.name));
    }
    json::Document copy;
    copy.CopyFrom(*parsed, copy.GetAllocator());
    ApiResponse r = update_object(request, copy, current, warnings, unconditional);
    if (r.status != -1) return r;
  }
  return ApiResponse::error(conflict(type.group, type.resource, request.name));
}

ApiResponse WriteHandler::update_object(const ApiRequest& request, json::Document& object,
                                        const RecordPtr& current, std::vector<std::string> warnings,
                                        bool retryable) {
  const ResourceType& type = *request.type;
  std::string body_rv = json::get_string_path(object, {"metadata", "resourceVersion"});
  if (!body_rv.empty() && body_rv != util::cat(current->resource_version)) {
    return ApiResponse::error(conflict(type.group, type.resource, request.name));
  }
  auto old = json::parse(current->json);
  if (!old.ok()) return ApiResponse::error(internal_error(old.status().message()));
  convert_to_storage(type, object);
  if (auto e = call_webhooks(request, "UPDATE", object, &old.value(), warnings)) {
    return error_with_warnings(*e, std::move(warnings));
  }
  json::Document updated;
  if (request.subresource == "status") {
    updated.CopyFrom(*old, updated.GetAllocator());
    copy_member(updated, object, "status", updated.GetAllocator());
  } else {
    updated.Swap(object);
    json::Value& meta = json::ensure_object(updated, "metadata", updated.GetAllocator());
    const json::Value& old_meta = *json::find(*old, "metadata");
    for (std::string_view key : {"uid", "creationTimestamp", "deletionTimestamp",
                                 "deletionGracePeriodSeconds", "generation", "name", "namespace"}) {
      copy_member(meta, old_meta, key, updated.GetAllocator());
    }
    json::remove(meta, "managedFields");
    json::remove(meta, "selfLink");
    if (type.status_subresource) copy_member(updated, *old, "status", updated.GetAllocator());
    admit(type, updated, &old.value());
    if (type.has_generation && !content_equal(updated, *old)) {
      const json::Value* gen = json::find_path(*old, {"metadata", "generation"});
      int64_t next = (gen != nullptr && gen->IsInt64() ? gen->GetInt64() : 0) + 1;
      json::set(meta, "generation", json::Value(next), updated.GetAllocator());
    }
  }
  std::vector<StatusCause> causes;
  if (is_crd(type)) {
    default_crd(updated, updated.GetAllocator());
    causes = validate_crd(updated, &old.value());
  }
  for (StatusCause& c : validate_object(type, updated, &old.value()))
    causes.push_back(std::move(c));
  if (!causes.empty()) {
    return ApiResponse::error(invalid(type.group, type.kind, request.name, std::move(causes)));
  }
  if (is_crd(type) && request.subresource != "status") {
    set_crd_status(updated, &old.value(), stored_crds(context_.store), context_.clock.system_now(),
                   updated.GetAllocator());
  }
  json::set_string(json::ensure_object(updated, "metadata", updated.GetAllocator()),
                   "resourceVersion", util::cat(current->resource_version), updated.GetAllocator());
  normalize_object(type, updated, updated.GetAllocator());
  ApiResponse response;
  response.warnings = std::move(warnings);
  if (updated == *old) {  // no-op: no write, same resourceVersion, no event
    response.body = render_stored(type, current->json);
    return response;
  }
  if (request.dry_run()) {
    convert_to_version(type, updated);
    response.body = json::to_string(updated);
    return response;
  }
  const json::Value* finalizers = json::find_path(updated, {"metadata", "finalizers"});
  bool finalized =
      current->deleting && (finalizers == nullptr || !finalizers->IsArray() || finalizers->Empty());
  auto stored = context_.store.update(type.storage_key, updated, current->resource_version);
  if (!stored.ok()) {
    if (stored.status().code() == util::StatusCode::kAborted && retryable) {
      ApiResponse retry;
      retry.status = -1;
      return retry;
    }
    return ApiResponse::error(error_for(request, stored.status(), request.name));
  }
  RecordPtr result = *stored;
  if (finalized) {
    auto removed = Deleter(context_).remove(type.storage_key, result->ns, result->name,
                                            result->resource_version, "", Propagation::kBackground);
    if (removed.ok()) result = removed->record;
  }
  if (is_crd(type)) refresh_catalog(context_);
  if (!finalized) Deleter(context_).collect_if_orphaned(type.storage_key, *result);
  response.body = render_stored(type, result->json);
  return response;
}

ApiResponse WriteHandler::patch(const ApiRequest& request) {
  const ResourceType& type = *request.type;
  std::string kind = patch_kind(request.content_type);
  bool apply = kind == "application/apply-patch+yaml";
  bool strategic = kind == "application/strategic-merge-patch+json";
  if ((strategic && type.is_custom()) ||
      (!apply && !strategic && kind != "application/merge-patch+json" &&
       kind != "application/json-patch+json")) {
    std::string accepted =
        type.is_custom() ? "application/json-patch+json, application/merge-patch+json, "
                           "application/apply-patch+yaml"
                         : "application/json-patch+json, application/merge-patch+json, "
                           "application/strategic-merge-patch+json, application/apply-patch+yaml";
    return ApiResponse::error(unsupported_media_type(util::cat(
        "the body of the request was in an unknown format - accepted media types include: ",
        accepted)));
  }
  if (apply && request.param("fieldManager").empty()) {
    return ApiResponse::error(bad_request("PATCH /apply requires fieldManager to be set"));
  }
  auto patch = parse_body(request.body, apply ? "application/yaml" : "application/json");
  if (!patch.ok()) return ApiResponse::error(bad_request(patch.status().message()));
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    RecordPtr current = context_.store.get(type.storage_key, request.ns, request.name);
    if (current == nullptr) {
      if (!apply || !request.subresource.empty()) {
        return ApiResponse::error(not_found(type.group, type.resource, request.name));
      }
      json::Document fresh;
      fresh.CopyFrom(*patch, fresh.GetAllocator());
      std::vector<std::string> warnings;
      if (auto e = decode_request_object(context_.schemas, type, fresh,
                                         request.param("fieldValidation"), warnings)) {
        return ApiResponse::error(*e);
      }
      return create_object(request, fresh, std::move(warnings));
    }
    auto doc = json::parse(current->json);
    if (!doc.ok()) return ApiResponse::error(internal_error(doc.status().message()));
    convert_to_version(type, *doc);
    std::string before_rv = json::get_string_path(*doc, {"metadata", "resourceVersion"});
    util::Status applied;
    if (kind == "application/json-patch+json") {
      applied = apply_json_patch(*doc, *patch, doc->GetAllocator());
    } else if (strategic || (apply && !type.is_custom())) {
      applied = apply_strategic_merge_patch(context_.schemas, type.definition, *doc, *patch,
                                            doc->GetAllocator());
    } else {
      if (!patch->IsObject()) {
        return ApiResponse::error(
            bad_request("json: cannot unmarshal into Go value of type map[string]interface {}"));
      }
      apply_merge_patch(*doc, *patch, doc->GetAllocator());
    }
    if (!applied.ok()) {
      return ApiResponse::error(invalid(
          type.group, type.kind, request.name,
          {cause_invalid("patch", json::to_string(*patch).substr(0, 200), applied.message())}));
    }
    std::string after_rv = json::get_string_path(*doc, {"metadata", "resourceVersion"});
    std::vector<std::string> warnings;
    if (auto e = decode_request_object(context_.schemas, type, *doc,
                                       request.param("fieldValidation"), warnings)) {
      return ApiResponse::error(*e);
    }
    if (json::get_string_path(*doc, {"metadata", "name"}) != request.name) {
      return ApiResponse::error(
          bad_request("metadata.name: Invalid value: the name of the object does not match the "
                      "name on the URL"));
    }
    bool precondition = after_rv != before_rv;
    if (!precondition) {
      json::remove(json::ensure_object(*doc, "metadata", doc->GetAllocator()), "resourceVersion");
    }
    ApiResponse r = update_object(request, *doc, current, std::move(warnings), !precondition);
    if (r.status != -1) return r;
  }
  return ApiResponse::error(conflict(type.group, type.resource, request.name));
}

}  // namespace sim::kube
