// Go's time.Duration text form, which the original controller's flags use
// (`10s`, `15m`, `1h30m`, `500ms`, `1.5h`). Parse errors read like Go's.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace util {

// Parses a Go duration: an optional sign, then one or more decimal numbers
// (with optional fraction) each followed by a unit: ns, us, µs, ms, s, m, h.
// "0" alone is allowed. Errors are kInvalidArgument, e.g.
//   time: missing unit in duration "10"
util::StatusOr<absl::Duration> parse_go_duration(std::string_view text);

// Formats as Go's Duration.String(): "1h30m0s", "15m0s", "500ms", "0s".
std::string format_go_duration(absl::Duration d);

}  // namespace util
