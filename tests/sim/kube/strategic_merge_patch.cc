#include "tests/sim/kube/strategic_merge_patch.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

class Patcher {
 public:
  Patcher(const SchemaLibrary& lib, json::Allocator& alloc) : lib_(lib), alloc_(alloc) {}

  // `schema` may be null (unknown: lists replace, maps merge).
  util::Status merge_map(json::Value& target, const json::Value& patch, const json::Value* schema) {
    const json::Value* s = schema != nullptr ? &lib_.resolve(*schema) : nullptr;
    if (json::get_string(patch, "$patch") == "replace") {
      target.SetObject();
      for (auto it = patch.MemberBegin(); it != patch.MemberEnd(); ++it) {
        if (std::string_view(it->name.GetString()) == "$patch") continue;
        json::set(target, it->name.GetString(), json::Value(it->value, alloc_), alloc_);
      }
      return util::ok_status();
    }
    if (!target.IsObject()) target.SetObject();
    if (const json::Value* retain = json::find(patch, "$retainKeys"); retain != nullptr) {
      if (!retain->IsArray()) return util::invalid_argument_error("$retainKeys must be a list");
      for (rapidjson::SizeType i = target.MemberCount(); i-- > 0;) {
        std::string_view key((target.MemberBegin() + i)->name.GetString());
        bool keep = std::any_of(retain->Begin(), retain->End(), [&](const json::Value& k) {
          return k.IsString() && key == k.GetString();
        });
        if (!keep) target.EraseMember(target.MemberBegin() + i);
      }
    }
    for (auto it = patch.MemberBegin(); it != patch.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (starts_with(key, kDeleteFromPrimitiveList)) {
        std::string_view field = key.substr(kDeleteFromPrimitiveList.size());
        json::Value* list = json::find(target, field);
        if (list == nullptr || !list->IsArray() || !it->value.IsArray()) continue;
        for (rapidjson::SizeType i = list->Size(); i-- > 0;) {
          const json::Value& v = (*list)[i];
          if (std::any_of(it->value.Begin(), it->value.End(),
                          [&](const json::Value& d) { return d == v; })) {
            list->Erase(list->Begin() + i);
          }
        }
      }
    }
    for (auto it = patch.MemberBegin(); it != patch.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (key == "$patch" || key == "$retainKeys" || starts_with(key, kDeleteFromPrimitiveList) ||
          starts_with(key, kSetElementOrder)) {
        continue;
      }
      const json::Value* prop = property(s, key);
      if (it->value.IsNull()) {
        json::remove(target, key);
        continue;
      }
      json::Value* existing = json::find(target, key);
      if (it->value.IsObject()) {
        if (json::get_string(it->value, "$patch") == "delete") {
          json::remove(target, key);
          continue;
        }
        if (existing == nullptr || !existing->IsObject()) {
          json::set(target, key, json::Value(rapidjson::kObjectType), alloc_);
          existing = json::find(target, key);
        }
        RETURN_IF_ERROR(merge_map(*existing, it->value, prop));
        continue;
      }
      if (it->value.IsArray()) {
        if (existing == nullptr || !existing->IsArray()) {
          json::set(target, key, json::Value(rapidjson::kArrayType), alloc_);
          existing = json::find(target, key);
          if (!is_merge_list(prop)) {
            existing->CopyFrom(it->value, alloc_);
            strip_directives(*existing);
            continue;
          }
        }
        RETURN_IF_ERROR(merge_list(*existing, it->value, prop));
        continue;
      }
      json::set(target, key, json::Value(it->value, alloc_), alloc_);
    }
    for (auto it = patch.MemberBegin(); it != patch.MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      if (!starts_with(key, kSetElementOrder) || !it->value.IsArray()) continue;
      std::string_view field = key.substr(kSetElementOrder.size());
      json::Value* list = json::find(target, field);
      if (list != nullptr && list->IsArray()) {
        reorder(*list, it->value, merge_key(property(s, field)));
      }
    }
    return util::ok_status();
  }

