#include "tests/sim/kube/json_patch.h"

#include <charconv>
#include <optional>

#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

util::StatusOr<std::vector<std::string>> parse_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') {
    return util::invalid_argument_error(util::cat("invalid JSON pointer: ", pointer));
  }
  for (std::string_view raw : util::split(pointer.substr(1), '/')) {
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::optional<size_t> parse_index(std::string_view token) {
  size_t value = 0;
  if (token.empty() || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  return value;
}

// The container holding the last token, or nullptr.
json::Value* parent_of(json::Value& root, const std::vector<std::string>& tokens) {
  json::Value* current = &root;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (current->IsObject()) {
      current = json::find(*current, tokens[i]);
    } else if (current->IsArray()) {
      auto idx = parse_index(tokens[i]);
      current = idx && *idx < current->Size() ? &(*current)[static_cast<rapidjson::SizeType>(*idx)]
                                              : nullptr;
    } else {
      current = nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  return current;
}

json::Value* resolve(json::Value& root, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return &root;
  json::Value* parent = parent_of(root, tokens);
  if (parent == nullptr) return nullptr;
  if (parent->IsObject()) return json::find(*parent, tokens.back());
  if (parent->IsArray()) {
    auto idx = parse_index(tokens.back());
    return idx && *idx < parent->Size() ? &(*parent)[static_cast<rapidjson::SizeType>(*idx)]
                                        : nullptr;
  }
  return nullptr;
}

util::Status missing(std::string_view op, std::string_view path) {
  return util::invalid_argument_error(util::cat(
      op, " operation does not apply: doc is missing path: \"", path, "\": missing value"));
}

util::Status add(json::Value& root, const std::vector<std::string>& tokens, std::string_view path,
                 json::Value value, json::Allocator& alloc) {
  if (tokens.empty()) {
    root = std::move(value);
    return util::ok_status();
  }
  json::Value* parent = parent_of(root, tokens);
  if (parent == nullptr) return missing("add", path);
  if (parent->IsObject()) {
    json::set(*parent, tokens.back(), std::move(value), alloc);
    return util::ok_status();
  }
  if (parent->IsArray()) {
    size_t index = parent->Size();
    if (tokens.back() != "-") {
      auto idx = parse_index(tokens.back());
      if (!idx || *idx > parent->Size()) {
        return util::invalid_argument_error(
            util::cat("add operation does not apply: index out of bounds: ", path));
      }
      index = *idx;
    }
    parent->PushBack(json::Value(), alloc);
    for (size_t i = parent->Size() - 1; i > index; --i) {
      (*parent)[static_cast<rapidjson::SizeType>(i)] =
          (*parent)[static_cast<rapidjson::SizeType>(i - 1)];
    }
    (*parent)[static_cast<rapidjson::SizeType>(index)] = std::move(value);
    return util::ok_status();
  }
  return missing("add", path);
}

util::StatusOr<json::Value> take(json::Value& root, const std::vector<std::string>& tokens,
                                 std::string_view op, std::string_view path,
                                 json::Allocator& alloc) {
  if (tokens.empty())
    return util::invalid_argument_error(util::cat(op, ": cannot remove the root"));
  json::Value* parent = parent_of(root, tokens);
  if (parent == nullptr) return missing(op, path);
  if (parent->IsObject()) {
    json::Value* v = json::find(*parent, tokens.back());
    if (v == nullptr) return missing(op, path);
    json::Value out(*v, alloc);
    json::remove(*parent, tokens.back());
    return out;
  }
  if (parent->IsArray()) {
    auto idx = parse_index(tokens.back());
    if (!idx || *idx >= parent->Size()) return missing(op, path);
    json::Value out((*parent)[static_cast<rapidjson::SizeType>(*idx)], alloc);
    parent->Erase(parent->Begin() + *idx);
    return out;
  }
  return missing(op, path);
}

}  // namespace

void apply_merge_patch(json::Value& target, const json::Value& patch, json::Allocator& alloc) {
  if (!patch.IsObject()) {
    target.CopyFrom(patch, alloc);
    return;
  }
  if (!target.IsObject()) target.SetObject();
  for (auto it = patch.MemberBegin(); it != patch.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsNull()) {
      json::remove(target, key);
      continue;
    }
    json::Value* existing = json::find(target, key);
    if (existing != nullptr && it->value.IsObject()) {
      apply_merge_patch(*existing, it->value, alloc);
    } else if (existing != nullptr) {
      existing->CopyFrom(it->value, alloc);
    } else {
      json::Value fresh(rapidjson::kObjectType);
      if (it->value.IsObject()) {
        apply_merge_patch(fresh, it->value, alloc);
      } else {
        fresh.CopyFrom(it->value, alloc);
      }
      json::set(target, key, std::move(fresh), alloc);
    }
  }
}

util::Status apply_json_patch(json::Value& target, const json::Value& operations,
                              json::Allocator& alloc) {
  if (!operations.IsArray()) {
    return util::invalid_argument_error(
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }
  for (const json::Value& op_value : operations.GetArray()) {
    std::string op = json::get_string(op_value, "op");
    std::string path = json::get_string(op_value, "path");
    ASSIGN_OR_RETURN(std::vector<std::string> tokens, parse_pointer(path));
    const json::Value* value = json::find(op_value, "value");
    if (op == "add" || op == "replace" || op == "test") {
      if (value == nullptr) {
        return util::invalid_argument_error(util::cat(op, " operation has no value"));
      }
    }
    if (op == "add") {
      RETURN_IF_ERROR(add(target, tokens, path, json::Value(*value, alloc), alloc));
    } else if (op == "remove") {
      ASSIGN_OR_RETURN(json::Value ignored, take(target, tokens, "remove", path, alloc));
      (void)ignored;
    } else if (op == "replace") {
      json::Value* existing = resolve(target, tokens);
      if (existing == nullptr) return missing("replace", path);
      existing->CopyFrom(*value, alloc);
    } else if (op == "test") {
      json::Value* existing = resolve(target, tokens);
      if (existing == nullptr || !(*existing == *value)) {
        return util::invalid_argument_error(
            util::cat("testing value ", path, " failed: test failed"));
      }
    } else if (op == "move" || op == "copy") {
      std::string from = json::get_string(op_value, "from");
      ASSIGN_OR_RETURN(std::vector<std::string> from_tokens, parse_pointer(from));
      json::Value moved;
      if (op == "move") {
        ASSIGN_OR_RETURN(moved, take(target, from_tokens, "move", from, alloc));
      } else {
        json::Value* source = resolve(target, from_tokens);
        if (source == nullptr) return missing("copy", from);
        moved.CopyFrom(*source, alloc);
      }
      RETURN_IF_ERROR(add(target, tokens, path, std::move(moved), alloc));
    } else {
      return util::invalid_argument_error(util::cat("Unexpected kind: ", op));
    }
  }
  return util::ok_status();
}

}  // namespace sim::kube
