// Small helpers over rapidjson for the Kubernetes API simulator: parsing with
// readable errors, serialising, member lookup and replacement, deep copies.
//
// Thread-safety: free functions over caller-owned values.
// Errors: parse() returns kInvalidArgument with the offset and reason.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "pkg/util/status.h"
#include "rapidjson/document.h"

namespace sim::kube::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;
using Allocator = Document::AllocatorType;

// Parses UTF-8 JSON text (full double precision).
util::StatusOr<Document> parse(std::string_view text);

// Compact serialisation, as the apiserver writes JSON.
std::string to_string(const Value& value);
// Indented serialisation (for `?pretty=true` and debugging).
std::string to_pretty_string(const Value& value);
// `text` as a JSON string literal, quotes included (for messages that quote a
// field value as the apiserver does: "metadata.name: Invalid value: \"x\"").
std::string quoted(std::string_view text);

// Member of an object, or nullptr (also when `object` is not an object).
const Value* find(const Value& object, std::string_view key);
Value* find(Value& object, std::string_view key);
// Nested lookup: find_path(obj, {"metadata", "name"}).
const Value* find_path(const Value& object, std::initializer_list<std::string_view> path);
Value* find_path(Value& object, std::initializer_list<std::string_view> path);

// The string at `key`, or "" when absent or not a string.
std::string get_string(const Value& object, std::string_view key);
std::string get_string_path(const Value& object, std::initializer_list<std::string_view> path);

Value make_string(std::string_view text, Allocator& alloc);
Value copy(const Value& value, Allocator& alloc);

// Sets object[key] = value, replacing an existing member (keeps its position).
void set(Value& object, std::string_view key, Value&& value, Allocator& alloc);
void set_string(Value& object, std::string_view key, std::string_view text, Allocator& alloc);
// Removes object[key] if present; returns whether it was there.
bool remove(Value& object, std::string_view key);
// object[key], created as an empty object when absent or not an object.
Value& ensure_object(Value& object, std::string_view key, Allocator& alloc);

// The JSON type name as OpenAPI validation reports it: "string", "integer",
// "number", "boolean", "object", "array", "null".
std::string_view type_name(const Value& value);

// Go's fmt %v-like rendering of a scalar for messages: strings quoted.
std::string render_value(const Value& value);

}  // namespace sim::kube::json
