#include "pkg/kube/json.h"

#include <cstdio>

#include "pkg/util/strings.h"
#include "rapidjson/encodedstream.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace kube::json {
namespace {

JsonValue key_ref(std::string_view key) {
  return JsonValue(rapidjson::StringRef(key.data(), key.size()));
}

util::Status syntax_error(size_t offset, rapidjson::ParseErrorCode code) {
  return util::invalid_argument_error(
      util::cat("invalid JSON at byte ", offset, ": ", GetParseError_En(code)));
}

// The text as rapidjson reads it (as Document::Parse(text, length) does);
// Tell() is the offset from the text's start.
using TextStream = rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>;

// One JSON value from the stream's position; leaves the stream just after it.
util::StatusOr<JsonValue> parse_value(TextStream& in) {
  JsonDocument doc;
  doc.ParseStream<rapidjson::kParseStopWhenDoneFlag, rapidjson::UTF8<>>(in);
  if (doc.HasParseError()) return syntax_error(doc.GetErrorOffset(), doc.GetParseError());
  JsonValue out;
  out.Swap(doc);
  return out;
}

// Takes `c` if it comes next, after any whitespace.
bool take(TextStream& in, char c) {
  rapidjson::SkipWhitespace(in);
  if (in.Peek() != c) return false;
  in.Take();
  return true;
}

}  // namespace

util::StatusOr<JsonValue> parse(std::string_view text) {
  JsonDocument doc;
  doc.Parse<rapidjson::kParseDefaultFlags>(text.data(), text.size());
  if (doc.HasParseError()) return syntax_error(doc.GetErrorOffset(), doc.GetParseError());
  JsonValue out;
  out.Swap(doc);
  return out;
}

util::StatusOr<JsonValue> parse_list(std::string_view text, const ListItemCallback& on_item) {
  rapidjson::MemoryStream memory(text.data(), text.size());
  TextStream in(memory);
  auto finished = [&](JsonValue value) -> util::StatusOr<JsonValue> {
    rapidjson::SkipWhitespace(in);
    if (in.Tell() != text.size()) {
      return syntax_error(in.Tell(), rapidjson::kParseErrorDocumentRootNotSingular);
    }
    return value;
  };
  if (!take(in, '{')) {
    ASSIGN_OR_RETURN(JsonValue whole, parse_value(in));
    return finished(std::move(whole));
  }
  JsonValue list(rapidjson::kObjectType);
  JsonAllocator allocator;
  if (take(in, '}')) return finished(std::move(list));
  while (true) {
    rapidjson::SkipWhitespace(in);
    if (in.Peek() != '"') return syntax_error(in.Tell(), rapidjson::kParseErrorObjectMissName);
    ASSIGN_OR_RETURN(JsonValue name, parse_value(in));
    if (!take(in, ':')) return syntax_error(in.Tell(), rapidjson::kParseErrorObjectMissColon);
    if (as_string(name) == "items" && take(in, '[')) {
      if (!take(in, ']')) {
        while (true) {
          ASSIGN_OR_RETURN(JsonValue item, parse_value(in));
          on_item(std::move(item), list);
          if (take(in, ',')) continue;
          if (take(in, ']')) break;
          return syntax_error(in.Tell(), rapidjson::kParseErrorArrayMissCommaOrSquareBracket);
        }
      }
    } else {
      ASSIGN_OR_RETURN(JsonValue value, parse_value(in));
      list.AddMember(std::move(name), std::move(value), allocator);
    }
    if (take(in, ',')) continue;
    if (take(in, '}')) break;
    return syntax_error(in.Tell(), rapidjson::kParseErrorObjectMissCommaOrCurlyBracket);
  }
  return finished(std::move(list));
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

}  // namespace kube::json
