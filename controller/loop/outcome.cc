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

bool is_quiet_failure(const util::Status& error) {
  return aws::is_throttling_error(error) || kube::is_too_many_requests(error) ||
         kube::is_conflict(error) || error.code() == util::StatusCode::kCancelled;
}

}  // namespace controller
