#include "controller/domain/urgency.h"

#include <optional>

namespace controller {

bool role_lacks_credentials(const AwsIamRole& role, absl::Time now) {
  if (role.status.observed_generation != role.generation) return true;
  const std::optional<absl::Time> expiration = role.status.expiration.time();
  return !expiration || now >= *expiration;
}

bool secret_lacks_credentials(const ManagedSecret& secret, absl::Time now) {
  return !secret.data.expire || now >= *secret.data.expire;
}

}  // namespace controller
