#include "tests/sim/aws/http_types.h"

#include "pkg/util/strings.h"

namespace sim::aws {

std::optional<std::string_view> SimRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (util::equals_ignore_case(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string_view> SimRequest::header_values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : headers) {
    if (util::equals_ignore_case(key, name)) out.emplace_back(value);
  }
  return out;
}

}  // namespace sim::aws
