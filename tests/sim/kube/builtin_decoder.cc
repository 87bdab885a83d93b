#include "tests/sim/kube/builtin_decoder.h"

#include <cmath>
#include <limits>
#include <regex>
#include <set>

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

constexpr std::string_view kDefPrefix = "#/definitions/";

bool quantity_syntax_ok(std::string_view s) {
  static const std::regex kQuantity("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
  return std::regex_match(s.begin(), s.end(), kQuantity);
}

// The byte offset of the first invalid base64 input, or -1 if valid
// (encoding/base64 StdEncoding semantics, approximately).
long base64_error_offset(std::string_view s) {
  size_t n = s.size();
  size_t pad = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    bool alpha = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
    if (c == '=') {
      ++pad;
      if (pad > 2) return static_cast<long>(i);
      continue;
    }
    if (!alpha || pad > 0) return static_cast<long>(i);
  }
  if (n % 4 != 0) return static_cast<long>(n - n % 4);
  return -1;
}

class Decoder {
 public:
  Decoder(const SchemaLibrary& lib, DecodeReport& report) : lib_(lib), report_(report) {}

  // `path`: strict-error path (with [i]); `go_path`: encoding/json field stack
  // (no indices); `go_struct`: the innermost struct type name.
  void walk(const json::Value& schema_in, json::Value& value, const std::string& path,
            const std::string& go_path, const std::string& go_struct) {
    std::string def_name;
    const json::Value* schema = &schema_in;
    for (int i = 0; i < 8; ++i) {
      const json::Value* ref = json::find(*schema, "$ref");
      if (ref == nullptr || !ref->IsString()) break;
      std::string_view target(ref->GetString(), ref->GetStringLength());
      if (target.substr(0, kDefPrefix.size()) != kDefPrefix) break;
      def_name = std::string(target.substr(kDefPrefix.size()));
      const json::Value* def = lib_.definition(def_name);
      if (def == nullptr) return;
      schema = def;
    }
    if (value.IsNull()) return;  // null decodes to the zero value anywhere

    if (def_name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString") {
      if (!value.IsString() && !(value.IsNumber() && is_integral(value))) {
        type_error(value, go_path, go_struct, "intstr.IntOrString");
      }
      return;
    }
    if (def_name == "io.k8s.apimachinery.pkg.api.resource.Quantity") {
      if (value.IsString()) {
        if (!quantity_syntax_ok(value.GetString())) {
          set_error(
              "quantities must match the regular expression "
              "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
      } else if (!value.IsNumber()) {
        type_error(value, go_path, go_struct, "resource.Quantity");
      }
      return;
    }
    if (def_name == "io.k8s.apimachinery.pkg.apis.meta.v1.Time" ||
        def_name == "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime") {
      if (!value.IsString()) {
        type_error(value, go_path, go_struct, "string");
      } else if (value.GetStringLength() > 0 && !util::parse_rfc3339(value.GetString()).ok()) {
        set_error(util::cat("parsing time \"", value.GetString(),
                            "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"",
                            value.GetString(), "\" as \"2006\""));
      }
      return;
    }
    std::string go_type = def_name.empty() ? std::string() : SchemaLibrary::go_type_name(def_name);
    std::string type = json::get_string(*schema, "type");
    const json::Value* props = json::find(*schema, "properties");
    const json::Value* additional = json::find(*schema, "additionalProperties");
    const json::Value* items = json::find(*schema, "items");

    if (type.empty() && props == nullptr) return;  // arbitrary JSON (RawExtension, JSON, ...)
    if (type == "object" || props != nullptr) {
      if (!value.IsObject()) {
        type_error(value, go_path, go_struct,
                   !go_type.empty()        ? go_type
                   : additional != nullptr ? map_type(*additional)
                                           : "map[string]interface {}");
        return;
      }
      if (props == nullptr) {
        if (additional != nullptr && additional->IsObject()) {
          for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
            std::string key(it->name.GetString(), it->name.GetStringLength());
            walk(*additional, it->value, join(path, key), join(go_path, key), go_struct);
          }
        }
        return;
      }
      std::string struct_name =
          def_name.empty() ? go_struct : std::string(SchemaLibrary::short_name(def_name));
      // encoding/json: a later duplicate wins, so the earlier one is dropped.
      std::set<std::string> seen;
      std::vector<bool> drop(value.MemberCount(), false);
      for (rapidjson::SizeType i = value.MemberCount(); i-- > 0;) {
        auto it = value.MemberBegin() + i;
        std::string key(it->name.GetString(), it->name.GetStringLength());
        if (!seen.insert(key).second) {
          report_.duplicate_fields.push_back(join(path, key));
          drop[i] = true;
        }
      }
      for (rapidjson::SizeType i = 0; i < value.MemberCount(); ++i) {
        if (drop[i]) continue;
        auto it = value.MemberBegin() + i;
        std::string key(it->name.GetString(), it->name.GetStringLength());
        const json::Value* prop = json::find(*props, key);
        if (prop == nullptr) {
          report_.unknown_fields.push_back(join(path, key));
          drop[i] = true;
        } else if (it->value.IsNull()) {
          drop[i] = true;
        } else {
          walk(*prop, it->value, join(path, key), join(go_path, key), struct_name);
        }
      }
      for (rapidjson::SizeType i = value.MemberCount(); i-- > 0;) {
        if (drop[i]) value.EraseMember(value.MemberBegin() + i);
      }
      return;
    }
    if (type == "array") {
      if (!value.IsArray()) {
        type_error(value, go_path, go_struct,
                   util::cat("[]", items ? elem_type(*items) : "interface {}"));
        return;
      }
      if (items == nullptr) return;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        walk(*items, value[i], util::cat(path, "[", i, "]"), go_path, go_struct);
      }
      return;
    }
    std::string format = json::get_string(*schema, "format");
    if (type == "string") {
      if (!value.IsString()) {
        type_error(value, go_path, go_struct, format == "byte" ? "[]uint8" : "string");
        return;
      }
      if (format == "byte") {
        long offset =
            base64_error_offset(std::string_view(value.GetString(), value.GetStringLength()));
        if (offset >= 0) set_error(util::cat("illegal base64 data at input byte ", offset));
      }
      return;
    }
    if (type == "integer") {
      std::string go_int = format == "int64" ? "int64" : "int32";
      if (!value.IsNumber()) {
        type_error(value, go_path, go_struct, go_int);
        return;
      }
      if (!is_integral(value) || !fits(value, go_int == "int32")) {
        set_error(util::cat("json: cannot unmarshal number ", json::to_string(value),
                            " into Go struct field ", go_struct, ".", go_path, " of type ",
                            go_int));
      }
      return;
    }
    if (type == "number") {
      if (!value.IsNumber()) type_error(value, go_path, go_struct, "float64");
      return;
    }
    if (type == "boolean") {
      if (!value.IsBool()) type_error(value, go_path, go_struct, "bool");
      return;
    }
  }

