// Fresh random identifiers in the shapes AWS uses: access key ids, secret
// keys, session tokens, request ids (UUID v4), IMDS tokens. Drawn from
// OpenSSL's CSPRNG; tests never depend on their values, only their shapes.
//
// Thread-safety: thread-safe (RAND_bytes is).
#pragma once

#include <string>
#include <string_view>

#include "pkg/util/secret_string.h"

namespace sim::aws {

// `prefix` ("ASIA" or "AKIA") + 16 characters of [A-Z2-7]: 20 characters.
std::string new_access_key_id(std::string_view prefix);
// 40 characters of [A-Za-z0-9+/], as IAM secret access keys.
util::SecretString new_secret_access_key();
// An opaque session token: 412 characters of base64 (similar in length to STS's).
util::SecretString new_session_token();
// "c6104cbe-af31-41e0-8154-cbc7ccf896c7" (UUID version 4).
std::string new_request_id();
// An IMDSv2 session token: 56 characters of URL-safe base64.
util::SecretString new_imds_token();

}  // namespace sim::aws
