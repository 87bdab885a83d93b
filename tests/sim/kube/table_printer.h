// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io). Columns and cells
// follow the apiserver's printers: a CRD's additionalPrinterColumns (or Age
// when it declares none), Secret Name/Type/Data/Age, Event Last Seen/Type/
// Reason/Object/Message, ...; rows carry PartialObjectMetadata by default.
// See tests/data/k8s-wire-samples/table-*.json.
//
// Thread-safety: const methods; safe to share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/resource_type.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

enum class IncludeObject { kNone, kMetadata, kObject };

struct TableOptions {
  IncludeObject include_object = IncludeObject::kMetadata;
  bool no_headers = false;
  std::string resource_version;
  std::string continue_token;
  std::optional<int64_t> remaining_item_count;
};

class TablePrinter {
 public:
  explicit TablePrinter(const SchemaLibrary& library) : library_(library) {}

  // `objects` are in the requested version (core/v1 Events for both event APIs
  // are printed from their core form).
  std::string print(const ResourceType& type, const std::vector<const json::Value*>& objects,
                    absl::Time now, const TableOptions& options) const;

  std::vector<PrinterColumn> columns(const ResourceType& type) const;

 private:
  std::string describe(std::string_view definition, std::string_view property) const;

  const SchemaLibrary& library_;
};

// k8s.io/apimachinery/pkg/util/duration.HumanDuration: "3m6s", "5h", "2d3h".
std::string human_duration(absl::Duration d);

}  // namespace sim::kube
