// Who made a request to the STS simulator: an IAM user (long-term key) or an
// assumed-role session (credentials the simulator issued).
//
// Thread-safety: plain value.
#pragma once

#include <string>

namespace sim::aws {

enum class PrincipalKind { kUser, kAssumedRole };

struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  // User ARN, or the session ARN arn:aws:sts::<account>:assumed-role/<role>/<session>.
  std::string arn;
  // GetCallerIdentity's UserId: "AIDA..." for users, "AROA...:<session>" for sessions.
  std::string user_id;
  std::string account;
  // kAssumedRole only: the IAM role ARN with its path (what trust lists name).
  std::string role_arn;
};

}  // namespace sim::aws
