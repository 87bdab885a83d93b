// Typed core/v1 Events: the reference to the object an event is about, the
// event as a plain value, and its conversion to and from an Object. The
// recorder (event_recorder.h) and correlator (event_correlator.h) use these.
//
// Plain values and functions; thread-compatible. Timestamps are wall-clock
// values supplied by the caller (the recorder reads its injected Clock).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/kube/object.h"

namespace kube {

// The object an event is about (core/v1 ObjectReference).
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_name;
  std::string uid;
  std::string resource_version;

  // Reference to `object` (all six fields from its type and metadata).
  static ObjectReference of(const Object& object);
  friend bool operator==(const ObjectReference&, const ObjectReference&) = default;
};

enum class EventType { kNormal, kWarning };
std::string_view event_type_name(EventType type);  // "Normal" / "Warning"

struct Event {
  std::string name;            // metadata.name: "<involved name>.<hex>"
  std::string namespace_name;  // the involved object's namespace, or "default"
  ObjectReference involved;
  EventType type = EventType::kNormal;
  std::string reason;
  std::string message;
  int32_t count = 1;
  absl::Time first_timestamp;
  absl::Time last_timestamp;
  std::string component;           // source.component and reportingComponent
  std::string host;                // source.host (optional)
  std::string reporting_instance;  // reportingInstance (optional)
  std::string resource_version;    // of the Event itself, once written

  friend bool operator==(const Event&, const Event&) = default;
};

// The core/v1 Event object for a create.
Object event_to_object(const Event& event);

// Reads an Event object; kInvalidArgument if it is not a core/v1 Event.
util::StatusOr<Event> event_from_object(const Object& object);

}  // namespace kube
