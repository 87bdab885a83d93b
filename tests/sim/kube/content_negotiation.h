// What a GET/LIST/WATCH response should look like, from the Accept header
// and includeObject: the object itself, a meta.k8s.io/v1 Table (kubectl
// get), or PartialObjectMetadata (metadata-only informers).
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "tests/sim/kube/table_printer.h"

namespace sim::kube {

enum class OutputForm { kObject, kTable, kPartialMetadata };

struct Negotiated {
  OutputForm form = OutputForm::kObject;
  IncludeObject include_object = IncludeObject::kMetadata;  // for tables
};

// `accept`: the Accept header; `include_object`: the includeObject query
// parameter ("", None, Metadata, Object).
Negotiated negotiate(std::string_view accept, std::string_view include_object);

}  // namespace sim::kube