 private:
  const json::Value* property(const json::Value* schema, std::string_view key) const {
    if (schema == nullptr) return nullptr;
    if (const json::Value* props = json::find(*schema, "properties")) {
      if (const json::Value* p = json::find(*props, key)) return p;
      return nullptr;
    }
    if (const json::Value* add = json::find(*schema, "additionalProperties");
        add && add->IsObject()) {
      return add;
    }
    return nullptr;
  }

  static bool is_merge_list(const json::Value* prop) {
    if (prop == nullptr) return false;
    std::string strategy = json::get_string(*prop, "x-kubernetes-patch-strategy");
    return strategy.find("merge") != std::string::npos;
  }

  static std::string merge_key(const json::Value* prop) {
    return prop == nullptr ? std::string()
                           : json::get_string(*prop, "x-kubernetes-patch-merge-key");
  }

  void strip_directives(json::Value& list) {
    for (rapidjson::SizeType i = list.Size(); i-- > 0;) {
      if (list[i].IsObject()) {
        std::string directive = json::get_string(list[i], "$patch");
        if (directive == "delete" || directive == "replace") {
          list.Erase(list.Begin() + i);
        } else {
          json::remove(list[i], "$patch");
        }
      }
    }
  }

  util::Status merge_list(json::Value& target, const json::Value& patch, const json::Value* prop) {
    if (!is_merge_list(prop)) {
      target.CopyFrom(patch, alloc_);
      strip_directives(target);
      return util::ok_status();
    }
    // A {"$patch": "replace"} element replaces the whole list with the others.
    for (const json::Value& item : patch.GetArray()) {
      if (item.IsObject() && json::get_string(item, "$patch") == "replace") {
        target.CopyFrom(patch, alloc_);
        strip_directives(target);
        return util::ok_status();
      }
    }
    std::string key = merge_key(prop);
    const json::Value* items = json::find(*prop, "items");
    for (const json::Value& item : patch.GetArray()) {
      if (!item.IsObject() || key.empty()) {  // primitive set merge
        bool present = std::any_of(target.Begin(), target.End(),
                                   [&](const json::Value& t) { return t == item; });
        if (!present) target.PushBack(json::Value(item, alloc_), alloc_);
        continue;
      }
      const json::Value* id = json::find(item, key);
      rapidjson::SizeType found = target.Size();
      for (rapidjson::SizeType i = 0; i < target.Size(); ++i) {
        const json::Value* tid = json::find(target[i], key);
        if (id != nullptr && tid != nullptr && *id == *tid) {
          found = i;
          break;
        }
      }
      if (json::get_string(item, "$patch") == "delete") {
        if (found < target.Size()) target.Erase(target.Begin() + found);
        continue;
      }
      if (found < target.Size()) {
        RETURN_IF_ERROR(merge_map(target[found], item, items));
      } else {
        json::Value fresh(rapidjson::kObjectType);
        RETURN_IF_ERROR(merge_map(fresh, item, items));
        target.PushBack(fresh, alloc_);
      }
    }
    return util::ok_status();
  }

  void reorder(json::Value& list, const json::Value& order, const std::string& key) {
    json::Value sorted(rapidjson::kArrayType);
    std::vector<bool> used(list.Size(), false);
    for (const json::Value& want : order.GetArray()) {
      for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
        if (used[i]) continue;
        bool same = key.empty() ? list[i] == want
                                : (json::find(list[i], key) != nullptr &&
                                   json::find(want, key) != nullptr &&
                                   *json::find(list[i], key) == *json::find(want, key));
        if (same) {
          used[i] = true;
          sorted.PushBack(json::Value(list[i], alloc_), alloc_);
          break;
        }
      }
    }
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      if (!used[i]) sorted.PushBack(json::Value(list[i], alloc_), alloc_);
    }
    list = std::move(sorted);
  }

  const SchemaLibrary& lib_;
  json::Allocator& alloc_;
};

}  // namespace

util::Status apply_strategic_merge_patch(const SchemaLibrary& library,
                                         std::string_view definition_name, json::Value& target,
                                         const json::Value& patch, json::Allocator& alloc) {
  if (!patch.IsObject()) {
    return util::invalid_argument_error("strategic merge patch must be a JSON object");
  }
  const json::Value* schema = library.definition(definition_name);
  return Patcher(library, alloc).merge_map(target, patch, schema);
}

}  // namespace sim::kube
