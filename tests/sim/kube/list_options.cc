#include "tests/sim/kube/list_options.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

std::vector<std::string> supported_fields(const ResourceType& type) {
  std::vector<std::string> fields = {"metadata.name", "metadata.namespace"};
  if (type.storage_key == "/secrets") fields.push_back("type");
  if (type.storage_key == "/namespaces") fields.push_back("status.phase");
  if (type.storage_key == "/events") {
    for (std::string_view f :
         {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
          "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
          "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}) {
      fields.emplace_back(f);
    }
  }
  return fields;
}

// events.k8s.io/v1 spells some field labels differently.
std::string canonical_field(const ResourceType& type, const std::string& field) {
  if (type.group != "events.k8s.io") return field;
  if (field.rfind("regarding.", 0) == 0) return util::cat("involvedObject.", field.substr(10));
  if (field == "reportingController") return "reportingComponent";
  if (field == "deprecatedSource") return "source";
  return field;
}

}  // namespace

std::optional<ApiError> ListOptions::parse(const ApiRequest& request, ListOptions& out) {
  auto labels = LabelSelector::parse(request.param("labelSelector"));
  if (!labels.ok()) return bad_request(labels.status().message());
  auto fields = FieldSelector::parse(request.param("fieldSelector"));
  if (!fields.ok()) return bad_request(fields.status().message());
  std::vector<std::string> supported = supported_fields(*request.type);
  std::string rewritten;
  for (const FieldSelector::Requirement& r : fields->requirements()) {
    std::string field = canonical_field(*request.type, r.field);
    if (std::find(supported.begin(), supported.end(), field) == supported.end()) {
      return bad_request(util::cat("field label not supported: ", r.field));
    }
    std::string value;
    for (char c : r.value) {
      if (c == '\\' || c == ',' || c == '=' || c == '!') value += '\\';
      value += c;
    }
    if (!rewritten.empty()) rewritten += ",";
    rewritten += util::cat(field, r.equals ? "=" : "!=", value);
  }
  out.labels_ = std::move(*labels);
  auto canonical = FieldSelector::parse(rewritten);
  if (!canonical.ok()) return bad_request(canonical.status().message());
  out.fields_ = std::move(*canonical);
  return std::nullopt;
}

}  // namespace sim::kube
