// Conversion between the two views of one Event store: core/v1 Event (the
// stored form) and events.k8s.io/v1 Event (regarding <-> involvedObject,
// note <-> message, reportingController <-> reportingComponent,
// deprecatedSource/FirstTimestamp/LastTimestamp/Count <-> source/
// firstTimestamp/lastTimestamp/count), as the apiserver's conversion does.
//
// Thread-safety: pure functions over caller-owned values.
#pragma once

#include "tests/sim/kube/json.h"

namespace sim::kube {

void core_event_to_events_v1(json::Value& event, json::Allocator& alloc);
void events_v1_to_core_event(json::Value& event, json::Allocator& alloc);

}  // namespace sim::kube
