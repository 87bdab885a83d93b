#include "tests/sim/kube/object_codec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <regex>

#include "pkg/util/strings.h"
#include "tests/sim/kube/builtin_decoder.h"
#include "tests/sim/kube/crd_schema.h"
#include "tests/sim/kube/event_conversion.h"
#include "tests/sim/kube/protobuf_decoder.h"

namespace sim::kube {
namespace {

bool is_events_v1(const ResourceType& type) {
  return type.group == "events.k8s.io" && type.storage_key == "/events";
}

json::Value yaml_node_to_json(const YAML::Node& node, json::Allocator& alloc) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json::Value obj(rapidjson::kObjectType);
      for (const auto& kv : node) {
        std::string key = kv.first.as<std::string>();
        json::set(obj, key, yaml_node_to_json(kv.second, alloc), alloc);
      }
      return obj;
    }
    case YAML::NodeType::Sequence: {
      json::Value arr(rapidjson::kArrayType);
      for (const auto& item : node)
        arr.PushBack(yaml_node_to_json(item, alloc), alloc);
      return arr;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str")
        return json::make_string(s, alloc);
      if (s == "true" || s == "True" || s == "TRUE") return json::Value(true);
      if (s == "false" || s == "False" || s == "FALSE") return json::Value(false);
      if (s == "null" || s == "Null" || s == "NULL" || s == "~") return json::Value();
      static const std::regex kInt("^[-+]?[0-9]+$");
      static const std::regex kFloat("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
      if (std::regex_match(s, kInt)) {
        errno = 0;
        long long v = std::strtoll(s.c_str(), nullptr, 10);
        if (errno == 0) return json::Value(static_cast<int64_t>(v));
      }
      if (std::regex_match(s, kFloat)) return json::Value(std::strtod(s.c_str(), nullptr));
      return json::make_string(s, alloc);
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return json::Value();
  }
  return json::Value();
}

}  // namespace

util::StatusOr<json::Document> yaml_to_json(std::string_view yaml) {
  try {
    YAML::Node node = YAML::Load(std::string(yaml));
    json::Document doc;
    json::Value v = yaml_node_to_json(node, doc.GetAllocator());
    static_cast<json::Value&>(doc) = std::move(v);
    return doc;
  } catch (const YAML::Exception& e) {
    return util::invalid_argument_error(util::cat("error converting YAML to JSON: ", e.what()));
  }
}

util::StatusOr<json::Document> parse_body(std::string_view body, std::string_view content_type) {
  std::string ct = util::to_lower(content_type);
  if (ct.find("yaml") != std::string::npos) return yaml_to_json(body);
  if (ct.find("application/vnd.kubernetes.protobuf") != std::string::npos) {
    return decode_kubernetes_protobuf(body);
  }
  auto doc = json::parse(body);
  if (!doc.ok()) {
    return util::invalid_argument_error(util::cat("json parse error: ", doc.status().message()));
  }
  return doc;
}

ApiError body_error(const util::Status& status) {
  if (status.code() == util::StatusCode::kUnimplemented) {
    return unsupported_media_type(
        util::cat(status.message(),
                  "; the body of the request was in an unknown format - accepted media "
                  "types include: application/json, application/yaml"));
  }
  return bad_request(status.message());
}

