// The key pair of AWS's published SigV4 examples (AKIDEXAMPLE), as
// Credentials, for tests that sign requests: a signature over it can be
// checked against AWS's documents and vector suite.
#pragma once

#include <string>
#include <utility>

#include "pkg/aws/credentials.h"

namespace aws::testing {

inline Credentials example_credentials(std::string session_token = "") {
  Credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = util::SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  c.session_token = util::SecretString(std::move(session_token));
  c.source = "test";
  return c;
}

}  // namespace aws::testing
