// The EC2 instance metadata service (IMDSv2) simulator: PUT /latest/api/token
// with X-aws-ec2-metadata-token-ttl-seconds (1..21600), then GETs carrying
// X-aws-ec2-metadata-token; /latest/meta-data/iam/info, .../iam/security-credentials/
// and .../security-credentials/<role> with credentials of the instance
// profile's role that the STS simulator accepts (caller = an assumed-role
// session of that role, named after the instance id), plus instance-id,
// placement and the instance identity document.
//
// Answers as IMDS does: text/plain bodies; 400 for a missing/invalid TTL; 401
// for a GET without a valid token (unless IMDSv1 is allowed); 403 for a token
// PUT carrying X-Forwarded-For; 404 for unknown paths and when no instance
// profile is configured; 405 for other methods; 503 while the "unavailable" fault is on.
//
// Thread-safety: thread-safe.
// Time: token TTLs on the clock's monotonic reading, credentials on wall time.
#pragma once

#include <atomic>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/fault_injector.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/iam_model.h"

namespace sim::aws {

class ImdsService {
 public:
  static constexpr int kMaxTokenTtlSeconds = 21600;

  ImdsService(const IamModel& model, CredentialStore& store, CallLog& calls, FaultInjector& faults,
              util::Clock& clock)
      : model_(model), store_(store), calls_(calls), faults_(faults), clock_(clock) {}

  SimResponse handle(const SimRequest& request, std::stop_token stop = {});

  // IMDSv1 (GETs without a token) is refused unless allowed.
  void set_allow_v1(bool allow) { allow_v1_.store(allow); }
  // Number of live (unexpired) session tokens.
  size_t live_tokens() const;

 private:
  SimResponse put_token(const SimRequest& request);
  bool token_valid(std::string_view token) const;
  SimResponse get(std::string_view path);
  // The instance role's current credentials, reissued when a quarter of their life is left.
  std::optional<IssuedSession> instance_credentials(const InstanceProfileConfig& profile);

  const IamModel& model_;
  CredentialStore& store_;
  CallLog& calls_;
  FaultInjector& faults_;
  util::Clock& clock_;
  std::atomic<bool> allow_v1_{false};

  mutable util::Mutex mu_;
  // token -> expiry on the monotonic clock; expired ones purged on each PUT.
  std::unordered_map<std::string, util::MonotonicTime> tokens_ ABSL_GUARDED_BY(mu_);
  std::optional<IssuedSession> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sim::aws
