#include "tests/sim/kube/query_params.h"

#include <limits>

#include "pkg/util/strings.h"

namespace sim::kube {

bool query_bool(std::string_view value) {
  return value != "0" && util::to_lower(value) != "false";
}

util::StatusOr<int64_t> query_int(std::string_view value) {
  const auto error = [value](std::string_view why) {
    return util::invalid_argument_error(
        util::cat("strconv.ParseInt: parsing \"", value, "\": ", why));
  };
  std::string_view digits = value;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
  if (digits.empty()) return error("invalid syntax");
  // Accumulate as a negative number: its range includes INT64_MIN.
  int64_t out = 0;
  bool overflow = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return error("invalid syntax");
    const int digit = c - '0';
    if (out < (std::numeric_limits<int64_t>::min() + digit) / 10) overflow = true;
    if (!overflow) out = out * 10 - digit;
  }
  if (overflow || (!negative && out == std::numeric_limits<int64_t>::min())) {
    return error("value out of range");
  }
  return negative ? out : -out;
}

}  // namespace sim::kube
