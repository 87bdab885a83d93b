// Issuing a session of a role: the assumed-role principal STS reports
// (arn:aws:sts::<acct>:assumed-role/<name>/<session>, "AROA...:<session>") and
// fresh credentials in the CredentialStore, with the simulator-only
// issued_duration_cap applied. Shared by STS, IMDS and the container endpoint.
//
// Thread-safety: thread-safe (collaborators are).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "pkg/util/status.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/iam_model.h"

namespace sim::aws {

// The principal of session `session_name` of role `role_arn`; kInvalidArgument
// when `role_arn` is not a role ARN.
util::StatusOr<Principal> role_session_principal(std::string_view role_arn,
                                                 std::string_view session_name);

// Issues credentials for that principal, living min(duration, the model's
// issued_duration_cap). Does not check trust: callers decide who may.
util::StatusOr<IssuedSession> issue_role_session(
    const IamModel& model, CredentialStore& store, std::string_view role_arn,
    std::string_view session_name, absl::Duration duration,
    std::vector<std::pair<std::string, std::string>> tags = {});

}  // namespace sim::aws
