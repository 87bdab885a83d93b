// What a reconcile says about the key's future — one sum type, so the worker
// maps each case to exactly one queue operation (controller-runtime's
// reconcile contract, without its (Result, error) pair that can contradict
// itself) — and the one place that classifies a failure into it.
//
//   Done{at}    success: forget the key's backoff; look again at `at` (the
//               credentials' refresh time) or only when something changes.
//   Retry{e}    a failure that heals by itself (throttling, 5xx, timeouts,
//               connection errors, conflicts): retry with per-key backoff
//               (1 s doubling to 5 min).
//   Blocked{e}  a failure that retrying soon cannot fix: the spec is
//               unusable (wait for it to change), AWS refuses (AccessDenied,
//               ValidationError: recheck every kBlockedRecheck, so a fixed
//               trust policy is noticed), a Secret that is not ours, or the
//               namespace is being deleted (wait for the deletion).
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace controller {

// How often a role that AWS refuses is tried again.
inline constexpr absl::Duration kBlockedRecheck = absl::Minutes(5);

struct Done {
  std::optional<absl::Time> look_again_at;  // wall clock
};
struct Retry {
  util::Status error;
};
struct Blocked {
  util::Status error;
  std::optional<absl::Duration> recheck_after;  // none: wait for a change
};
using Outcome = std::variant<Done, Retry, Blocked>;

// What one reconcile did (the `result` label of
// kube_aws_iam_controller_reconciles_total).
enum class Effect {
  kIssued,        // new credentials written
  kUnchanged,     // nothing to write (maybe a status fix)
  kRepaired,      // the Secret's labels or ownerReference rewritten
  kDeleted,       // a Secret whose AWSIAMRole is gone deleted
  kInvalid,       // the spec is unusable
  kNotPermitted,  // the namespace may not use the role
  kFailed,        // an STS call or a write failed
  kSkipped,       // the namespace is being deleted
};
std::string_view effect_name(Effect effect);

// One reconcile's result, the one vocabulary from the reconciler to the
// queue and the metrics: what it did, and what the key needs next.
struct ReconcileResult {
  Effect effect = Effect::kUnchanged;
  Outcome next;
};

// Retry or Blocked for a failed STS call or Kubernetes write.
Outcome classify_failure(const util::Status& error);

// Failures the user hears nothing about: they heal by themselves within
// seconds and show in metrics (throttling, optimistic-concurrency conflicts,
// shutdown).
bool is_quiet_failure(const util::Status& error);

}  // namespace controller
