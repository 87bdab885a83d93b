// The JSONPath subset CRD additionalPrinterColumns use, as kubectl's
// k8s.io/client-go/util/jsonpath evaluates it: `.a.b`, `['a.b']`, `[0]`,
// `[*]`, `[?(@.type=="Ready")]` (==, !=), optionally wrapped in `{...}`.
//
// Thread-safety: immutable after parse().
// Errors: parse() returns kInvalidArgument for unsupported syntax.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkg/util/status.h"
#include "tests/sim/kube/json.h"

namespace sim::kube {

class JsonPath {
 public:
  static util::StatusOr<JsonPath> parse(std::string_view expression);

  // Every value the path selects, in document order.
  std::vector<const json::Value*> evaluate(const json::Value& root) const;

 private:
  struct Step {
    enum class Kind { kField, kIndex, kWildcard, kFilter } kind = Kind::kField;
    std::string field;  // kField; for kFilter the field path after @ (dotted)
    long index = 0;     // kIndex (negative counts from the end)
    bool filter_equals = true;
    std::string filter_literal;  // JSON text of the right-hand side
  };
  std::vector<Step> steps_;
};

// Text of a printer-column value the way the apiserver prints a "string"
// column: strings raw, numbers and booleans as JSON, objects/arrays as JSON.
std::string column_text(const json::Value& value);

}  // namespace sim::kube