std::optional<ApiError> decode_request_object(const SchemaLibrary& schemas,
                                              const ResourceType& type, json::Document& object,
                                              std::string_view field_validation,
                                              std::vector<std::string>& warnings) {
  std::string cannot = util::cat(type.kind, " in version \"", type.version,
                                 "\" cannot be handled as a ", type.kind, ": ");
  if (!object.IsObject()) {
    return bad_request(util::cat(cannot, "json: cannot unmarshal ", json::type_name(object),
                                 " into Go value of type map[string]interface {}"));
  }
  std::string api_version = json::get_string(object, "apiVersion");
  std::string kind = json::get_string(object, "kind");
  if (api_version.empty())
    json::set_string(object, "apiVersion", type.api_version(), object.GetAllocator());
  if (kind.empty()) json::set_string(object, "kind", type.kind, object.GetAllocator());
  if ((!api_version.empty() && api_version != type.api_version()) ||
      (!kind.empty() && kind != type.kind)) {
    return bad_request(util::cat("the API version in the data (", api_version,
                                 ") does not match the expected API version (", type.api_version(),
                                 ")"));
  }
  if (!field_validation.empty() && field_validation != "Ignore" && field_validation != "Warn" &&
      field_validation != "Strict") {
    return bad_request(
        util::cat("fieldValidation must be one of \"Ignore\", \"Warn\", or "
                  "\"Strict\", not \"",
                  field_validation, "\""));
  }
  std::vector<std::string> problems;
  if (type.is_custom()) {
    if (json::Value* meta = json::find(object, "metadata"); meta != nullptr) {
      if (!meta->IsObject()) {
        return bad_request(util::cat(cannot, "json: cannot unmarshal ", json::type_name(*meta),
                                     " into Go struct field ObjectMeta.metadata of type "
                                     "v1.ObjectMeta"));
      }
      DecodeReport report = decode_builtin(
          schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", *meta, "metadata");
      if (!report.error.empty()) return bad_request(util::cat(cannot, report.error));
      problems = report.warnings();
    }
    const json::Document* schema = type.custom->open_api_v3_schema.get();
    if (schema != nullptr) {
      for (const std::string& path : default_and_prune(*schema, object, object.GetAllocator())) {
        problems.push_back(util::cat("unknown field \"", path, "\""));
      }
    }
  } else {
    DecodeReport report = decode_builtin(schemas, type.definition, object);
    if (!report.error.empty()) return bad_request(util::cat(cannot, report.error));
    problems = report.warnings();
  }
  if (problems.empty() || field_validation == "Ignore") return std::nullopt;
  if (field_validation == "Strict") {
    return bad_request(util::cat(cannot, "strict decoding error: ", util::join(problems, ", ")));
  }
  for (std::string& p : problems)
    warnings.push_back(std::move(p));
  return std::nullopt;
}

namespace {

void sort_keys(json::Value& v, json::Allocator& alloc) {
  if (v.IsArray()) {
    for (json::Value& e : v.GetArray())
      sort_keys(e, alloc);
    return;
  }
  if (!v.IsObject()) return;
  std::vector<std::pair<std::string, json::Value>> members;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    members.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                         std::move(it->value));
  }
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  v.SetObject();
  for (auto& [key, value] : members) {
    sort_keys(value, alloc);
    v.AddMember(json::make_string(key, alloc), value, alloc);
  }
}

void reorder(json::Value& v, const std::vector<std::string_view>& first, json::Allocator& alloc) {
  if (!v.IsObject()) return;
  json::Value out(rapidjson::kObjectType);
  for (std::string_view key : first) {
    if (json::Value* m = json::find(v, key)) {
      out.AddMember(json::make_string(key, alloc), std::move(*m), alloc);
      json::remove(v, key);
    }
  }
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    out.AddMember(std::move(it->name), std::move(it->value), alloc);
  }
  v = std::move(out);
}

}  // namespace

void normalize_object(const ResourceType& type, json::Value& object, json::Allocator& alloc) {
  if (type.is_custom()) {
    sort_keys(object, alloc);
    return;
  }
  reorder(object, {"kind", "apiVersion", "metadata"}, alloc);
  if (json::Value* meta = json::find(object, "metadata")) {
    reorder(*meta,
            {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
             "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
             "labels", "annotations", "ownerReferences", "finalizers", "managedFields"},
            alloc);
  }
}

void convert_to_storage(const ResourceType& type, json::Document& object) {
  if (is_events_v1(type)) {
    events_v1_to_core_event(object, object.GetAllocator());
  } else if (type.api_version() != type.storage_version) {
    json::set_string(object, "apiVersion", type.storage_version, object.GetAllocator());
  }
}

void convert_to_version(const ResourceType& type, json::Document& object) {
  if (is_events_v1(type)) {
    core_event_to_events_v1(object, object.GetAllocator());
  } else if (type.api_version() != type.storage_version) {
    json::set_string(object, "apiVersion", type.api_version(), object.GetAllocator());
  }
}

std::string render_stored(const ResourceType& type, const std::string& stored_json) {
  if (type.api_version() == type.storage_version && !is_events_v1(type)) return stored_json;
  auto doc = json::parse(stored_json);
  if (!doc.ok()) return stored_json;
  convert_to_version(type, *doc);
  return json::to_string(*doc);
}

}  // namespace sim::kube
