#include "pkg/aws/credentials.h"

#include "pkg/util/rfc3339.h"

namespace aws {

std::string redact_key_id(std::string_view access_key_id) {
  if (access_key_id.size() <= 4) return "...";
  return "..." + std::string(access_key_id.substr(access_key_id.size() - 4));
}

std::ostream& operator<<(std::ostream& os, const Credentials& credentials) {
  os << "Credentials{key id " << redact_key_id(credentials.access_key_id)
     << ", session token: " << (credentials.session_token.empty() ? "no" : "yes") << ", expires ";
  if (credentials.expiration.has_value()) {
    os << util::format_rfc3339(*credentials.expiration);
  } else {
    os << "never";
  }
  return os << ", source " << (credentials.source.empty() ? "unknown" : credentials.source) << "}";
}

}  // namespace aws
