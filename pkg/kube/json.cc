#include "pkg/kube/json.h"

#include <cstdio>

#include "absl/time/clock.h"
#include "pkg/util/strings.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace kube::json {
namespace {

JsonValue key_ref(std::string_view key) {
  return JsonValue(rapidjson::StringRef(key.data(), key.size()));
}

}  // namespace

util::StatusOr<JsonValue> parse(std::string_view text) {
  JsonDocument doc;
  doc.Parse<rapidjson::kParseDefaultFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return util::invalid_argument_error(util::cat("invalid JSON at byte ", doc.GetErrorOffset(),
                                                  ": ", GetParseError_En(doc.GetParseError())));
  }
  JsonValue out;
  out.Swap(doc);
  return out;
}

std::string serialize(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const JsonValue* find(const JsonValue& object, std::string_view key) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(key_ref(key));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

JsonValue* find(JsonValue& object, std::string_view key) {
  // Via the const lookup: comparing rapidjson's mutable member iterators is
  // ambiguous in C++20 (clang's -Wambiguous-reversed-operator).
  return const_cast<JsonValue*>(find(static_cast<const JsonValue&>(object), key));
}

const JsonValue* find_path(const JsonValue& object, std::initializer_list<std::string_view> path) {
  const JsonValue* current = &object;
  for (std::string_view key : path) {
    current = find(*current, key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::string_view as_string(const JsonValue& value) {
  if (!value.IsString()) return {};
  return {value.GetString(), value.GetStringLength()};
}

std::string_view get_string(const JsonValue& object, std::string_view key) {
  const JsonValue* v = find(object, key);
  return v == nullptr ? std::string_view() : as_string(*v);
}

std::optional<int64_t> get_int(const JsonValue& object, std::string_view key) {
  const JsonValue* v = find(object, key);
  if (v == nullptr || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

JsonValue make_string(std::string_view value) {
  JsonAllocator alloc;
  return JsonValue(value.data(), static_cast<rapidjson::SizeType>(value.size()), alloc);
}

JsonValue& ensure_object(JsonValue& object, std::string_view key) {
  JsonValue* existing = find(object, key);
  if (existing != nullptr) {
    if (!existing->IsObject()) existing->SetObject();
    return *existing;
  }
  JsonAllocator alloc;
  object.AddMember(make_string(key), JsonValue(rapidjson::kObjectType), alloc);
  return (object.MemberEnd() - 1)->value;
}

void set(JsonValue& object, std::string_view key, JsonValue value) {
  JsonValue* existing = find(object, key);
  if (existing != nullptr) {
    *existing = std::move(value);
    return;
  }
  JsonAllocator alloc;
  object.AddMember(make_string(key), std::move(value), alloc);
}

void set_string(JsonValue& object, std::string_view key, std::string_view value) {
  set(object, key, make_string(value));
}

void set_int(JsonValue& object, std::string_view key, int64_t value) {
  set(object, key, JsonValue(static_cast<int64_t>(value)));
}

bool remove(JsonValue& object, std::string_view key) {
  if (!object.IsObject()) return false;
  const JsonValue& read = object;
  const auto it = read.FindMember(key_ref(key));
  if (it == read.MemberEnd()) return false;
  object.EraseMember(it);  // keeps member order
  return true;
}

std::string format_time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string format_micro_time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace kube::json
