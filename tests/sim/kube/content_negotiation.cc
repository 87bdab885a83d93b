#include "tests/sim/kube/content_negotiation.h"

#include <map>
#include <string>

#include "pkg/util/strings.h"

namespace sim::kube {

Negotiated negotiate(std::string_view accept, std::string_view include_object) {
  Negotiated out;
  if (include_object == "None") out.include_object = IncludeObject::kNone;
  if (include_object == "Object") out.include_object = IncludeObject::kObject;
  for (std::string_view clause : util::split(accept, ',')) {
    std::vector<std::string_view> parts = util::split(clause, ';');
    std::string media = util::to_lower(util::trim(parts[0]));
    std::map<std::string, std::string> params;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = util::trim(parts[i]);
      size_t eq = p.find('=');
      if (eq == std::string_view::npos) continue;
      params[std::string(util::trim(p.substr(0, eq)))] = std::string(util::trim(p.substr(eq + 1)));
    }
    bool json_like = media == "application/json" || media == "*/*" || media == "application/*";
    if (!json_like) continue;  // protobuf/CBOR/YAML: try the next clause
    auto as = params.find("as");
    if (as == params.end()) return out;  // plain JSON
    if (params["g"] != "meta.k8s.io") continue;
    if (as->second == "Table" && (params["v"] == "v1" || params["v"] == "v1beta1")) {
      out.form = OutputForm::kTable;
      return out;
    }
    if ((as->second == "PartialObjectMetadata" || as->second == "PartialObjectMetadataList") &&
        (params["v"] == "v1" || params["v"] == "v1beta1")) {
      out.form = OutputForm::kPartialMetadata;
      return out;
    }
  }
  return out;
}

}  // namespace sim::kube