 private:
  static std::string join(const std::string& a, std::string_view b) {
    return a.empty() ? std::string(b) : util::cat(a, ".", b);
  }
  static bool is_integral(const json::Value& v) {
    if (v.IsInt64() || v.IsUint64()) return true;
    double d = v.GetDouble();
    return std::isfinite(d) && std::floor(d) == d;
  }
  static bool fits(const json::Value& v, bool int32) {
    if (!int32) return v.IsInt64() || (!v.IsUint64() && std::fabs(v.GetDouble()) < 9.2e18);
    if (!v.IsInt64()) return false;
    int64_t i = v.GetInt64();
    return i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max();
  }

  std::string elem_type(const json::Value& schema) {
    const json::Value* ref = json::find(schema, "$ref");
    if (ref != nullptr && ref->IsString()) {
      std::string_view t(ref->GetString(), ref->GetStringLength());
      if (t.substr(0, kDefPrefix.size()) == kDefPrefix) {
        return SchemaLibrary::go_type_name(t.substr(kDefPrefix.size()));
      }
    }
    std::string type = json::get_string(schema, "type");
    if (type == "integer") return json::get_string(schema, "format") == "int64" ? "int64" : "int32";
    if (type == "number") return "float64";
    if (type == "boolean") return "bool";
    if (type == "string") return "string";
    return "interface {}";
  }
  std::string map_type(const json::Value& additional) {
    return util::cat("map[string]", additional.IsObject() ? elem_type(additional) : "interface {}");
  }
  static std::string go_json_kind(const json::Value& v) {
    if (v.IsString()) return "string";
    if (v.IsBool()) return "bool";
    if (v.IsArray()) return "array";
    if (v.IsObject()) return "object";
    return "number";
  }
  void type_error(const json::Value& value, const std::string& go_path,
                  const std::string& go_struct, const std::string& go_type) {
    if (go_path.empty() || go_struct.empty()) {
      set_error(util::cat("json: cannot unmarshal ", go_json_kind(value), " into Go value of type ",
                          go_type));
    } else {
      set_error(util::cat("json: cannot unmarshal ", go_json_kind(value), " into Go struct field ",
                          go_struct, ".", go_path, " of type ", go_type));
    }
  }
  void set_error(std::string message) {
    if (report_.error.empty()) report_.error = std::move(message);
  }

  const SchemaLibrary& lib_;
  DecodeReport& report_;
};

}  // namespace

std::string DecodeReport::strict_errors() const {
  std::vector<std::string> parts;
  for (const std::string& f : unknown_fields)
    parts.push_back(util::cat("unknown field \"", f, "\""));
  for (const std::string& f : duplicate_fields) {
    parts.push_back(util::cat("duplicate field \"", f, "\""));
  }
  return util::join(parts, ", ");
}

std::vector<std::string> DecodeReport::warnings() const {
  std::vector<std::string> out;
  for (const std::string& f : unknown_fields)
    out.push_back(util::cat("unknown field \"", f, "\""));
  for (const std::string& f : duplicate_fields) {
    out.push_back(util::cat("duplicate field \"", f, "\""));
  }
  return out;
}

DecodeReport decode_builtin(const SchemaLibrary& library, std::string_view definition_name,
                            json::Value& value, std::string_view path_prefix) {
  DecodeReport report;
  json::Document ref_doc;
  json::Value ref(rapidjson::kObjectType);
  json::set_string(ref, "$ref", util::cat(kDefPrefix, definition_name), ref_doc.GetAllocator());
  Decoder decoder(library, report);
  std::string prefix(path_prefix);
  decoder.walk(ref, value, prefix, prefix, "");
  return report;
}

}  // namespace sim::kube
