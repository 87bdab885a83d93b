#include "pkg/aws/providers/web_identity_provider.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "pkg/aws/arn.h"
#include "pkg/util/strings.h"

namespace aws {

util::StatusOr<Credentials> WebIdentityProvider::credentials() {
  const std::string role_arn = env_("AWS_ROLE_ARN").value_or("");
  const std::string token_file = env_("AWS_WEB_IDENTITY_TOKEN_FILE").value_or("");
  if (role_arn.empty() && token_file.empty()) {
    return util::not_found_error("AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE not set");
  }
  if (role_arn.empty() || token_file.empty()) {
    return util::invalid_argument_error(
        util::cat(role_arn.empty() ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN", " is set but ",
                  role_arn.empty() ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE", " is not"));
  }
  const util::StatusOr<RoleArn> role = RoleArn::parse(role_arn);
  if (!role.ok()) return util::annotate(role.status(), "AWS_ROLE_ARN");

  AssumeRoleWithWebIdentityRequest request;
  {
    std::ifstream in(token_file, std::ios::binary);
    if (!in) {
      return util::failed_precondition_error(util::cat("cannot read web identity token file ",
                                                       token_file, ": ",
                                                       std::generic_category().message(errno)));
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string token = ss.str();
    const std::string_view trimmed = util::trim(token);
    request.web_identity_token = util::SecretString(std::string(trimmed));
    util::SecretString wipe(std::move(token));  // zero the untrimmed copy
  }
  if (request.web_identity_token.empty()) {
    return util::failed_precondition_error(
        util::cat("web identity token file ", token_file, " is empty"));
  }
  request.role_arn = role->str();
  request.role_session_name = env_("AWS_ROLE_SESSION_NAME").value_or("");
  if (request.role_session_name.empty()) request.role_session_name = kDefaultSessionName;
  util::StatusOr<AssumeRoleWithWebIdentityResult> result =
      sts_.assume_role_with_web_identity(request);
  if (!result.ok()) return result.status();
  result->credentials.source = util::cat("web identity ", role->str());
  return std::move(result->credentials);
}

}  // namespace aws
