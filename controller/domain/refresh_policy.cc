#include "controller/domain/refresh_policy.h"

#include <algorithm>

#include "pkg/util/go_duration.h"
#include "pkg/util/strings.h"

namespace controller {

absl::Duration RefreshPolicy::lead_time(absl::Duration session) const {
  const absl::Duration wanted = std::max(refresh_limit, min_validity + propagation);
  return std::min(wanted, session / 2);
}

absl::Duration RefreshPolicy::worst_case_validity(absl::Duration session) const {
  return std::max(absl::ZeroDuration(), lead_time(session) - propagation);
}

std::optional<std::string> RefreshPolicy::short_session_note(absl::Duration session) const {
  const absl::Duration worst = worst_case_validity(session);
  if (worst >= min_validity) return std::nullopt;
  return util::cat("session duration ", util::format_go_duration(session),
                   " is too short to guarantee ", util::format_go_duration(min_validity),
                   " of validity: credentials are refreshed at half-life and pods may read "
                   "credentials with about ",
                   util::format_go_duration(absl::Trunc(worst, absl::Seconds(1))),
                   " left (SDKs then re-read them often)");
}

}  // namespace controller
