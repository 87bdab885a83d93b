// JSON plumbing shared by pkg/kube: the rapidjson value type every cached
// object uses, and small helpers to read and write members by std::string_view.
//
// Memory: values use rapidjson's CrtAllocator (malloc per string/array), not
// the default MemoryPoolAllocator, which reserves a 64 KiB chunk per document.
// A cached object therefore costs roughly its JSON size, not 64 KiB.
// CrtAllocator is stateless, so values may be moved between documents freely
// and any `JsonAllocator alloc;` instance serves for rapidjson calls.
//
// Thread-safety: a const JsonValue may be read from any number of threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pkg/util/status.h"
#include "rapidjson/document.h"

namespace kube {

using JsonAllocator = rapidjson::CrtAllocator;
using JsonValue = rapidjson::GenericValue<rapidjson::UTF8<>, JsonAllocator>;
using JsonDocument = rapidjson::GenericDocument<rapidjson::UTF8<>, JsonAllocator, JsonAllocator>;

namespace json {

// Parses text into a document. kInvalidArgument with rapidjson's reason and
// byte offset on malformed input.
util::StatusOr<JsonValue> parse(std::string_view text);

// Parses a Kubernetes list (`{"kind": …, "metadata": {…}, "items": […]}`)
// one item at a time: each element of "items" is handed to `on_item`, with
// the list's members read so far (kind, apiVersion and metadata precede
// "items" in what an apiserver sends), as soon as it is parsed — so a page of
// 500 objects never sits in memory as 500 parsed objects. Returns the list's
// other members. Errors as parse(); the items before the error have been
// handed over. Text that is not an object is returned whole (no items).
using ListItemCallback = std::function<void(JsonValue&& item, const JsonValue& list_so_far)>;
util::StatusOr<JsonValue> parse_list(std::string_view text, const ListItemCallback& on_item);

// Compact serialization.
std::string serialize(const JsonValue& value);

// Member lookup; nullptr when `object` is not an object or has no such member.
const JsonValue* find(const JsonValue& object, std::string_view key);
JsonValue* find(JsonValue& object, std::string_view key);
// Walks nested objects: find_path(obj, {"metadata", "labels"}).
const JsonValue* find_path(const JsonValue& object, std::initializer_list<std::string_view> path);

// The member's string, or "" when absent or not a string.
std::string_view get_string(const JsonValue& object, std::string_view key);
// The member's integer, or nullopt when absent or not an integer.
std::optional<int64_t> get_int(const JsonValue& object, std::string_view key);
// A string view of a string value ("" for anything else).
std::string_view as_string(const JsonValue& value);

// Returns the object member `key`, creating it (or replacing a non-object).
JsonValue& ensure_object(JsonValue& object, std::string_view key);
// Sets (or replaces) a member. `object` must be an object.
void set(JsonValue& object, std::string_view key, JsonValue value);
void set_string(JsonValue& object, std::string_view key, std::string_view value);
void set_int(JsonValue& object, std::string_view key, int64_t value);
// Removes a member if present; returns whether it was.
bool remove(JsonValue& object, std::string_view key);

JsonValue make_string(std::string_view value);

}  // namespace json
}  // namespace kube
