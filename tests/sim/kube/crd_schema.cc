#include "tests/sim/kube/crd_schema.h"

#include <cmath>
#include <regex>
#include <set>

#include "pkg/util/base64.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

bool flag(const json::Value& schema, std::string_view key) {
  const json::Value* v = json::find(schema, key);
  return v != nullptr && v->IsBool() && v->GetBool();
}

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : util::cat(path, ".", key);
}

bool is_root_meta(const std::string& path, std::string_view key) {
  return path.empty() && (key == "apiVersion" || key == "kind" || key == "metadata");
}

void prune(const json::Value& schema, json::Value& value, const std::string& path,
           json::Allocator& alloc, std::vector<std::string>& pruned) {
  bool preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
  bool embedded = flag(schema, "x-kubernetes-embedded-resource");
  if (value.IsObject()) {
    const json::Value* props = json::find(schema, "properties");
    const json::Value* additional = json::find(schema, "additionalProperties");
    // Defaults first (for absent properties of an existing object).
    if (props != nullptr && props->IsObject()) {
      for (auto p = props->MemberBegin(); p != props->MemberEnd(); ++p) {
        const json::Value* def = json::find(p->value, "default");
        if (def == nullptr) continue;
        std::string_view key(p->name.GetString(), p->name.GetStringLength());
        if (is_root_meta(path, key)) continue;
        json::Value* existing = json::find(value, key);
        if (existing == nullptr || (existing->IsNull() && !flag(p->value, "nullable"))) {
          json::set(value, key, json::copy(*def, alloc), alloc);
        }
      }
    }
    std::vector<rapidjson::SizeType> drop;
    for (rapidjson::SizeType i = 0; i < value.MemberCount(); ++i) {
      auto it = value.MemberBegin() + i;
      std::string key(it->name.GetString(), it->name.GetStringLength());
      if (is_root_meta(path, key)) continue;
      if (embedded && (key == "apiVersion" || key == "kind" || key == "metadata")) continue;
      const json::Value* sub = nullptr;
      if (props != nullptr) sub = json::find(*props, key);
      if (sub == nullptr && additional != nullptr && additional->IsObject()) sub = additional;
      if (sub == nullptr) {
        if (!preserve &&
            !(additional != nullptr && additional->IsBool() && additional->GetBool())) {
          pruned.push_back(child(path, key));
          drop.push_back(i);
        }
        continue;
      }
      if (it->value.IsNull() && !flag(*sub, "nullable")) {
        drop.push_back(i);
        continue;
      }
      prune(*sub, it->value, child(path, key), alloc, pruned);
    }
    for (auto i = drop.rbegin(); i != drop.rend(); ++i)
      value.EraseMember(value.MemberBegin() + *i);
    return;
  }
  if (value.IsArray()) {
    const json::Value* items = json::find(schema, "items");
    if (items == nullptr || !items->IsObject()) return;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      prune(*items, value[i], util::cat(path, "[", i, "]"), alloc, pruned);
    }
  }
}

bool matches_type(std::string_view type, const json::Value& value) {
  std::string_view actual = json::type_name(value);
  if (type == actual) return true;
  if (type == "number" && actual == "integer") return true;
  return false;
}

