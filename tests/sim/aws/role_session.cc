#include "tests/sim/aws/role_session.h"

#include <algorithm>

#include "pkg/util/strings.h"
#include "tests/sim/aws/iam_names.h"

namespace sim::aws {

util::StatusOr<Principal> role_session_principal(std::string_view role_arn,
                                                 std::string_view session_name) {
  const std::optional<RoleArnParts> parts = parse_role_arn(role_arn);
  if (!parts) return util::invalid_argument_error(util::cat("not a role ARN: ", role_arn));
  Principal p;
  p.kind = PrincipalKind::kAssumedRole;
  p.arn = assumed_role_arn(*parts, session_name);
  p.user_id = util::cat(unique_id_for("AROA", role_arn), ":", session_name);
  p.account = parts->account;
  p.role_arn = std::string(role_arn);
  return p;
}

util::StatusOr<IssuedSession> issue_role_session(
    const IamModel& model, CredentialStore& store, std::string_view role_arn,
    std::string_view session_name, absl::Duration duration,
    std::vector<std::pair<std::string, std::string>> tags) {
  ASSIGN_OR_RETURN(Principal principal, role_session_principal(role_arn, session_name));
  absl::Duration lifetime = duration;
  if (const std::optional<absl::Duration> cap = model.issued_duration_cap()) {
    lifetime = std::min(lifetime, *cap);
  }
  return store.issue(std::move(principal), lifetime, std::move(tags));
}

}  // namespace sim::aws
