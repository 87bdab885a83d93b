// The STS Query API simulator (Version 2011-06-15): AssumeRole,
// AssumeRoleWithWebIdentity and GetCallerIdentity over form POST (or GET with
// a query string). Every signed request is authenticated (RequestAuthenticator),
// parameters are validated and trust evaluated as STS does, role chaining is
// capped at one hour, and answers are STS's XML. Every call is recorded in the
// CallLog; faults (latency, throttling, outage, per-role errors, disabled
// regions) come from the FaultInjector, costs (the latency of every answer,
// the per-account throttle) from the StsCostGate.
//
// Thread-safety: thread-safe; handle() runs concurrently on server threads.
// Time: the injected clock (signature freshness, expirations, latency waits,
// throttle refills).
// Never logs or records secrets (the call log holds key ids only).
#pragma once

#include <stop_token>
#include <variant>

#include "pkg/util/clock.h"
#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/fault_injector.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/iam_model.h"
#include "tests/sim/aws/request_authenticator.h"
#include "tests/sim/aws/sts_cost_model.h"
#include "tests/sim/aws/sts_request.h"

namespace sim::aws {

inline constexpr std::string_view kStsVersion = "2011-06-15";

class StsService {
 public:
  StsService(const IamModel& model, CredentialStore& store, CallLog& calls, FaultInjector& faults,
             StsCostGate& costs, util::Clock& clock)
      : model_(model),
        store_(store),
        calls_(calls),
        faults_(faults),
        costs_(costs),
        clock_(clock),
        authenticator_(model, store, clock) {}

  // Answers one request. `stop` interrupts an injected or modelled latency wait.
  SimResponse handle(const SimRequest& request, std::stop_token stop = {});

 private:
  // Success: the XML body; failure: the error to render.
  using Outcome = std::variant<std::string, StsError>;

  Outcome assume_role(const AuthenticatedCaller& caller, const StsRequest& request,
                      std::string_view request_id, CallRecord& record);
  Outcome assume_role_with_web_identity(const StsRequest& request, std::string_view request_id,
                                        CallRecord& record);
  // Duration checks shared by both AssumeRole forms.
  std::optional<StsError> check_duration(const RoleConfig& role, const StsRequest& request,
                                         bool chained) const;

  const IamModel& model_;
  CredentialStore& store_;
  CallLog& calls_;
  FaultInjector& faults_;
  StsCostGate& costs_;
  util::Clock& clock_;
  RequestAuthenticator authenticator_;
};

}  // namespace sim::aws
