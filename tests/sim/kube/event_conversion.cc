#include "tests/sim/kube/event_conversion.h"

#include <array>
#include <utility>

namespace sim::kube {
namespace {

// {core field, events.k8s.io/v1 field}
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kRenames = {{
    {"involvedObject", "regarding"},
    {"message", "note"},
    {"reportingComponent", "reportingController"},
    {"source", "deprecatedSource"},
    {"firstTimestamp", "deprecatedFirstTimestamp"},
    {"lastTimestamp", "deprecatedLastTimestamp"},
    {"count", "deprecatedCount"},
}};

void rename(json::Value& obj, std::string_view from, std::string_view to, json::Allocator& alloc) {
  json::Value* v = json::find(obj, from);
  if (v == nullptr) return;
  json::Value moved(std::move(*v));
  json::remove(obj, from);
  json::set(obj, to, std::move(moved), alloc);
}

}  // namespace

void core_event_to_events_v1(json::Value& event, json::Allocator& alloc) {
  if (!event.IsObject()) return;
  json::set_string(event, "apiVersion", "events.k8s.io/v1", alloc);
  json::set_string(event, "kind", "Event", alloc);
  for (const auto& [core, v1] : kRenames)
    rename(event, core, v1, alloc);
}

void events_v1_to_core_event(json::Value& event, json::Allocator& alloc) {
  if (!event.IsObject()) return;
  json::set_string(event, "apiVersion", "v1", alloc);
  json::set_string(event, "kind", "Event", alloc);
  for (const auto& [core, v1] : kRenames)
    rename(event, v1, core, alloc);
}

}  // namespace sim::kube
