// The server side of SigV4, for the simulator: parses a client's
// Authorization header and recomputes its signature with pkg/aws's signing
// stages from the request as received (the STS authenticator and the Roles
// Anywhere X.509 verifier use it). Nothing in the product verifies signatures.
//
// Thread-safe: free functions over values. Errors: kInvalidArgument naming
// what is wrong.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkg/aws/sigv4.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace sim::aws {

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex>" (or of another algorithm's
// header, whose credential id is not a key id: see parse_authorization).
struct Authorization {
  std::string access_key_id;  // the credential id
  std::string date_stamp;     // "20150830"
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
  std::string scope() const;                // "20150830/us-east-1/sts/aws4_request"
};

// kInvalidArgument naming what is wrong (not `algorithm`, missing component,
// scope terminator not aws4_request, signed headers not lowercase/sorted, a
// signature that is not lowercase hex: 64 digits for AWS4-HMAC-SHA256).
util::StatusOr<Authorization> parse_authorization(
    std::string_view header_value, std::string_view algorithm = ::aws::sigv4::kAlgorithm);

struct Recomputed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Recomputes what a client holding `secret_access_key` would have signed for
// `request` as received (all its headers, incl. X-Amz-Date / X-Amz-Security-Token),
// using the signed headers and scope of its Authorization header. Compare the
// result's signature with auth.signature (constant time: signatures_equal()).
util::StatusOr<Recomputed> recompute_signature(const ::aws::sigv4::SignableRequest& request,
                                               const Authorization& auth, std::string_view amz_date,
                                               const util::SecretString& secret_access_key,
                                               const ::aws::sigv4::CanonicalOptions& options = {});

// Constant-time comparison of two hex signatures.
bool signatures_equal(std::string_view a, std::string_view b);

}  // namespace sim::aws
