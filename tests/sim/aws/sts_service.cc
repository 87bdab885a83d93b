#include "tests/sim/aws/sts_service.h"

#include "pkg/util/strings.h"
#include "tests/sim/aws/iam_names.h"
#include "tests/sim/aws/random_ids.h"
#include "tests/sim/aws/role_session.h"
#include "tests/sim/aws/sts_xml.h"

namespace sim::aws {
namespace {

bool is_form(const SimRequest& request) {
  const std::optional<std::string_view> type = request.header("Content-Type");
  return type && util::to_lower(*type).rfind("application/x-www-form-urlencoded", 0) == 0;
}

bool tag_requirements_met(const RoleConfig& role, const StsRequest& request) {
  for (const TagRequirement& want : role.required_session_tags) {
    bool met = false;
    for (const auto& [key, value] : request.tags) {
      // Tag keys are case-insensitive in IAM.
      met =
          met || (util::equals_ignore_case(key, want.key) && (!want.value || *want.value == value));
    }
    if (!met) return false;
  }
  return true;
}

}  // namespace

SimResponse StsService::handle(const SimRequest& request, std::stop_token stop) {
  if (const absl::Duration latency = faults_.latency(); latency > absl::ZeroDuration()) {
    util::sleep_for(clock_, latency, stop);
  }
  // The modelled cost is decided at arrival and spent once the answer is known.
  const absl::Duration modelled_latency = costs_.sample_latency();
  const std::string request_id = new_request_id();
  ParamList params = parse_form(request.raw_query);
  if (request.method == "POST" && is_form(request)) {
    ParamList body = parse_form(request.body);
    params.insert(params.end(), body.begin(), body.end());
  }
  const StsRequest sts = parse_sts_request(params);

  CallRecord record;
  record.time = clock_.system_now();
  record.service = "sts";
  record.action = sts.action.value_or("");
  record.role_arn = sts.role_arn.value_or("");
  record.session_name = sts.role_session_name.value_or("");
  record.duration_seconds = sts.duration_seconds;
  record.external_id = sts.external_id;
  record.tags = sts.tags;
  record.source_identity = sts.source_identity.value_or("");
  record.request_id = request_id;

  const Outcome outcome = [&]() -> Outcome {
    if (const int status = faults_.outage_status(); status != 0) {
      return status == 503 ? StsError::service_unavailable() : StsError::internal_failure();
    }
    if (faults_.take_throttle()) return StsError::throttling();
    if (!sts.action) return StsError::missing_action();
    const bool web_identity = *sts.action == "AssumeRoleWithWebIdentity";
    std::optional<AuthenticatedCaller> caller;
    if (!web_identity) {  // the one unsigned STS action
      auto auth = authenticator_.authenticate(request);
      if (auto* error = std::get_if<StsError>(&auth)) return *error;
      caller = std::get<AuthenticatedCaller>(std::move(auth));
      record.caller_arn = caller->principal.arn;
      record.caller_access_key_id = caller->access_key_id;
      if (faults_.region_disabled(caller->region)) {
        return StsError::region_disabled(caller->principal.account);
      }
    }
    const bool known =
        *sts.action == "AssumeRole" || web_identity || *sts.action == "GetCallerIdentity";
    if (!known || sts.version.value_or("") != kStsVersion) {
      return StsError::invalid_action(*sts.action, sts.version.value_or(""));
    }
    // The account throttle counts the caller's account: the signer's, or for
    // the unsigned AssumeRoleWithWebIdentity the assumed role's.
    const std::string account =
        web_identity ? arn_account(sts.role_arn.value_or("")) : caller->principal.account;
    if (!account.empty() && !costs_.admit(account)) return StsError::throttling();
    if (web_identity) return assume_role_with_web_identity(sts, request_id, record);
    if (*sts.action == "AssumeRole") return assume_role(*caller, sts, request_id, record);
    return render_get_caller_identity_xml(caller->principal, request_id);
  }();

  SimResponse response;
  response.content_type = "text/xml";
  response.headers.emplace_back("x-amzn-RequestId", request_id);
  if (const auto* error = std::get_if<StsError>(&outcome)) {
    response.status = error->http_status;
    response.body = render_error_xml(*error, request_id);
    record.result = error->code;
  } else {
    response.status = 200;
    response.body = std::get<std::string>(outcome);
    record.result = "Success";
  }
  if (modelled_latency > absl::ZeroDuration()) util::sleep_for(clock_, modelled_latency, stop);
  record.http_status = response.status;
  calls_.record(std::move(record));
  return response;
}

std::optional<StsError> StsService::check_duration(const RoleConfig& role,
                                                   const StsRequest& request, bool chained) const {
  const absl::Duration asked =
      request.duration_seconds ? absl::Seconds(*request.duration_seconds) : kDefaultSessionDuration;
  if (chained && asked > kRoleChainingLimit) return StsError::duration_exceeds_chaining_limit();
  if (asked > role.max_session_duration) return StsError::duration_exceeds_role_max();
  return std::nullopt;
}

StsService::Outcome StsService::assume_role(const AuthenticatedCaller& caller,
                                            const StsRequest& request, std::string_view request_id,
                                            CallRecord& record) {
  if (auto error = validate_assume_role(request)) return *error;
  const std::string& role_arn = *request.role_arn;
  if (!has_arn_shape(role_arn))
    return StsError::validation_message(util::cat(role_arn, " is invalid"));
  if (auto code = faults_.role_error(role_arn)) {
    return StsError::from_code(*code, caller.principal.arn, role_arn);
  }
  // Unknown roles, untrusted callers, a wrong ExternalId and missing session
  // tags all look the same to the caller, as in AWS.
  const std::optional<RoleConfig> role = model_.find_role(role_arn);
  if (!role || !role_trusts(*role, caller.principal) ||
      (role->external_id && request.external_id != role->external_id) ||
      !tag_requirements_met(*role, request)) {
    return StsError::access_denied(caller.principal.arn, role_arn);
  }
  const bool chained = caller.principal.kind == PrincipalKind::kAssumedRole;
  if (auto error = check_duration(*role, request, chained)) return *error;

  const absl::Duration duration =
      request.duration_seconds ? absl::Seconds(*request.duration_seconds) : kDefaultSessionDuration;
  auto session = issue_role_session(model_, store_, role_arn, *request.role_session_name, duration,
                                    request.tags);
  if (!session.ok()) return StsError::access_denied(caller.principal.arn, role_arn);
  record.issued_access_key_id = session->access_key_id;
  AssumeRoleXml xml;
  xml.session = &*session;
  xml.packed_policy_size = packed_policy_percent(request);
  xml.source_identity = request.source_identity;
  return render_assume_role_xml(xml, request_id);
}

StsService::Outcome StsService::assume_role_with_web_identity(const StsRequest& request,
                                                              std::string_view request_id,
                                                              CallRecord& record) {
  if (auto error = validate_assume_role_with_web_identity(request)) return *error;
  const std::string& role_arn = *request.role_arn;
  if (!has_arn_shape(role_arn))
    return StsError::validation_message(util::cat(role_arn, " is invalid"));
  if (auto code = faults_.role_error(role_arn)) return StsError::from_code(*code, "", role_arn);
  const std::optional<WebIdentityTokenConfig> token =
      model_.find_web_identity_token(*request.web_identity_token);
  if (!token) return StsError::invalid_identity_token();
  record.caller_arn = token->provider;
  const std::optional<RoleConfig> role = model_.find_role(role_arn);
  bool trusted = false;
  if (role) {
    for (const std::string& entry : role->trust) {
      trusted =
          trusted || entry == "web-identity" || entry == "*" || glob_match(entry, token->provider);
    }
  }
  if (!trusted) return StsError::web_identity_access_denied();
  if (auto error = check_duration(*role, request, /*chained=*/false)) return *error;

  const absl::Duration duration =
      request.duration_seconds ? absl::Seconds(*request.duration_seconds) : kDefaultSessionDuration;
  auto session = issue_role_session(model_, store_, role_arn, *request.role_session_name, duration);
  if (!session.ok()) return StsError::web_identity_access_denied();
  record.issued_access_key_id = session->access_key_id;
  WebIdentityXml xml;
  xml.session = &*session;
  xml.subject = token->subject;
  xml.audience = token->audience;
  xml.provider = token->provider;
  xml.packed_policy_size = packed_policy_percent(request);
  return render_assume_role_with_web_identity_xml(xml, request_id);
}

}  // namespace sim::aws