bool format_ok(std::string_view format, std::string_view s) {
  if (format == "date-time") return util::parse_rfc3339(s).ok();
  if (format == "date") {
    static const std::regex kDate("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    return std::regex_match(s.begin(), s.end(), kDate);
  }
  if (format == "byte") return util::base64_decode(s).ok();
  if (format == "uuid") {
    static const std::regex kUuid(
        "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$");
    return std::regex_match(s.begin(), s.end(), kUuid);
  }
  return true;
}

class Validator {
 public:
  explicit Validator(std::vector<StatusCause>& causes) : causes_(causes) {}

  void validate(const json::Value& schema, const json::Value& value, const std::string& path) {
    std::string type = json::get_string(schema, "type");
    bool int_or_string = flag(schema, "x-kubernetes-int-or-string");
    if (value.IsNull()) {
      if (flag(schema, "nullable") || type.empty()) return;
    }
    if (int_or_string) {
      if (!value.IsString() && json::type_name(value) != "integer") {
        type_error(path, value, "integer,string");
        return;
      }
    } else if (!type.empty() && !matches_type(type, value)) {
      type_error(path, value, type);
      return;
    }
    if (const json::Value* en = json::find(schema, "enum"); en != nullptr && en->IsArray()) {
      bool found = false;
      std::vector<std::string> allowed;
      for (const json::Value& e : en->GetArray()) {
        if (e == value) found = true;
        allowed.push_back(e.IsString()
                              ? json::quoted(std::string_view(e.GetString(), e.GetStringLength()))
                              : json::to_string(e));
      }
      if (!found) causes_.push_back(cause_not_supported(path, json::render_value(value), allowed));
    }
    if (value.IsString()) check_string(schema, value, path);
    if (value.IsNumber()) check_number(schema, value, path);
    if (value.IsArray()) check_array(schema, value, path);
    if (value.IsObject()) check_object(schema, value, path);
    if (const json::Value* all = json::find(schema, "allOf"); all != nullptr && all->IsArray()) {
      for (const json::Value& s : all->GetArray())
        validate(s, value, path);
    }
  }

 private:
  void type_error(const std::string& path, const json::Value& value, std::string_view type) {
    std::string actual = json::quoted(json::type_name(value));
    causes_.push_back(cause_type_invalid(
        path, actual, util::cat(path, " in body must be of type ", type, ": ", actual)));
  }
  void invalid(const std::string& path, const json::Value& value, const std::string& detail) {
    causes_.push_back(
        cause_invalid(path, json::render_value(value), util::cat(path, " in body ", detail)));
  }

  void check_string(const json::Value& schema, const json::Value& value, const std::string& path) {
    std::string_view s(value.GetString(), value.GetStringLength());
    // OpenAPI lengths count characters (runes), not bytes.
    long chars = 0;
    for (unsigned char c : s)
      chars += (c & 0xC0) != 0x80 ? 1 : 0;
    if (const json::Value* v = json::find(schema, "minLength");
        v && v->IsInt64() && chars < v->GetInt64()) {
      invalid(path, value, util::cat("should be at least ", v->GetInt64(), " chars long"));
    }
    if (const json::Value* v = json::find(schema, "maxLength");
        v && v->IsInt64() && chars > v->GetInt64()) {
      causes_.push_back(cause_too_long(path, static_cast<long>(v->GetInt64())));
    }
    if (std::string pattern = json::get_string(schema, "pattern"); !pattern.empty()) {
      try {
        std::regex re(pattern, std::regex::ECMAScript);
        if (!std::regex_search(s.begin(), s.end(), re)) {
          invalid(path, value, util::cat("should match '", pattern, "'"));
        }
      } catch (const std::regex_error&) {
        // An unsupported RE2 construct: accept, as a lenient server would.
      }
    }
    if (std::string format = json::get_string(schema, "format");
        !format.empty() && !format_ok(format, s)) {
      invalid(path, value, util::cat("must be of type ", format, ": ", json::quoted(s)));
    }
  }

  void check_number(const json::Value& schema, const json::Value& value, const std::string& path) {
    double d = value.GetDouble();
    if (const json::Value* v = json::find(schema, "minimum"); v && v->IsNumber()) {
      bool exclusive = flag(schema, "exclusiveMinimum");
      if (exclusive ? !(d > v->GetDouble()) : d < v->GetDouble()) {
        invalid(path, value,
                util::cat("should be greater than ", exclusive ? "" : "or equal to ",
                          json::render_value(*v)));
      }
    }
    if (const json::Value* v = json::find(schema, "maximum"); v && v->IsNumber()) {
      bool exclusive = flag(schema, "exclusiveMaximum");
      if (exclusive ? !(d < v->GetDouble()) : d > v->GetDouble()) {
        invalid(path, value,
                util::cat("should be less than ", exclusive ? "" : "or equal to ",
                          json::render_value(*v)));
      }
    }
    if (const json::Value* v = json::find(schema, "multipleOf");
        v && v->IsNumber() && v->GetDouble() != 0) {
      double q = d / v->GetDouble();
      if (std::floor(q) != q)
        invalid(path, value, util::cat("should be a multiple of ", json::render_value(*v)));
    }
  }

  void check_array(const json::Value& schema, const json::Value& value, const std::string& path) {
    long n = static_cast<long>(value.Size());
    if (const json::Value* v = json::find(schema, "minItems");
        v && v->IsInt64() && n < v->GetInt64()) {
      invalid(path, value, util::cat("should have at least ", v->GetInt64(), " items"));
    }
    if (const json::Value* v = json::find(schema, "maxItems");
        v && v->IsInt64() && n > v->GetInt64()) {
      causes_.push_back(cause_too_many(path, n, static_cast<long>(v->GetInt64())));
    }
    const json::Value* items = json::find(schema, "items");
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      if (items != nullptr && items->IsObject())
        validate(*items, value[i], util::cat(path, "[", i, "]"));
    }
    std::string list_type = json::get_string(schema, "x-kubernetes-list-type");
    if (list_type == "set" || flag(schema, "uniqueItems")) {
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        for (rapidjson::SizeType j = 0; j < i; ++j) {
          if (value[i] == value[j]) {
            causes_.push_back(
                cause_duplicate(util::cat(path, "[", i, "]"), json::render_value(value[i])));
            break;
          }
        }
      }
    }
  }

  void check_object(const json::Value& schema, const json::Value& value, const std::string& path) {
    if (const json::Value* req = json::find(schema, "required"); req != nullptr && req->IsArray()) {
      for (const json::Value& r : req->GetArray()) {
        if (!r.IsString()) continue;
        std::string_view key(r.GetString(), r.GetStringLength());
        if (is_root_meta(path, key)) continue;
        const json::Value* member = json::find(value, key);
        if (member == nullptr || member->IsNull())
          causes_.push_back(cause_required(child(path, key)));
      }
    }
    const json::Value* props = json::find(schema, "properties");
    const json::Value* additional = json::find(schema, "additionalProperties");
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (is_root_meta(path, key)) continue;
      const json::Value* sub = props != nullptr ? json::find(*props, key) : nullptr;
      if (sub == nullptr && additional != nullptr && additional->IsObject()) sub = additional;
      if (sub != nullptr) validate(*sub, it->value, child(path, key));
    }
    long n = static_cast<long>(value.MemberCount());
    if (const json::Value* v = json::find(schema, "minProperties");
        v && v->IsInt64() && n < v->GetInt64()) {
      invalid(path, value, util::cat("should have at least ", v->GetInt64(), " properties"));
    }
    if (const json::Value* v = json::find(schema, "maxProperties");
        v && v->IsInt64() && n > v->GetInt64()) {
      causes_.push_back(cause_too_many(path, n, static_cast<long>(v->GetInt64())));
    }
  }

  std::vector<StatusCause>& causes_;
};

