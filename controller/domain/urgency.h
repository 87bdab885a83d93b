// Which work goes first: a role without valid credentials now (never issued,
// its spec changed since, expired, its Secret gone) before refreshes that
// still have slack. Pure functions of the one view in hand — a few fields
// read, nothing looked up, nothing planned — cheap enough for the watch
// thread, which only queues keys.
#pragma once

#include "absl/time/time.h"
#include "controller/domain/awsiamrole.h"
#include "controller/domain/views.h"

namespace controller {

// By what the AWSIAMRole's status says of the credentials in its Secret: none
// written (no expiration), written for an older generation of the spec, or
// expired at `now`.
bool role_lacks_credentials(const AwsIamRole& role, absl::Time now);

// The Secret's `expire` key is missing, unreadable or past at `now`.
bool secret_lacks_credentials(const ManagedSecret& secret, absl::Time now);

}  // namespace controller
