#include "tests/sim/kube/json.h"

#include <cmath>

#include "pkg/util/strings.h"
#include "rapidjson/error/en.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::kube::json {

util::StatusOr<Document> parse(std::string_view text) {
  Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    return util::invalid_argument_error(util::cat(rapidjson::GetParseError_En(doc.GetParseError()),
                                                  " at offset ", doc.GetErrorOffset()));
  }
  return doc;
}

std::string to_string(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string quoted(std::string_view text) {
  return to_string(Value(rapidjson::StringRef(text.data(), text.size())));
}

std::string to_pretty_string(const Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const Value* find(const Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

Value* find(Value& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

const Value* find_path(const Value& object, std::initializer_list<std::string_view> path) {
  const Value* current = &object;
  for (std::string_view key : path) {
    current = find(*current, key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

Value* find_path(Value& object, std::initializer_list<std::string_view> path) {
  Value* current = &object;
  for (std::string_view key : path) {
    current = find(*current, key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::string get_string(const Value& object, std::string_view key) {
  const Value* v = find(object, key);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength())
                                       : std::string();
}

std::string get_string_path(const Value& object, std::initializer_list<std::string_view> path) {
  const Value* v = find_path(object, path);
  return v != nullptr && v->IsString() ? std::string(v->GetString(), v->GetStringLength())
                                       : std::string();
}

Value make_string(std::string_view text, Allocator& alloc) {
  return Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), alloc);
}

Value copy(const Value& value, Allocator& alloc) {
  return Value(value, alloc);
}

void set(Value& object, std::string_view key, Value&& value, Allocator& alloc) {
  if (!object.IsObject()) object.SetObject();
  if (Value* existing = find(object, key)) {
    *existing = std::move(value);
    return;
  }
  object.AddMember(make_string(key, alloc), value, alloc);
}

void set_string(Value& object, std::string_view key, std::string_view text, Allocator& alloc) {
  set(object, key, make_string(text, alloc), alloc);
}

bool remove(Value& object, std::string_view key) {
  if (!object.IsObject()) return false;
  auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == object.MemberEnd()) return false;
  object.EraseMember(it);
  return true;
}

Value& ensure_object(Value& object, std::string_view key, Allocator& alloc) {
  Value* existing = find(object, key);
  if (existing != nullptr) {
    if (!existing->IsObject()) existing->SetObject();
    return *existing;
  }
  object.AddMember(make_string(key, alloc), Value(rapidjson::kObjectType), alloc);
  return *find(object, key);
}

std::string_view type_name(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      if (value.IsInt64() || value.IsUint64()) return "integer";
      if (double d = value.GetDouble(); std::isfinite(d) && std::floor(d) == d) return "integer";
      return "number";
  }
  return "null";
}

std::string render_value(const Value& value) {
  if (value.IsString()) return to_string(value);
  if (value.IsNumber()) {
    if (value.IsInt64()) return util::cat(value.GetInt64());
    if (value.IsUint64()) return util::cat(value.GetUint64());
    double d = value.GetDouble();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15) {
      return util::cat(static_cast<int64_t>(d));
    }
    return to_string(value);
  }
  return to_string(value);
}

}  // namespace sim::kube::json
