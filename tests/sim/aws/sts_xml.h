// STS Query API response bodies in STS's exact XML shape (namespace
// https://sts.amazonaws.com/doc/2011-06-15/): AssumeRoleResponse,
// AssumeRoleWithWebIdentityResponse, GetCallerIdentityResponse, ErrorResponse.
//
// Thread-safety: pure functions. The result carries the secret key and token
// of `session` (it is the response body); never log it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tests/sim/aws/credential_store.h"
#include "tests/sim/aws/sts_error.h"

namespace sim::aws {

inline constexpr std::string_view kStsXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

// Escapes & < > " ' for element text.
std::string xml_escape(std::string_view text);

std::string render_error_xml(const StsError& error, std::string_view request_id);

struct AssumeRoleXml {
  const IssuedSession* session = nullptr;  // required
  std::optional<int> packed_policy_size;
  std::optional<std::string> source_identity;
};
std::string render_assume_role_xml(const AssumeRoleXml& result, std::string_view request_id);

struct WebIdentityXml {
  const IssuedSession* session = nullptr;  // required
  std::string subject;
  std::string audience;
  std::string provider;
  std::optional<int> packed_policy_size;
};
std::string render_assume_role_with_web_identity_xml(const WebIdentityXml& result,
                                                     std::string_view request_id);

std::string render_get_caller_identity_xml(const Principal& caller, std::string_view request_id);

}  // namespace sim::aws
