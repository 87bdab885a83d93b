#include "pkg/aws/sts_client.h"

#include <optional>

#include "pkg/aws/aws_error.h"
#include "pkg/aws/sigv4.h"
#include "pkg/aws/sts_response.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";

}  // namespace

util::StatusOr<std::unique_ptr<StsClient>> StsClient::create(http::Transport& transport,
                                                             util::Clock& clock,
                                                             StsClientOptions options) {
  ASSIGN_OR_RETURN(StsEndpoint endpoint, resolve_sts_endpoint(options.endpoint));
  RETURN_IF_ERROR(options.calls.validate("STS client"));
  if (options.timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("STS client: timeout must be > 0");
  }
  return std::unique_ptr<StsClient>(
      new StsClient(transport, clock, std::move(options), std::move(endpoint)));
}

StsClient::StsClient(http::Transport& transport, util::Clock& clock, StsClientOptions options,
                     StsEndpoint endpoint)
    : clock_(clock),
      options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      caller_(transport, clock, options_.calls) {}

util::Status StsClient::execute(std::string_view action, const std::string& form,
                                const Credentials* caller, const std::stop_token& stop,
                                const std::function<util::Status(std::string_view)>& on_success) {
  return caller_.call(
      {.service = "STS",
       .operation = action,
       .build = [&]() -> util::StatusOr<http::Request> {
         http::Request request;
         request.method = http::Method::kPost;
         request.url = endpoint_.url + "/";
         request.headers.add("Content-Type", std::string(kContentType));
         request.headers.add("User-Agent", options_.user_agent);
         request.body = form;
         request.timeout = options_.timeout;
         if (caller != nullptr) {
           const util::Status signed_ok =
               sigv4::sign_request(request, *caller, clock_.system_now(),
                                   {.region = endpoint_.signing_region, .service = "sts"});
           if (!signed_ok.ok()) {
             wipe(request.body);
             return signed_ok;
           }
         }
         return request;
       },
       .parse_error =
           [](const http::Response& response) { return parse_error_response(response.body); },
       .on_success = on_success},
      stop);
}

util::StatusOr<AssumeRoleResult> StsClient::assume_role(const AssumeRoleRequest& request,
                                                        const Credentials& caller,
                                                        const std::stop_token& stop) {
  std::optional<AssumeRoleResult> result;
  std::string form = request.to_form();
  const util::Status status =
      execute("AssumeRole", form, &caller, stop, [&](std::string_view body) {
        util::StatusOr<AssumeRoleResult> parsed = parse_assume_role_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  if (!status.ok()) return status;
  result->credentials.source = util::cat("sts:AssumeRole ", request.role_arn);
  return std::move(*result);
}

util::StatusOr<AssumeRoleWithWebIdentityResult> StsClient::assume_role_with_web_identity(
    const AssumeRoleWithWebIdentityRequest& request, const std::stop_token& stop) {
  std::optional<AssumeRoleWithWebIdentityResult> result;
  std::string form = request.to_form();
  const util::Status status =
      execute("AssumeRoleWithWebIdentity", form, nullptr, stop, [&](std::string_view body) {
        util::StatusOr<AssumeRoleWithWebIdentityResult> parsed =
            parse_assume_role_with_web_identity_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  wipe(form);
  if (!status.ok()) return status;
  result->credentials.source = util::cat("sts:AssumeRoleWithWebIdentity ", request.role_arn);
  return std::move(*result);
}

util::StatusOr<CallerIdentity> StsClient::get_caller_identity(const Credentials& caller,
                                                              const std::stop_token& stop) {
  std::optional<CallerIdentity> result;
  const std::string form = util::cat("Action=GetCallerIdentity&Version=", kStsApiVersion);
  const util::Status status =
      execute("GetCallerIdentity", form, &caller, stop, [&](std::string_view body) {
        util::StatusOr<CallerIdentity> parsed = parse_get_caller_identity_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  if (!status.ok()) return status;
  return std::move(*result);
}

}  // namespace aws
