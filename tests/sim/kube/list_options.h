// The labelSelector / fieldSelector of a list or watch request, checked
// against the field labels each resource supports (metadata.name,
// metadata.namespace; Secrets: type; Events: involvedObject.*, reason,
// reportingComponent, source, type; Namespaces: status.phase) and
// evaluated against stored records.
//
// Thread-safety: immutable after parse.
#pragma once

#include <optional>

#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/api_request.h"
#include "tests/sim/kube/object_record.h"
#include "tests/sim/kube/selector.h"

namespace sim::kube {

class ListOptions {
 public:
  // 400 BadRequest for a malformed selector or an unsupported field label.
  static std::optional<ApiError> parse(const ApiRequest& request, ListOptions& out);

  bool empty() const { return labels_.empty() && fields_.empty(); }
  bool matches(const ObjectRecord& record) const {
    return labels_.matches(record.labels) && fields_.matches(record.fields);
  }

 private:
  LabelSelector labels_;
  FieldSelector fields_;
};

}  // namespace sim::kube
