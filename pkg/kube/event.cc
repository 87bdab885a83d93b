#include "pkg/kube/event.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace kube {
namespace {

absl::Time read_time(const JsonValue& object, std::string_view key) {
  auto t = util::parse_rfc3339(json::get_string(object, key));
  return t.ok() ? *t : absl::UnixEpoch();
}

}  // namespace

ObjectReference ObjectReference::of(const Object& object) {
  return {std::string(object.api_version()), std::string(object.kind()),
          std::string(object.name()),        std::string(object.namespace_name()),
          std::string(object.uid()),         std::string(object.resource_version())};
}

std::string_view event_type_name(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

Object event_to_object(const Event& event) {
  Object object;
  object.set_api_version("v1");
  object.set_kind("Event");
  object.set_name(event.name);
  object.set_namespace(event.namespace_name);
  if (!event.resource_version.empty()) object.set_resource_version(event.resource_version);
  JsonValue& root = object.mutable_json();
  JsonValue& involved = json::ensure_object(root, "involvedObject");
  const ObjectReference& ref = event.involved;
  if (!ref.api_version.empty()) json::set_string(involved, "apiVersion", ref.api_version);
  if (!ref.kind.empty()) json::set_string(involved, "kind", ref.kind);
  if (!ref.name.empty()) json::set_string(involved, "name", ref.name);
  if (!ref.namespace_name.empty()) json::set_string(involved, "namespace", ref.namespace_name);
  if (!ref.uid.empty()) json::set_string(involved, "uid", ref.uid);
  if (!ref.resource_version.empty()) {
    json::set_string(involved, "resourceVersion", ref.resource_version);
  }
  json::set_string(root, "reason", event.reason);
  json::set_string(root, "message", event.message);
  JsonValue& source = json::ensure_object(root, "source");
  json::set_string(source, "component", event.component);
  if (!event.host.empty()) json::set_string(source, "host", event.host);
  json::set_string(root, "firstTimestamp", util::format_rfc3339(event.first_timestamp));
  json::set_string(root, "lastTimestamp", util::format_rfc3339(event.last_timestamp));
  json::set_int(root, "count", event.count);
  json::set_string(root, "type", event_type_name(event.type));
  json::set(root, "eventTime", JsonValue());  // null, as the core/v1 API writes it
  json::set_string(root, "reportingComponent", event.component);
  json::set_string(root, "reportingInstance", event.reporting_instance);
  return object;
}

util::StatusOr<Event> event_from_object(const Object& object) {
  if (object.kind() != "Event" || object.api_version() != "v1") {
    return util::invalid_argument_error(
        util::cat("not a core/v1 Event: ", object.api_version(), " ", object.kind()));
  }
  const JsonValue& root = object.json();
  Event event;
  event.name = object.name();
  event.namespace_name = object.namespace_name();
  event.resource_version = object.resource_version();
  if (const JsonValue* inv = json::find(root, "involvedObject")) {
    event.involved = {std::string(json::get_string(*inv, "apiVersion")),
                      std::string(json::get_string(*inv, "kind")),
                      std::string(json::get_string(*inv, "name")),
                      std::string(json::get_string(*inv, "namespace")),
                      std::string(json::get_string(*inv, "uid")),
                      std::string(json::get_string(*inv, "resourceVersion"))};
  }
  event.type =
      json::get_string(root, "type") == "Warning" ? EventType::kWarning : EventType::kNormal;
  event.reason = json::get_string(root, "reason");
  event.message = json::get_string(root, "message");
  event.count = static_cast<int32_t>(json::get_int(root, "count").value_or(1));
  event.first_timestamp = read_time(root, "firstTimestamp");
  event.last_timestamp = read_time(root, "lastTimestamp");
  if (const JsonValue* source = json::find(root, "source")) {
    event.component = json::get_string(*source, "component");
    event.host = json::get_string(*source, "host");
  }
  if (event.component.empty()) event.component = json::get_string(root, "reportingComponent");
  event.reporting_instance = json::get_string(root, "reportingInstance");
  return event;
}

}  // namespace kube
