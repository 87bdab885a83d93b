#include "pkg/kube/secret.h"

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"

namespace kube {

std::string_view SecretView::type() const {
  return json::get_string(object_.json(), "type");
}

std::vector<std::string> SecretView::data_keys() const {
  std::vector<std::string> out;
  const JsonValue* data = json::find(object_.json(), "data");
  if (data == nullptr || !data->IsObject()) return out;
  for (const auto& member : data->GetObject())
    out.emplace_back(json::as_string(member.name));
  return out;
}

bool SecretView::has_data(std::string_view key) const {
  const JsonValue* data = json::find(object_.json(), "data");
  return data != nullptr && json::find(*data, key) != nullptr;
}

util::StatusOr<util::SecretString> SecretView::data(std::string_view key) const {
  const JsonValue* data = json::find(object_.json(), "data");
  const JsonValue* value = data == nullptr ? nullptr : json::find(*data, key);
  if (value == nullptr || !value->IsString()) {
    return util::not_found_error(
        util::cat("secret ", object_.key(), " has no data key \"", key, "\""));
  }
  auto decoded = util::base64_decode(json::as_string(*value));
  if (!decoded.ok()) {
    return util::data_loss_error(
        util::cat("secret ", object_.key(), " data key \"", key, "\" is not valid base64"));
  }
  return util::SecretString(std::move(decoded).value());
}

SecretBuilder::SecretBuilder(std::string_view ns, std::string_view name) {
  object_.set_api_version("v1");
  object_.set_kind("Secret");
  object_.set_name(name);
  object_.set_namespace(ns);
  json::set_string(object_.mutable_json(), "type", "Opaque");
}

SecretBuilder::SecretBuilder(Object base) : object_(std::move(base)) {
  if (object_.api_version().empty()) object_.set_api_version("v1");
  if (object_.kind().empty()) object_.set_kind("Secret");
}

SecretBuilder& SecretBuilder::type(std::string_view type) {
  json::set_string(object_.mutable_json(), "type", type);
  return *this;
}

SecretBuilder& SecretBuilder::label(std::string_view key, std::string_view value) {
  object_.set_label(key, value);
  return *this;
}

SecretBuilder& SecretBuilder::labels(const StringMap& labels) {
  object_.set_labels(labels);
  return *this;
}

SecretBuilder& SecretBuilder::owner_references(const std::vector<OwnerReference>& refs) {
  object_.set_owner_references(refs);
  return *this;
}

SecretBuilder& SecretBuilder::data(std::string_view key, const util::SecretString& value) {
  JsonValue& data = json::ensure_object(object_.mutable_json(), "data");
  // Held as a SecretString so the temporary encoding is zeroed when freed.
  const util::SecretString encoded(util::base64_encode(value.reveal()));
  json::set_string(data, key, encoded.reveal());
  return *this;
}

SecretBuilder& SecretBuilder::remove_data(std::string_view key) {
  if (JsonValue* data = json::find(object_.mutable_json(), "data")) json::remove(*data, key);
  return *this;
}

SecretBuilder& SecretBuilder::clear_data() {
  json::set(object_.mutable_json(), "data", JsonValue(rapidjson::kObjectType));
  return *this;
}

}  // namespace kube
