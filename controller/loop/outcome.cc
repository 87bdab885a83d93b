#include "controller/loop/outcome.h"

#include "pkg/aws/aws_error.h"
#include "pkg/kube/api_error.h"

namespace controller {

Outcome classify_failure(const util::Status& error) {
  if (kube::is_namespace_terminating(error)) return Blocked{.error = error};
  if (aws::is_throttling_error(error) || kube::is_too_many_requests(error) ||
      util::is_retryable(error) || error.code() == util::StatusCode::kCancelled ||
      // The controller's own credentials were refused: they may be between
      // two refreshes (an expired token, a rotated seed).
      error.code() == util::StatusCode::kUnauthenticated) {
    return Retry{.error = error};
  }
  return Blocked{.error = error, .recheck_after = kBlockedRecheck};
}

std::string_view effect_name(Effect effect) {
  switch (effect) {
    case Effect::kIssued:
      return "issued";
    case Effect::kUnchanged:
      return "unchanged";
    case Effect::kRepaired:
      return "repaired";
    case Effect::kDeleted:
      return "deleted";
    case Effect::kInvalid:
      return "invalid";
    case Effect::kNotPermitted:
      return "not_permitted";
    case Effect::kFailed:
      return "error";
    case Effect::kSkipped:
      return "skipped";
  }
  return "error";
}

bool is_quiet_failure(const util::Status& error) {
  return aws::is_throttling_error(error) || kube::is_too_many_requests(error) ||
         kube::is_conflict(error) || error.code() == util::StatusCode::kCancelled;
}

}  // namespace controller
