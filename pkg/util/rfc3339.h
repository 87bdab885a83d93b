// RFC 3339 timestamps as Kubernetes and STS write them, always formatted in UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace util {

// Parses "2026-11-23T16:44:56Z", "2026-11-23T16:44:56.800527Z",
// "2026-11-23T18:44:56+02:00" (T/Z case-insensitive). kInvalidArgument otherwise.
util::StatusOr<absl::Time> parse_rfc3339(std::string_view text);

// Whole seconds, UTC: "2026-11-23T16:44:56Z" (Go's time.RFC3339; what the
// Secret's `expire` and the CR status carry).
std::string format_rfc3339(absl::Time t);
// Its inverse: the time `text` says when it is exactly what format_rfc3339
// writes ("YYYY-MM-DDTHH:MM:SSZ", every field in range); nullopt otherwise.
// Read by hand: absl's parser costs microseconds, and callers run it per
// cached object on a relist of thousands.
std::optional<absl::Time> parse_rfc3339_seconds(std::string_view text);

// Always six fractional digits, UTC: "2026-11-23T16:44:56.800527Z",
// "2026-11-23T16:44:56.000000Z" (Kubernetes' MicroTime, which the apiserver
// parses only so; the log's JSON stamp).
std::string format_rfc3339_micro(absl::Time t);

// Fractional seconds with trailing zeros dropped, UTC:
// "2026-11-23T16:44:56.800527Z" (Go's RFC3339Nano / encoding/json; what
// credentials.json's `Expiration` carries).
std::string format_rfc3339_nano(absl::Time t);

// Go's time.Time.String() in UTC: "2026-11-23 16:44:56.800527 +0000 UTC"
// (the original's event messages).
std::string format_go_time(absl::Time t);

}  // namespace util
