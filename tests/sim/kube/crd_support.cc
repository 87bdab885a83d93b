#include "tests/sim/kube/crd_support.h"

#include <algorithm>
#include <cctype>

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/crd_schema.h"
#include "tests/sim/kube/json_path.h"

namespace sim::kube {
namespace {

bool is_dns1035_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || !std::islower(static_cast<unsigned char>(s.front())))
    return false;
  if (!std::isalnum(static_cast<unsigned char>(s.back()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::string dns1035_message() {
  return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
         "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
         "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
}

std::vector<std::string> string_list(const json::Value* v) {
  std::vector<std::string> out;
  if (v != nullptr && v->IsArray()) {
    for (const json::Value& e : v->GetArray()) {
      if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
    }
  }
  return out;
}

json::Value condition(std::string_view type, std::string_view status, std::string_view reason,
                      std::string_view message, const std::string& time, json::Allocator& alloc) {
  json::Value c(rapidjson::kObjectType);
  json::set_string(c, "type", type, alloc);
  json::set_string(c, "status", status, alloc);
  json::set_string(c, "lastTransitionTime", time, alloc);
  json::set_string(c, "reason", reason, alloc);
  json::set_string(c, "message", message, alloc);
  return c;
}

}  // namespace

void default_crd(json::Value& crd, json::Allocator& alloc) {
  json::Value& spec = json::ensure_object(crd, "spec", alloc);
  json::Value& names = json::ensure_object(spec, "names", alloc);
  std::string kind = json::get_string(names, "kind");
  if (json::get_string(names, "singular").empty() && !kind.empty()) {
    json::set_string(names, "singular", util::to_lower(kind), alloc);
  }
  if (json::get_string(names, "listKind").empty() && !kind.empty()) {
    json::set_string(names, "listKind", util::cat(kind, "List"), alloc);
  }
  json::Value& conversion = json::ensure_object(spec, "conversion", alloc);
  if (json::get_string(conversion, "strategy").empty()) {
    json::set_string(conversion, "strategy", "None", alloc);
  }
}

std::vector<StatusCause> validate_crd(const json::Value& crd, const json::Value* old) {
  std::vector<StatusCause> causes;
  const json::Value* spec = json::find(crd, "spec");
  if (spec == nullptr || !spec->IsObject()) {
    causes.push_back(cause_required("spec"));
    return causes;
  }
  std::string group = json::get_string(*spec, "group");
  const json::Value* names = json::find(*spec, "names");
  std::string plural = names ? json::get_string(*names, "plural") : "";
  std::string singular = names ? json::get_string(*names, "singular") : "";
  std::string kind = names ? json::get_string(*names, "kind") : "";
  std::string list_kind = names ? json::get_string(*names, "listKind") : "";
  std::string name = json::get_string_path(crd, {"metadata", "name"});
  if (name != util::cat(plural, ".", group)) {
    causes.push_back(cause_invalid("metadata.name", json::quoted(name),
                                   "must be spec.names.plural+\".\"+spec.group"));
  }
  if (group.empty()) {
    causes.push_back(cause_required("spec.group"));
  } else if (group.find('.') == std::string::npos) {
    causes.push_back(cause_invalid("spec.group", json::quoted(group),
                                   "should be a domain with at least one dot"));
  }
  if (plural.empty()) {
    causes.push_back(cause_required("spec.names.plural"));
  } else if (!is_dns1035_label(plural)) {
    causes.push_back(cause_invalid("spec.names.plural", json::quoted(plural), dns1035_message()));
  }
  if (!singular.empty() && !is_dns1035_label(singular)) {
    causes.push_back(
        cause_invalid("spec.names.singular", json::quoted(singular), dns1035_message()));
  }
  if (kind.empty()) causes.push_back(cause_required("spec.names.kind"));
  if (list_kind.empty()) causes.push_back(cause_required("spec.names.listKind"));
  for (const std::string& s : string_list(names ? json::find(*names, "shortNames") : nullptr)) {
    if (!is_dns1035_label(s))
      causes.push_back(cause_invalid("spec.names.shortNames", json::quoted(s), dns1035_message()));
  }
  std::string scope = json::get_string(*spec, "scope");
  if (scope != "Namespaced" && scope != "Cluster") {
    if (scope.empty()) {
      causes.push_back(cause_required("spec.scope"));
    } else {
      causes.push_back(cause_not_supported("spec.scope", json::quoted(scope),
                                           {"\"Cluster\"", "\"Namespaced\""}));
    }
  }
  const json::Value* versions = json::find(*spec, "versions");
  if (versions == nullptr || !versions->IsArray() || versions->Empty()) {
    causes.push_back(cause_invalid("spec.versions", "null",
                                   "must have exactly one version marked as storage version"));
    return causes;
  }
  int storage = 0;
  std::vector<std::string> seen;
  for (rapidjson::SizeType i = 0; i < versions->Size(); ++i) {
    const json::Value& v = (*versions)[i];
    std::string field = util::cat("spec.versions[", i, "]");
    std::string vname = json::get_string(v, "name");
    if (vname.empty()) {
      causes.push_back(cause_required(util::cat(field, ".name")));
    } else if (!is_dns1035_label(vname)) {
      causes.push_back(
          cause_invalid(util::cat(field, ".name"), json::quoted(vname), dns1035_message()));
    } else if (std::find(seen.begin(), seen.end(), vname) != seen.end()) {
      causes.push_back(cause_duplicate(util::cat(field, ".name"), json::quoted(vname)));
    }
    seen.push_back(vname);
    const json::Value* st = json::find(v, "storage");
    if (st != nullptr && st->IsBool() && st->GetBool()) ++storage;
    const json::Value* schema = json::find_path(v, {"schema", "openAPIV3Schema"});
    if (schema == nullptr || !schema->IsObject()) {
      causes.push_back(
          cause_required(util::cat(field, ".schema.openAPIV3Schema"), "schemas are required"));
    } else {
      for (StatusCause& c :
           check_structural_schema(*schema, util::cat(field, ".schema.openAPIV3Schema"))) {
        causes.push_back(std::move(c));
      }
    }
    if (const json::Value* cols = json::find(v, "additionalPrinterColumns");
        cols && cols->IsArray()) {
      for (rapidjson::SizeType c = 0; c < cols->Size(); ++c) {
        const json::Value& col = (*cols)[c];
        std::string cfield = util::cat(field, ".additionalPrinterColumns[", c, "]");
        if (json::get_string(col, "name").empty())
          causes.push_back(cause_required(util::cat(cfield, ".name")));
        std::string type = json::get_string(col, "type");
        static const std::vector<std::string> kTypes = {"integer", "number", "string", "boolean",
                                                        "date"};
        if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
          causes.push_back(cause_not_supported(
              util::cat(cfield, ".type"), json::quoted(type),
              {"\"boolean\"", "\"date\"", "\"integer\"", "\"number\"", "\"string\""}));
        }
        std::string path = json::get_string(col, "jsonPath");
        if (path.empty()) {
          causes.push_back(cause_required(util::cat(cfield, ".jsonPath")));
        } else if (!JsonPath::parse(path).ok()) {
          causes.push_back(cause_invalid(util::cat(cfield, ".jsonPath"), json::quoted(path),
                                         "must be a simple json path"));
        }
      }
    }
  }
  if (storage != 1) {
    causes.push_back(cause_invalid("spec.versions", json::to_string(*versions),
                                   "must have exactly one version marked as storage version"));
  }
  if (old != nullptr) {
    const json::Value* old_spec = json::find(*old, "spec");
    std::string old_group = old_spec ? json::get_string(*old_spec, "group") : "";
    std::string old_scope = old_spec ? json::get_string(*old_spec, "scope") : "";
    if (old_group != group)
      causes.push_back(cause_invalid("spec.group", json::quoted(group), "field is immutable"));
    if (old_scope != scope)
      causes.push_back(cause_invalid("spec.scope", json::quoted(scope), "field is immutable"));
  }
  return causes;
}

void set_crd_status(json::Value& crd, const json::Value* old,
                    const std::vector<json::Document>& other_crds, absl::Time now,
                    json::Allocator& alloc) {
  std::string time = util::format_rfc3339(now);
  const json::Value* spec = json::find(crd, "spec");
  const json::Value* names = spec ? json::find(*spec, "names") : nullptr;
  std::string group = spec ? json::get_string(*spec, "group") : "";
  std::string kind = names ? json::get_string(*names, "kind") : "";
  std::string conflict;
  for (const json::Document& other : other_crds) {
    if (json::get_string_path(other, {"metadata", "name"}) ==
        json::get_string_path(crd, {"metadata", "name"}))
      continue;
    if (json::get_string_path(other, {"spec", "group"}) != group) continue;
    if (json::get_string_path(other, {"status", "acceptedNames", "kind"}) == kind) {
      conflict = util::cat("\"", kind, "\" is already in use");
    }
  }
  json::Value status(rapidjson::kObjectType);
  json::Value conditions(rapidjson::kArrayType);
  // Keep transition times of unchanged conditions.
  auto previous_time = [&](std::string_view type, std::string_view value) -> std::string {
    const json::Value* conds = old ? json::find_path(*old, {"status", "conditions"}) : nullptr;
    if (conds == nullptr || !conds->IsArray()) return time;
    for (const json::Value& c : conds->GetArray()) {
      if (json::get_string(c, "type") == type && json::get_string(c, "status") == value) {
        return json::get_string(c, "lastTransitionTime");
      }
    }
    return time;
  };
  if (conflict.empty()) {
    conditions.PushBack(condition("NamesAccepted", "True", "NoConflicts", "no conflicts found",
                                  previous_time("NamesAccepted", "True"), alloc),
                        alloc);
    conditions.PushBack(condition("Established", "True", "InitialNamesAccepted",
                                  "the initial names have been accepted",
                                  previous_time("Established", "True"), alloc),
                        alloc);
    json::set(status, "acceptedNames",
              names ? json::copy(*names, alloc) : json::Value(rapidjson::kObjectType), alloc);
  } else {
    conditions.PushBack(condition("NamesAccepted", "False", "KindConflict", conflict,
                                  previous_time("NamesAccepted", "False"), alloc),
                        alloc);
    conditions.PushBack(
        condition("Established", "False", "NotAccepted", "not all names are accepted",
                  previous_time("Established", "False"), alloc),
        alloc);
    json::set(status, "acceptedNames", json::Value(rapidjson::kObjectType), alloc);
    json::set_string(json::ensure_object(status, "acceptedNames", alloc), "plural", "", alloc);
    json::set_string(json::ensure_object(status, "acceptedNames", alloc), "kind", "", alloc);
  }
  json::set(status, "conditions", std::move(conditions), alloc);
  json::Value stored(rapidjson::kArrayType);
  std::vector<std::string> stored_versions =
      old ? string_list(json::find_path(*old, {"status", "storedVersions"}))
          : std::vector<std::string>{};
  if (const json::Value* versions = spec ? json::find(*spec, "versions") : nullptr;
      versions && versions->IsArray()) {
    for (const json::Value& v : versions->GetArray()) {
      const json::Value* st = json::find(v, "storage");
      std::string vname = json::get_string(v, "name");
      if (st != nullptr && st->IsBool() && st->GetBool() &&
          std::find(stored_versions.begin(), stored_versions.end(), vname) ==
              stored_versions.end()) {
        stored_versions.push_back(vname);
      }
    }
  }
  for (const std::string& v : stored_versions)
    stored.PushBack(json::make_string(v, alloc), alloc);
  json::set(status, "storedVersions", std::move(stored), alloc);
  json::set(crd, "status", std::move(status), alloc);
}

std::vector<ResourceType> custom_resource_types(const json::Value& crd) {
  std::vector<ResourceType> out;
  bool established = false;
  if (const json::Value* conds = json::find_path(crd, {"status", "conditions"});
      conds && conds->IsArray()) {
    for (const json::Value& c : conds->GetArray()) {
      if (json::get_string(c, "type") == "Established" && json::get_string(c, "status") == "True") {
        established = true;
      }
    }
  }
  const json::Value* spec = json::find(crd, "spec");
  if (!established || spec == nullptr) return out;
  const json::Value* names = json::find(*spec, "names");
  const json::Value* versions = json::find(*spec, "versions");
  if (names == nullptr || versions == nullptr || !versions->IsArray()) return out;
  std::string group = json::get_string(*spec, "group");
  std::string storage_version;
  std::vector<std::string> served;
  for (const json::Value& v : versions->GetArray()) {
    const json::Value* st = json::find(v, "storage");
    if (st != nullptr && st->IsBool() && st->GetBool())
      storage_version = json::get_string(v, "name");
    const json::Value* sv = json::find(v, "served");
    if (sv != nullptr && sv->IsBool() && sv->GetBool())
      served.push_back(json::get_string(v, "name"));
  }
  for (const json::Value& v : versions->GetArray()) {
    const json::Value* sv = json::find(v, "served");
    if (sv == nullptr || !sv->IsBool() || !sv->GetBool()) continue;
    ResourceType t;
    t.group = group;
    t.version = json::get_string(v, "name");
    t.resource = json::get_string(*names, "plural");
    t.singular = json::get_string(*names, "singular");
    t.kind = json::get_string(*names, "kind");
    t.list_kind = json::get_string(*names, "listKind");
    t.namespaced = json::get_string(*spec, "scope") == "Namespaced";
    t.verbs = {"delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"};
    t.short_names = string_list(json::find(*names, "shortNames"));
    t.categories = string_list(json::find(*names, "categories"));
    t.status_subresource = json::find_path(v, {"subresources", "status"}) != nullptr;
    t.has_generation = true;
    t.storage_key = util::cat(group, "/", t.resource);
    t.storage_version = util::cat(group, "/", storage_version);
    auto custom = std::make_shared<CustomResourceSchema>();
    custom->crd_name = json::get_string_path(crd, {"metadata", "name"});
    custom->served_versions = served;
    if (const json::Value* schema = json::find_path(v, {"schema", "openAPIV3Schema"});
        schema && schema->IsObject()) {
      auto doc = std::make_shared<json::Document>();
      doc->CopyFrom(*schema, doc->GetAllocator());
      custom->open_api_v3_schema = std::move(doc);
    }
    if (const json::Value* cols = json::find(v, "additionalPrinterColumns");
        cols && cols->IsArray()) {
      for (const json::Value& c : cols->GetArray()) {
        PrinterColumn pc;
        pc.name = json::get_string(c, "name");
        pc.type = json::get_string(c, "type");
        pc.format = json::get_string(c, "format");
        pc.description = json::get_string(c, "description");
        pc.json_path = json::get_string(c, "jsonPath");
        const json::Value* prio = json::find(c, "priority");
        pc.priority = prio != nullptr && prio->IsInt() ? prio->GetInt() : 0;
        custom->printer_columns.push_back(std::move(pc));
      }
    }
    t.custom = std::move(custom);
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sim::kube
