#include "controller/domain/urgency.h"

#include "pkg/util/rfc3339.h"

namespace controller {

bool role_lacks_credentials(const AwsIamRole& role, absl::Time now) {
  if (role.status.observed_generation != role.generation) return true;
  const auto expiration = util::parse_rfc3339(role.status.expiration);
  return !expiration.ok() || now >= *expiration;
}

bool secret_lacks_credentials(const ManagedSecret& secret, absl::Time now) {
  return !secret.data.expire || now >= *secret.data.expire;
}

}  // namespace controller
