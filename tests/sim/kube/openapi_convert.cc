#include "tests/sim/kube/openapi_convert.h"

#include <openssl/sha.h>

#include <vector>

#include "pkg/util/strings.h"

namespace sim::kube::openapi {
namespace {

constexpr std::string_view kDefs = "#/definitions/";
constexpr std::string_view kParams = "#/parameters/";

const json::Value* resolve_parameter(const SchemaLibrary& library, const json::Value& p) {
  const json::Value* ref = json::find(p, "$ref");
  if (ref == nullptr || !ref->IsString()) return &p;
  std::string_view target(ref->GetString(), ref->GetStringLength());
  if (target.substr(0, kParams.size()) != kParams) return nullptr;
  const json::Value* params = json::find(library.document(), "parameters");
  return params ? json::find(*params, target.substr(kParams.size())) : nullptr;
}

json::Value content(const json::Value& schema, json::Allocator& alloc,
                    std::initializer_list<std::string_view> media_types) {
  json::Value c(rapidjson::kObjectType);
  for (std::string_view m : media_types) {
    json::Value entry(rapidjson::kObjectType);
    json::set(entry, "schema", json::copy(schema, alloc), alloc);
    json::set(c, m, std::move(entry), alloc);
  }
  return c;
}

}  // namespace

json::Value convert_schema(const json::Value& schema, json::Allocator& alloc,
                           std::set<std::string>& refs) {
  if (schema.IsArray()) {
    json::Value out(rapidjson::kArrayType);
    for (const json::Value& e : schema.GetArray())
      out.PushBack(convert_schema(e, alloc, refs), alloc);
    return out;
  }
  if (!schema.IsObject()) return json::copy(schema, alloc);
  json::Value out(rapidjson::kObjectType);
  for (auto it = schema.MemberBegin(); it != schema.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (key == "$ref" && it->value.IsString()) {
      std::string_view target(it->value.GetString(), it->value.GetStringLength());
      if (target.substr(0, kDefs.size()) == kDefs) {
        std::string name(target.substr(kDefs.size()));
        refs.insert(name);
        json::set_string(out, "$ref", util::cat("#/components/schemas/", name), alloc);
        continue;
      }
    }
    json::set(out, key, convert_schema(it->value, alloc, refs), alloc);
  }
  return out;
}

json::Value convert_parameter(const SchemaLibrary& library, const json::Value& parameter,
                              json::Allocator& alloc) {
  const json::Value* p = resolve_parameter(library, parameter);
  if (p == nullptr || json::get_string(*p, "in") == "body") return json::Value();
  json::Value out(rapidjson::kObjectType);
  for (std::string_view key : {"name", "in", "description", "required"}) {
    if (const json::Value* v = json::find(*p, key))
      json::set(out, key, json::copy(*v, alloc), alloc);
  }
  json::Value schema(rapidjson::kObjectType);
  for (std::string_view key : {"type", "uniqueItems", "format"}) {
    if (const json::Value* v = json::find(*p, key))
      json::set(schema, key, json::copy(*v, alloc), alloc);
  }
  json::set(out, "schema", std::move(schema), alloc);
  return out;
}

json::Value convert_operation(const SchemaLibrary& library, const json::Value& operation,
                              json::Allocator& alloc, std::set<std::string>& refs) {
  json::Value out(rapidjson::kObjectType);
  for (std::string_view key : {"tags", "description", "operationId"}) {
    if (const json::Value* v = json::find(operation, key))
      json::set(out, key, json::copy(*v, alloc), alloc);
  }
  json::Value params(rapidjson::kArrayType);
  if (const json::Value* ps = json::find(operation, "parameters"); ps && ps->IsArray()) {
    for (const json::Value& p : ps->GetArray()) {
      const json::Value* resolved = resolve_parameter(library, p);
      if (resolved != nullptr && json::get_string(*resolved, "in") == "body") {
        const json::Value* schema = json::find(*resolved, "schema");
        if (schema != nullptr) {
          json::Value body(rapidjson::kObjectType);
          json::Value converted = convert_schema(*schema, alloc, refs);
          std::string action = json::get_string(operation, "x-kubernetes-action");
          if (action == "patch") {
            json::set(
                body, "content",
                content(converted, alloc,
                        {"application/apply-patch+yaml", "application/json-patch+json",
                         "application/merge-patch+json", "application/strategic-merge-patch+json"}),
                alloc);
          } else {
            json::set(body, "content", content(converted, alloc, {"*/*"}), alloc);
          }
          json::set(body, "required", json::Value(true), alloc);
          json::set(out, "requestBody", std::move(body), alloc);
        }
        continue;
      }
      json::Value converted = convert_parameter(library, p, alloc);
      if (!converted.IsNull()) params.PushBack(converted, alloc);
    }
  }
  if (!params.Empty()) json::set(out, "parameters", std::move(params), alloc);
  if (const json::Value* rs = json::find(operation, "responses"); rs && rs->IsObject()) {
    json::Value responses(rapidjson::kObjectType);
    for (auto it = rs->MemberBegin(); it != rs->MemberEnd(); ++it) {
      json::Value r(rapidjson::kObjectType);
      json::set_string(r, "description", json::get_string(it->value, "description"), alloc);
      if (const json::Value* schema = json::find(it->value, "schema")) {
        json::Value converted = convert_schema(*schema, alloc, refs);
        json::set(r, "content", content(converted, alloc, {"application/json", "application/yaml"}),
                  alloc);
      }
      json::set(responses, std::string_view(it->name.GetString(), it->name.GetStringLength()),
                std::move(r), alloc);
    }
    json::set(out, "responses", std::move(responses), alloc);
  }
  for (std::string_view key : {"x-kubernetes-action", "x-kubernetes-group-version-kind"}) {
    if (const json::Value* v = json::find(operation, key))
      json::set(out, key, json::copy(*v, alloc), alloc);
  }
  return out;
}

json::Value named_query_parameter(const SchemaLibrary& library, std::string_view name,
                                  json::Allocator& alloc) {
  const json::Value& doc = library.document();
  if (const json::Value* params = json::find(doc, "parameters"); params && params->IsObject()) {
    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it) {
      if (json::get_string(it->value, "name") == name &&
          json::get_string(it->value, "in") != "body") {
        return convert_parameter(library, it->value, alloc);
      }
    }
  }
  if (const json::Value* paths = json::find(doc, "paths"); paths && paths->IsObject()) {
    for (auto p = paths->MemberBegin(); p != paths->MemberEnd(); ++p) {
      for (auto op = p->value.MemberBegin(); op != p->value.MemberEnd(); ++op) {
        const json::Value* ps = json::find(op->value, "parameters");
        if (ps == nullptr || !ps->IsArray()) continue;
        for (const json::Value& param : ps->GetArray()) {
          if (json::get_string(param, "name") == name && json::get_string(param, "in") == "query") {
            return convert_parameter(library, param, alloc);
          }
        }
      }
    }
  }
  json::Value out(rapidjson::kObjectType);
  json::set_string(out, "name", name, alloc);
  json::set_string(out, "in", "query", alloc);
  json::Value schema(rapidjson::kObjectType);
  json::set_string(schema, "type", "string", alloc);
  json::set(out, "schema", std::move(schema), alloc);
  return out;
}

void add_definitions(const SchemaLibrary& library, const std::set<std::string>& roots,
                     json::Value& schemas, json::Allocator& alloc) {
  std::vector<std::string> pending(roots.begin(), roots.end());
  std::set<std::string> done;
  while (!pending.empty()) {
    std::string name = std::move(pending.back());
    pending.pop_back();
    if (!done.insert(name).second || json::find(schemas, name) != nullptr) continue;
    const json::Value* def = library.definition(name);
    if (def == nullptr) continue;
    std::set<std::string> refs;
    json::Value converted = convert_schema(*def, alloc, refs);
    json::set(schemas, name, std::move(converted), alloc);
    for (const std::string& r : refs) {
      if (done.count(r) == 0) pending.push_back(r);
    }
  }
}

std::string sha512_hex(std::string_view data) {
  unsigned char digest[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

}  // namespace sim::kube::openapi
