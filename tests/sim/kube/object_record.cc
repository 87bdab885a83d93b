#include "tests/sim/kube/object_record.h"

#include <algorithm>
#include <cstdlib>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

void add_string_field(StringPairs& fields, std::string name, const json::Value& object,
                      std::initializer_list<std::string_view> path) {
  fields.emplace_back(std::move(name), json::get_string_path(object, path));
}

}  // namespace

std::string object_key(std::string_view ns, std::string_view name) {
  return util::cat(ns, "/", name);
}

StringPairs labels_of(const json::Value& object) {
  StringPairs labels;
  const json::Value* map = json::find_path(object, {"metadata", "labels"});
  if (map == nullptr || !map->IsObject()) return labels;
  for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
    if (it->value.IsString()) labels.emplace_back(it->name.GetString(), it->value.GetString());
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

RecordPtr make_record(const json::Value& object, std::string_view storage_key) {
  auto record = std::make_shared<ObjectRecord>();
  record->json = json::to_string(object);
  const json::Value* meta = json::find(object, "metadata");
  if (meta != nullptr) {
    record->ns = json::get_string(*meta, "namespace");
    record->name = json::get_string(*meta, "name");
    record->uid = json::get_string(*meta, "uid");
    record->resource_version =
        std::strtoull(json::get_string(*meta, "resourceVersion").c_str(), nullptr, 10);
    record->labels = labels_of(object);
    if (const json::Value* owners = json::find(*meta, "ownerReferences");
        owners && owners->IsArray()) {
      for (const json::Value& ref : owners->GetArray()) {
        std::string uid = json::get_string(ref, "uid");
        if (!uid.empty()) record->owner_uids.push_back(std::move(uid));
      }
    }
    const json::Value* finalizers = json::find(*meta, "finalizers");
    record->has_finalizers = finalizers != nullptr && finalizers->IsArray() && !finalizers->Empty();
    record->deleting = json::find(*meta, "deletionTimestamp") != nullptr &&
                       !json::find(*meta, "deletionTimestamp")->IsNull();
  }
  StringPairs& f = record->fields;
  f.emplace_back("metadata.name", record->name);
  f.emplace_back("metadata.namespace", record->ns);
  if (storage_key == "/secrets") {
    add_string_field(f, "type", object, {"type"});
  } else if (storage_key == "/events") {
    for (std::string_view part :
         {"kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"}) {
      add_string_field(f, util::cat("involvedObject.", part), object, {"involvedObject", part});
    }
    add_string_field(f, "reason", object, {"reason"});
    add_string_field(f, "reportingComponent", object, {"reportingComponent"});
    add_string_field(f, "source", object, {"source", "component"});
    add_string_field(f, "type", object, {"type"});
  } else if (storage_key == "/namespaces") {
    add_string_field(f, "status.phase", object, {"status", "phase"});
  }
  std::sort(f.begin(), f.end());
  return record;
}

}  // namespace sim::kube
