#include "pkg/aws/providers/imds_provider.h"

#include "pkg/util/strings.h"

namespace aws {

bool imds_disabled(const EnvLookup& env) {
  return util::equals_ignore_case(util::trim(env("AWS_EC2_METADATA_DISABLED").value_or("")),
                                  "true");
}

util::StatusOr<Credentials> ImdsProvider::credentials() {
  if (disabled_) return util::not_found_error("disabled by AWS_EC2_METADATA_DISABLED");
  ASSIGN_OR_RETURN(const std::string role, client_.role_name());
  return client_.role_credentials(role);
}

}  // namespace aws
