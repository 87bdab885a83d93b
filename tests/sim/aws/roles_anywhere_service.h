// The IAM Roles Anywhere simulator: CreateSession (POST /sessions, JSON) as
// AWS documents it. The request is authenticated by X509RequestVerifier
// against the trust anchor it names (signature, serial, X-Amz-Date within 5
// minutes, the chain to the anchor's CAs, the validity windows); the profile
// must exist, be enabled and list the role; the role must exist and trust
// rolesanywhere.amazonaws.com; durationSeconds must be 900..43200. The session
// lasts min(durationSeconds, the profile's duration) (and the simulator-only
// issued_duration_cap), is named after the certificate's serial number, and
// its credentials are ones STS then accepts. Answers: HTTP 201 with
// credentialSet and subjectArn; errors as x-amzn-ErrorType + {"message"}
// (AccessDeniedException 403, ValidationException 400,
// ResourceNotFoundException 404, ThrottlingException 429 from the account's
// CreateSession quota in the cost gate, which also gives every answer its
// latency). Every call is recorded in the CallLog (service "rolesanywhere").
//
// Thread-safety: thread-safe; handle() runs concurrently on server threads.
// Time: the injected clock. Never records secrets.
#pragma once

#include <stop_token>

#include "pkg/util/clock.h"
#include "tests/sim/aws/call_log.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/iam_model.h"
#include "tests/sim/aws/sts_cost_model.h"
#include "tests/sim/aws/x509_request_verifier.h"

namespace sim::aws {

class RolesAnywhereService {
 public:
  RolesAnywhereService(const IamModel& model, CredentialStore& store, CallLog& calls,
                       StsCostGate& costs, util::Clock& clock)
      : model_(model),
        store_(store),
        calls_(calls),
        costs_(costs),
        clock_(clock),
        verifier_(clock) {}

  // `stop` interrupts a modelled latency wait.
  SimResponse handle(const SimRequest& request, std::stop_token stop = {});

 private:
  using Outcome = std::variant<std::string, RolesAnywhereError>;  // the 201 body, or the error
  Outcome create_session(const SimRequest& request, CallRecord& record);

  const IamModel& model_;
  CredentialStore& store_;
  CallLog& calls_;
  StsCostGate& costs_;
  util::Clock& clock_;
  X509RequestVerifier verifier_;
};

}  // namespace sim::aws