StatusCause cause_unsupported_root(std::string field, std::string_view type) {
  return cause_not_supported(std::move(field), json::quoted(type), {"\"object\""});
}

void check_node(const json::Value& schema, const std::string& field, bool root,
                std::vector<StatusCause>& causes) {
  if (!schema.IsObject()) return;
  std::string type = json::get_string(schema, "type");
  bool exempt = flag(schema, "x-kubernetes-preserve-unknown-fields") ||
                flag(schema, "x-kubernetes-int-or-string");
  if (type.empty() && !exempt) {
    causes.push_back(cause_required(
        util::cat(field, ".type"),
        root ? "must not be empty at the root" : "must not be empty for specified object fields"));
  }
  if (root && !type.empty() && type != "object") {
    causes.push_back(cause_unsupported_root(util::cat(field, ".type"), type));
  }
  if (const json::Value* props = json::find(schema, "properties"); props && props->IsObject()) {
    for (auto it = props->MemberBegin(); it != props->MemberEnd(); ++it) {
      std::string name(it->name.GetString(), it->name.GetStringLength());
      if (root && name == "metadata") continue;
      check_node(it->value, util::cat(field, ".properties[", name, "]"), false, causes);
    }
  }
  if (const json::Value* items = json::find(schema, "items"); items && items->IsObject()) {
    check_node(*items, util::cat(field, ".items"), false, causes);
  }
  if (const json::Value* add = json::find(schema, "additionalProperties"); add && add->IsObject()) {
    check_node(*add, util::cat(field, ".additionalProperties"), false, causes);
  }
  if (const json::Value* def = json::find(schema, "default"); def != nullptr) {
    std::vector<StatusCause> sub;
    Validator(sub).validate(schema, *def, util::cat(field, ".default"));
    for (StatusCause& c : sub)
      causes.push_back(std::move(c));
  }
}

}  // namespace

std::vector<std::string> default_and_prune(const json::Value& schema, json::Value& object,
                                           json::Allocator& alloc) {
  std::vector<std::string> pruned;
  prune(schema, object, "", alloc, pruned);
  return pruned;
}

std::vector<StatusCause> validate_custom_resource(const json::Value& schema,
                                                  const json::Value& object) {
  std::vector<StatusCause> causes;
  Validator(causes).validate(schema, object, "");
  return causes;
}

std::vector<StatusCause> check_structural_schema(const json::Value& schema,
                                                 const std::string& field) {
  std::vector<StatusCause> causes;
  check_node(schema, field, true, causes);
  return causes;
}

}  // namespace sim::kube
