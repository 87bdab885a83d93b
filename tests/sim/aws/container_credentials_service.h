// The container credentials endpoint simulator (ECS task roles and EKS Pod
// Identity, what SDKs reach through AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN): GET <configured path> with
// "Authorization: <token>" answers JSON {AccessKeyId, SecretAccessKey, Token,
// AccountId, Expiration, RoleArn} for the configured role, credentials the STS
// simulator accepts. 401 without an Authorization header, 403 with a wrong
// one (when a token is configured), 404 for other paths or no configuration,
// 405 for other methods, 503 while the "unavailable" fault is on.
//
// Thread-safety: thread-safe.
// Time: wall time from the injected clock.
#pragma once

#include <optional>
#include <stop_token>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/fault_injector.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/iam_model.h"

namespace sim::aws {

class ContainerCredentialsService {
 public:
  ContainerCredentialsService(const IamModel& model, CredentialStore& store, CallLog& calls,
                              FaultInjector& faults, util::Clock& clock)
      : model_(model), store_(store), calls_(calls), faults_(faults), clock_(clock) {}

  SimResponse handle(const SimRequest& request, std::stop_token stop = {});

 private:
  SimResponse answer(const SimRequest& request, CallRecord& record);
  // The role's current credentials, reissued when a quarter of their life is left.
  std::optional<IssuedSession> credentials(const ContainerCredentialsConfig& config);

  const IamModel& model_;
  CredentialStore& store_;
  CallLog& calls_;
  FaultInjector& faults_;
  util::Clock& clock_;
  util::Mutex mu_;
  std::optional<IssuedSession> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::aws
