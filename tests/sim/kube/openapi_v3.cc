#include "tests/sim/kube/openapi_v3.h"

#include <algorithm>

#include "pkg/util/strings.h"
#include "tests/sim/kube/openapi_convert.h"

namespace sim::kube {
namespace {

using openapi::add_definitions;
using openapi::convert_operation;
using openapi::convert_parameter;
using openapi::convert_schema;
using openapi::named_query_parameter;

constexpr std::string_view kMetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

std::string gv_path(const std::string& group, const std::string& version) {
  return group.empty() ? util::cat("api/", version) : util::cat("apis/", group, "/", version);
}

// Does this v2 path (relative to the group/version prefix) belong to a
// served resource? ("secrets", "namespaces/{namespace}/secrets/{name}", ...)
bool served_path(std::string_view rest, const std::vector<const ResourceType*>& types) {
  std::vector<std::string_view> seg = util::split(rest, '/');
  if (!seg.empty() && seg[0] == "watch") return false;
  if (seg.size() >= 3 && seg[0] == "namespaces" && seg[1] == "{namespace}") {
    seg.erase(seg.begin(), seg.begin() + 2);
  }
  if (seg.empty()) return false;
  auto it = std::find_if(types.begin(), types.end(),
                         [&](const ResourceType* t) { return t->resource == seg[0]; });
  if (it == types.end()) return false;
  if (seg.size() == 1) return true;
  if (seg[1] != "{name}") return false;
  if (seg.size() == 2) return true;
  return seg.size() == 3 && seg[2] == "status" && (*it)->status_subresource;
}

json::Value document_shell(std::string_view title, json::Allocator& alloc) {
  json::Value doc(rapidjson::kObjectType);
  json::set_string(doc, "openapi", "3.0.0", alloc);
  json::Value info(rapidjson::kObjectType);
  json::set_string(info, "title", title, alloc);
  json::set_string(info, "version", title == "Kubernetes" ? "unversioned" : "v0.1.0", alloc);
  json::set(doc, "info", std::move(info), alloc);
  return doc;
}

OpenApiV3::Document finish(json::Document& doc) {
  OpenApiV3::Document out;
  out.body = json::to_string(doc);
  out.hash = openapi::sha512_hex(out.body);
  return out;
}

// "zalando.org", "v1" -> "ZalandoOrgV1" (operationId infix).
std::string operation_group(std::string_view group, std::string_view version) {
  std::string out;
  for (std::string_view part : util::split(group, '.')) {
    if (part.empty()) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    out.append(part.substr(1));
  }
  out += static_cast<char>(std::toupper(static_cast<unsigned char>(version[0])));
  out.append(version.substr(1));
  return out;
}

std::string reversed_group(std::string_view group) {
  std::vector<std::string_view> parts = util::split(group, '.');
  std::vector<std::string> reversed(parts.rbegin(), parts.rend());
  return util::join(reversed, ".");
}

}  // namespace

OpenApiV3::Document OpenApiV3::build_builtin(const Catalog& catalog, const std::string& group,
                                             const std::string& version) const {
  json::Document doc;
  auto& alloc = doc.GetAllocator();
  static_cast<json::Value&>(doc) = document_shell("Kubernetes", alloc);
  std::vector<const ResourceType*> types = catalog.in_group_version(group, version);
  std::string prefix = util::cat("/", gv_path(group, version), "/");
  json::Value paths(rapidjson::kObjectType);
  std::set<std::string> refs;
  if (const json::Value* v2paths = json::find(library_.document(), "paths")) {
    for (auto p = v2paths->MemberBegin(); p != v2paths->MemberEnd(); ++p) {
      std::string_view path(p->name.GetString(), p->name.GetStringLength());
      if (path.substr(0, prefix.size()) != prefix ||
          !served_path(path.substr(prefix.size()), types)) {
        continue;
      }
      json::Value item(rapidjson::kObjectType);
      for (auto op = p->value.MemberBegin(); op != p->value.MemberEnd(); ++op) {
        std::string_view method(op->name.GetString(), op->name.GetStringLength());
        if (method == "parameters") {
          json::Value params(rapidjson::kArrayType);
          for (const json::Value& param : op->value.GetArray()) {
            json::Value converted = convert_parameter(library_, param, alloc);
            if (!converted.IsNull()) params.PushBack(converted, alloc);
          }
          json::set(item, "parameters", std::move(params), alloc);
          continue;
        }
        json::set(item, method, convert_operation(library_, op->value, alloc, refs), alloc);
      }
      json::set(paths, path, std::move(item), alloc);
    }
  }
  json::set(doc, "paths", std::move(paths), alloc);
  json::Value components(rapidjson::kObjectType);
  json::Value schemas(rapidjson::kObjectType);
  add_definitions(library_, refs, schemas, alloc);
  json::set(components, "schemas", std::move(schemas), alloc);
  json::set(doc, "components", std::move(components), alloc);
  return finish(doc);
}

OpenApiV3::Document OpenApiV3::build_custom(const Catalog& catalog, const std::string& group,
                                            const std::string& version) const {
  json::Document doc;
  auto& alloc = doc.GetAllocator();
  static_cast<json::Value&>(doc) = document_shell("Kubernetes CRD Swagger", alloc);
  json::Value paths(rapidjson::kObjectType);
  json::Value schemas(rapidjson::kObjectType);
  std::set<std::string> meta_refs;
  for (const ResourceType* t : catalog.in_group_version(group, version)) {
    std::string schema_name = util::cat(reversed_group(group), ".", version, ".", t->kind);
    std::string list_name = util::cat(schema_name, "List");
    auto ref = [&](std::string_view name) {
      json::Value r(rapidjson::kObjectType);
      json::set_string(r, "$ref", util::cat("#/components/schemas/", name), alloc);
      return r;
    };
    auto gvk = [&]() {
      json::Value g(rapidjson::kObjectType);
      json::set_string(g, "group", group, alloc);
      json::set_string(g, "version", version, alloc);
      json::set_string(g, "kind", t->kind, alloc);
      return g;
    };
    auto response = [&](std::string_view description, std::string_view schema) {
      json::Value r(rapidjson::kObjectType);
      json::set_string(r, "description", description, alloc);
      if (!schema.empty()) {
        json::Value c(rapidjson::kObjectType);
        for (std::string_view m : {"application/json", "application/yaml"}) {
          json::Value e(rapidjson::kObjectType);
          json::set(e, "schema", ref(schema), alloc);
          json::set(c, m, std::move(e), alloc);
        }
        json::set(r, "content", std::move(c), alloc);
      }
      return r;
    };
    auto params = [&](std::initializer_list<std::string_view> names) {
      json::Value ps(rapidjson::kArrayType);
      for (std::string_view n : names)
        ps.PushBack(named_query_parameter(library_, n, alloc), alloc);
      return ps;
    };
    auto path_param = [&](std::string_view name, std::string_view description) {
      json::Value p(rapidjson::kObjectType);
      json::set_string(p, "name", name, alloc);
      json::set_string(p, "in", "path", alloc);
      json::set_string(p, "description", description, alloc);
      json::set(p, "required", json::Value(true), alloc);
      json::Value s(rapidjson::kObjectType);
      json::set_string(s, "type", "string", alloc);
      json::set(s, "uniqueItems", json::Value(true), alloc);
      json::set(p, "schema", std::move(s), alloc);
      return p;
    };
    auto operation =
        [&](std::string_view action, std::string_view verb_id, json::Value parameters,
            std::string_view body_schema, bool patch,
            std::initializer_list<std::pair<std::string_view, std::string_view>> responses) {
          json::Value op(rapidjson::kObjectType);
          json::Value tags(rapidjson::kArrayType);
          std::string tag = operation_group(group, "x");
          tag = util::cat(static_cast<char>(std::tolower(static_cast<unsigned char>(tag[0]))),
                          tag.substr(1, tag.size() - 2), "_", version);
          tags.PushBack(json::make_string(tag, alloc), alloc);
          json::set(op, "tags", std::move(tags), alloc);
          json::set_string(op, "description", util::cat(action, " ", t->kind), alloc);
          json::set_string(op, "operationId", verb_id, alloc);
          json::set(op, "parameters", std::move(parameters), alloc);
          if (!body_schema.empty()) {
            json::Value body(rapidjson::kObjectType);
            json::Value c(rapidjson::kObjectType);
            std::vector<std::string_view> media =
                patch ? std::vector<std::string_view>{"application/apply-patch+yaml",
                                                      "application/json-patch+json",
                                                      "application/merge-patch+json"}
                      : std::vector<std::string_view>{"application/json", "application/yaml"};
            for (std::string_view m : media) {
              json::Value e(rapidjson::kObjectType);
              json::set(e, "schema", ref(body_schema), alloc);
              json::set(c, m, std::move(e), alloc);
            }
            json::set(body, "content", std::move(c), alloc);
            json::set(body, "required", json::Value(true), alloc);
            json::set(op, "requestBody", std::move(body), alloc);
          }
          json::Value rs(rapidjson::kObjectType);
          for (const auto& [code, schema] : responses) {
            json::set(rs, code,
                      response(code == "200"   ? "OK"
                               : code == "201" ? "Created"
                               : code == "202" ? "Accepted"
                                               : "Unauthorized",
                               schema),
                      alloc);
          }
          json::set(op, "responses", std::move(rs), alloc);
          json::set_string(op, "x-kubernetes-action",
                           action == "create"    ? "post"
                           : action == "replace" ? "put"
                                                 : action,
                           alloc);
          json::set(op, "x-kubernetes-group-version-kind", gvk(), alloc);
          return op;
        };
    std::string gvid = operation_group(group, version);
    std::string ns_word = t->namespaced ? "Namespaced" : "";
    std::string idp = util::cat(gvid, ns_word, t->kind);
    std::string base = util::cat("/apis/", group, "/", version, "/");
    std::string collection = t->namespaced ? util::cat(base, "namespaces/{namespace}/", t->resource)
                                           : util::cat(base, t->resource);
    const std::vector<std::string_view> list_params = {"allowWatchBookmarks",
                                                       "continue",
                                                       "fieldSelector",
                                                       "labelSelector",
                                                       "limit",
                                                       "resourceVersion",
                                                       "resourceVersionMatch",
                                                       "sendInitialEvents",
                                                       "timeoutSeconds",
                                                       "watch"};
    auto list_param_values = [&]() {
      json::Value ps(rapidjson::kArrayType);
      for (std::string_view n : list_params)
        ps.PushBack(named_query_parameter(library_, n, alloc), alloc);
      return ps;
    };
    auto common = [&](bool with_name) {
      json::Value ps(rapidjson::kArrayType);
      if (with_name) ps.PushBack(path_param("name", util::cat("name of the ", t->kind)), alloc);
      if (t->namespaced)
        ps.PushBack(
            path_param("namespace", "object name and auth scope, such as for teams and projects"),
            alloc);
      ps.PushBack(named_query_parameter(library_, "pretty", alloc), alloc);
      return ps;
    };
    if (t->namespaced) {
      json::Value all(rapidjson::kObjectType);
      json::set(all, "get",
                operation("list", util::cat("list", gvid, t->kind, "ForAllNamespaces"),
                          json::Value(rapidjson::kArrayType), "", false,
                          {{"200", list_name}, {"401", ""}}),
                alloc);
      json::Value ps = list_param_values();
      ps.PushBack(named_query_parameter(library_, "pretty", alloc), alloc);
      json::set(all, "parameters", std::move(ps), alloc);
      json::set(paths, util::cat(base, t->resource), std::move(all), alloc);
    }
    json::Value coll(rapidjson::kObjectType);
    json::set(coll, "get",
              operation("list", util::cat("list", idp), list_param_values(), "", false,
                        {{"200", list_name}, {"401", ""}}),
              alloc);
    json::set(
        coll, "post",
        operation("create", util::cat("create", idp),
                  params({"dryRun", "fieldManager", "fieldValidation"}), schema_name, false,
                  {{"200", schema_name}, {"201", schema_name}, {"202", schema_name}, {"401", ""}}),
        alloc);
    json::set(
        coll, "delete",
        operation("deletecollection", util::cat("delete", gvid, "Collection", ns_word, t->kind),
                  list_param_values(), "", false,
                  {{"200", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"}, {"401", ""}}),
        alloc);
    json::set(coll, "parameters", common(false), alloc);
    json::set(paths, collection, std::move(coll), alloc);
    json::Value item(rapidjson::kObjectType);
    json::set(item, "get",
              operation("get", util::cat("read", idp), params({"resourceVersion"}), "", false,
                        {{"200", schema_name}, {"401", ""}}),
              alloc);
    json::set(item, "put",
              operation("replace", util::cat("replace", idp),
                        params({"dryRun", "fieldManager", "fieldValidation"}), schema_name, false,
                        {{"200", schema_name}, {"201", schema_name}, {"401", ""}}),
              alloc);
    json::set(item, "delete",
              operation("delete", util::cat("delete", idp),
                        params({"dryRun", "gracePeriodSeconds",
                                "ignoreStoreReadErrorWithClusterBreakingPotential",
                                "orphanDependents", "propagationPolicy"}),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", false,
                        {{"200", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"},
                         {"202", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"},
                         {"401", ""}}),
              alloc);
    json::set(item, "patch",
              operation("patch", util::cat("patch", idp),
                        params({"dryRun", "fieldManager", "fieldValidation", "force"}),
                        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", true,
                        {{"200", schema_name}, {"201", schema_name}, {"401", ""}}),
              alloc);
    json::set(item, "parameters", common(true), alloc);
    json::set(paths, util::cat(collection, "/{name}"), std::move(item), alloc);
    if (t->status_subresource) {
      json::Value status(rapidjson::kObjectType);
      json::set(status, "get",
                operation("get", util::cat("read", idp, "Status"), params({"resourceVersion"}), "",
                          false, {{"200", schema_name}, {"401", ""}}),
                alloc);
      json::set(status, "put",
                operation("replace", util::cat("replace", idp, "Status"),
                          params({"dryRun", "fieldManager", "fieldValidation"}), schema_name, false,
                          {{"200", schema_name}, {"201", schema_name}, {"401", ""}}),
                alloc);
      json::set(status, "patch",
                operation("patch", util::cat("patch", idp, "Status"),
                          params({"dryRun", "fieldManager", "fieldValidation", "force"}),
                          "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", true,
                          {{"200", schema_name}, {"201", schema_name}, {"401", ""}}),
                alloc);
      json::set(status, "parameters", common(true), alloc);
      json::set(paths, util::cat(collection, "/{name}/status"), std::move(status), alloc);
    }
    // The kind's schema: the CRD schema with metadata -> ObjectMeta.
    json::Value kind_schema(rapidjson::kObjectType);
    if (t->custom->open_api_v3_schema != nullptr) {
      kind_schema = convert_schema(*t->custom->open_api_v3_schema, alloc, meta_refs);
    }
    json::Value& props = json::ensure_object(kind_schema, "properties", alloc);
    // apiVersion, kind and metadata carry the descriptions every kind has.
    auto described = [&](std::string_view property, std::string_view type) {
      json::Value v(rapidjson::kObjectType);
      const json::Value* any_kind = library_.definition("io.k8s.api.core.v1.Secret");
      std::string description =
          any_kind ? json::get_string_path(*any_kind, {"properties", property, "description"}) : "";
      json::set_string(v, "description", description, alloc);
      if (!type.empty()) json::set_string(v, "type", type, alloc);
      return v;
    };
    json::set(props, "apiVersion", described("apiVersion", "string"), alloc);
    json::set(props, "kind", described("kind", "string"), alloc);
    json::Value meta = described("metadata", "");
    json::Value all_of(rapidjson::kArrayType);
    all_of.PushBack(ref(util::cat(kMetaPrefix, "ObjectMeta")), alloc);
    json::set(meta, "allOf", std::move(all_of), alloc);
    json::set(props, "metadata", std::move(meta), alloc);
    json::Value gvks(rapidjson::kArrayType);
    gvks.PushBack(gvk(), alloc);
    json::set(kind_schema, "x-kubernetes-group-version-kind", json::copy(gvks, alloc), alloc);
    json::set(schemas, schema_name, std::move(kind_schema), alloc);
    json::Value list(rapidjson::kObjectType);
    json::set_string(list, "description", util::cat(t->list_kind, " is a list of ", t->kind),
                     alloc);
    json::set_string(list, "type", "object", alloc);
    json::Value required(rapidjson::kArrayType);
    required.PushBack(json::make_string("items", alloc), alloc);
    json::set(list, "required", std::move(required), alloc);
    json::Value lprops(rapidjson::kObjectType);
    json::Value apiv(rapidjson::kObjectType);
    json::set_string(apiv, "type", "string", alloc);
    json::set(lprops, "apiVersion", json::copy(apiv, alloc), alloc);
    json::Value items(rapidjson::kObjectType);
    json::set_string(items, "type", "array", alloc);
    json::set(items, "items", ref(schema_name), alloc);
    json::set(lprops, "items", std::move(items), alloc);
    json::set(lprops, "kind", std::move(apiv), alloc);
    json::Value lmeta(rapidjson::kObjectType);
    json::Value lall(rapidjson::kArrayType);
    lall.PushBack(ref(util::cat(kMetaPrefix, "ListMeta")), alloc);
    json::set(lmeta, "allOf", std::move(lall), alloc);
    json::set(lprops, "metadata", std::move(lmeta), alloc);
    json::set(list, "properties", std::move(lprops), alloc);
    json::Value lgvks(rapidjson::kArrayType);
    json::Value lg = gvk();
    json::set_string(lg, "kind", t->list_kind, alloc);
    lgvks.PushBack(lg, alloc);
    json::set(list, "x-kubernetes-group-version-kind", std::move(lgvks), alloc);
    json::set(schemas, list_name, std::move(list), alloc);
  }
  for (std::string_view m : {"DeleteOptions", "ListMeta", "ObjectMeta", "Patch", "Status"}) {
    meta_refs.insert(util::cat(kMetaPrefix, m));
  }
  add_definitions(library_, meta_refs, schemas, alloc);
  json::set(doc, "paths", std::move(paths), alloc);
  json::Value components(rapidjson::kObjectType);
  json::set(components, "schemas", std::move(schemas), alloc);
  json::set(doc, "components", std::move(components), alloc);
  return finish(doc);
}

std::map<std::string, OpenApiV3::Document> OpenApiV3::build_all(const Catalog& catalog) const {
  std::map<std::string, Document> out;
  for (const std::string& gv : catalog.group_versions()) {
    size_t slash = gv.find('/');
    std::string group = slash == std::string::npos ? "" : gv.substr(0, slash);
    std::string version = slash == std::string::npos ? gv : gv.substr(slash + 1);
    std::vector<const ResourceType*> types = catalog.in_group_version(group, version);
    bool custom = !types.empty() && types.front()->is_custom();
    if (!custom) continue;
    out.emplace(gv_path(group, version), build_custom(catalog, group, version));
  }
  return out;
}

const std::map<std::string, OpenApiV3::Document>& OpenApiV3::documents_locked(
    const std::shared_ptr<const Catalog>& catalog) {
  if (builtin_.empty()) {
    Catalog builtins(builtin_resource_types());
    for (const std::string& gv : builtins.group_versions()) {
      size_t slash = gv.find('/');
      std::string group = slash == std::string::npos ? "" : gv.substr(0, slash);
      std::string version = slash == std::string::npos ? gv : gv.substr(slash + 1);
      builtin_.emplace(gv_path(group, version), build_builtin(builtins, group, version));
    }
  }
  if (cached_for_ != catalog) {
    custom_ = build_all(*catalog);
    merged_ = builtin_;
    for (const auto& [path, document] : custom_)
      merged_[path] = document;
    cached_for_ = catalog;
  }
  return merged_;
}

std::string OpenApiV3::root(const std::shared_ptr<const Catalog>& catalog) {
  util::MutexLock lock(mu_);
  json::Document doc;
  doc.SetObject();
  auto& alloc = doc.GetAllocator();
  json::Value paths(rapidjson::kObjectType);
  for (const auto& [path, document] : documents_locked(catalog)) {
    json::Value entry(rapidjson::kObjectType);
    json::set_string(entry, "serverRelativeURL",
                     util::cat("/openapi/v3/", path, "?hash=", document.hash), alloc);
    json::set(paths, path, std::move(entry), alloc);
  }
  json::set(doc, "paths", std::move(paths), alloc);
  return json::to_string(doc);
}

std::optional<OpenApiV3::Document> OpenApiV3::group_version(
    const std::shared_ptr<const Catalog>& catalog, const std::string& path) {
  util::MutexLock lock(mu_);
  const auto& docs = documents_locked(catalog);
  auto it = docs.find(path);
  if (it == docs.end()) return std::nullopt;
  return it->second;
}

}  // namespace sim::kube
