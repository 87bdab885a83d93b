#include "pkg/aws/sigv4_x509.h"

namespace aws::sigv4 {

util::StatusOr<SigningResult> sign_x509(const SignableRequest& request,
                                        const X509Identity& identity, absl::Time now,
                                        std::string_view region, std::string_view service) {
  SigningScheme scheme{.algorithm = identity.algorithm(),
                       .credential_id = identity.serial(),
                       .additions = {{"X-Amz-X509", identity.certificate_base64()}},
                       .owned_headers = {"X-Amz-X509-Chain", "X-Amz-Security-Token"}};
  if (!identity.chain_base64().empty()) {
    scheme.additions.emplace_back("X-Amz-X509-Chain", identity.chain_base64());
  }
  scheme.sign = [&](std::string_view string_to_sign) { return identity.sign(string_to_sign); };
  return sign_with_scheme(request, now, region, service, {}, scheme);
}

util::Status sign_request_x509(http::Request& request, const X509Identity& identity, absl::Time now,
                               std::string_view region) {
  ASSIGN_OR_RETURN(const SignableRequest signable, signable_request(request));
  ASSIGN_OR_RETURN(SigningResult result, sign_x509(signable, identity, now, region));
  for (auto& [name, value] : result.headers)
    request.headers.set(name, std::move(value));
  return util::ok_status();
}

}  // namespace aws::sigv4
