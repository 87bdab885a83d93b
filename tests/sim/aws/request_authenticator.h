// Authenticates STS requests as AWS does: parses the SigV4 Authorization
// header, finds the secret of its access key (a configured user's long-term
// key or a session the simulator issued, whose X-Amz-Security-Token must
// match), checks the credential scope (service "sts", an accepted region, the
// date of X-Amz-Date) and that X-Amz-Date is within 15 minutes of the
// simulator clock, then recomputes the signature with pkg/aws's SigV4 stages
// from the request as received, with the SignedHeaders the client declared,
// and compares in constant time.
//
// Thread-safety: thread-safe (reads thread-safe collaborators only).
// Time: wall time from the injected clock.
// Errors (as STS words them): MissingAuthenticationToken, IncompleteSignature,
// InvalidClientTokenId, ExpiredToken, SignatureDoesNotMatch.
#pragma once

#include <string>
#include <variant>

#include "pkg/aws/sigv4.h"
#include "pkg/util/clock.h"
#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/http_types.h"
#include "tests/sim/aws/iam_model.h"
#include "tests/sim/aws/principal.h"
#include "tests/sim/aws/sts_error.h"

namespace sim::aws {

// The request as received, in the form pkg/aws's SigV4 stages recompute a
// signature over (this authenticator's and X509RequestVerifier's).
::aws::sigv4::SignableRequest signable_request(const SimRequest& request);

struct AuthenticatedCaller {
  Principal principal;
  std::string access_key_id;
  std::string region;  // of the credential scope
};

class RequestAuthenticator {
 public:
  // How far X-Amz-Date may be from the server's clock (AWS: 15 minutes).
  static constexpr absl::Duration kMaxClockSkew = absl::Minutes(15);

  RequestAuthenticator(const IamModel& model, const CredentialStore& store,
                       const util::Clock& clock)
      : model_(model), store_(store), clock_(clock) {}

  std::variant<AuthenticatedCaller, StsError> authenticate(const SimRequest& request) const;

 private:
  const IamModel& model_;
  const CredentialStore& store_;
  const util::Clock& clock_;
};

}  // namespace sim::aws
