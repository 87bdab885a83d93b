#include "tests/sim/aws/roles_anywhere_service.h"

#include <algorithm>

#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"
#include "tests/sim/aws/iam_names.h"
#include "tests/sim/aws/random_ids.h"
#include "tests/sim/aws/role_session.h"

namespace sim::aws {
namespace {

std::string success_body(const IssuedSession& session, std::string_view role_arn,
                         std::string_view source_identity, std::string_view subject_arn) {
  const std::string_view role_id = session.principal.user_id;
  return util::cat(
      R"({"credentialSet":[{"assumedRoleUser":{"arn":)", util::json_quote(session.principal.arn),
      R"(,"assumedRoleId":)", util::json_quote(role_id), R"(},"credentials":{"accessKeyId":)",
      util::json_quote(session.access_key_id), R"(,"expiration":)",
      util::json_quote(util::format_rfc3339(session.expiration)), R"(,"secretAccessKey":)",
      util::json_quote(session.secret_access_key.reveal()), R"(,"sessionToken":)",
      util::json_quote(session.session_token.reveal()), R"(},"packedPolicySize":0,"roleArn":)",
      util::json_quote(role_arn), R"(,"sourceIdentity":)", util::json_quote(source_identity),
      R"(}],"subjectArn":)", util::json_quote(subject_arn), "}");
}

}  // namespace

SimResponse RolesAnywhereService::handle(const SimRequest& request, std::stop_token stop) {
  const absl::Duration latency = costs_.sample_latency();
  const std::string request_id = new_request_id();
  CallRecord record;
  record.time = clock_.system_now();
  record.service = "rolesanywhere";
  record.action = "CreateSession";
  record.request_id = request_id;

  Outcome outcome = [&]() -> Outcome {
    if (request.method != "POST" || request.raw_path != "/sessions") {
      return RolesAnywhereError{
          404, "UnknownOperationException",
          util::cat("No operation at ", request.method, " ", request.raw_path)};
    }
    return create_session(request, record);
  }();

  SimResponse response;
  response.content_type = "application/json";
  response.headers.emplace_back("x-amzn-RequestId", request_id);
  if (const auto* error = std::get_if<RolesAnywhereError>(&outcome)) {
    response.status = error->http_status;
    response.headers.emplace_back("x-amzn-ErrorType", error->code);
    response.body = util::cat("{\"message\":", util::json_quote(error->message), "}");
    record.result = error->code;
  } else {
    response.status = 201;
    response.body = std::move(std::get<std::string>(outcome));
    record.result = "Success";
  }
  if (latency > absl::ZeroDuration()) util::sleep_for(clock_, latency, stop);
  record.http_status = response.status;
  calls_.record(std::move(record));
  return response;
}

RolesAnywhereService::Outcome RolesAnywhereService::create_session(const SimRequest& request,
                                                                   CallRecord& record) {
  rapidjson::Document body;
  body.Parse(request.body.data(), request.body.size());
  if (body.HasParseError() || !body.IsObject()) {
    return RolesAnywhereError::validation("The request body is not a JSON object");
  }
  auto text = [&](const char* name) -> std::string {
    return body.HasMember(name) && body[name].IsString() ? body[name].GetString() : "";
  };
  const std::string anchor_arn = text("trustAnchorArn");
  const std::string profile_arn = text("profileArn");
  const std::string role_arn = text("roleArn");
  record.role_arn = role_arn;
  for (const auto& [value, name] :
       {std::pair{anchor_arn, "trustAnchorArn"}, std::pair{profile_arn, "profileArn"},
        std::pair{role_arn, "roleArn"}}) {
    if (value.empty()) return RolesAnywhereError::validation(util::cat(name, " is required"));
  }
  std::optional<absl::Duration> asked;
  if (body.HasMember("durationSeconds")) {
    const rapidjson::Value& seconds = body["durationSeconds"];
    if (!seconds.IsInt64() || seconds.GetInt64() < 900 || seconds.GetInt64() > 43200) {
      return RolesAnywhereError::validation("durationSeconds must be a number from 900 to 43200");
    }
    asked = absl::Seconds(seconds.GetInt64());
    record.duration_seconds = seconds.GetInt64();
  }

  const std::optional<TrustAnchorConfig> anchor = model_.find_trust_anchor(anchor_arn);
  if (!anchor) {
    return RolesAnywhereError{404, "ResourceNotFoundException",
                              util::cat("Trust anchor ", anchor_arn, " not found")};
  }
  if (!anchor->enabled) {
    return RolesAnywhereError::access_denied(
        util::cat("Trust anchor ", anchor_arn, " is disabled"));
  }
  auto verified = verifier_.verify(request, anchor->certificate_bundle);
  if (auto* error = std::get_if<RolesAnywhereError>(&verified)) return *error;
  const VerifiedCertificate& certificate = std::get<VerifiedCertificate>(verified);
  record.caller_arn = util::cat("x509:", certificate.serial);
  record.source_identity = certificate.common_name;
  record.session_name = certificate.serial_hex;

  const std::optional<RolesAnywhereProfileConfig> profile = model_.find_profile(profile_arn);
  if (!profile) {
    return RolesAnywhereError{404, "ResourceNotFoundException",
                              util::cat("Profile ", profile_arn, " not found")};
  }
  if (!profile->enabled) {
    return RolesAnywhereError::access_denied(util::cat("Profile ", profile_arn, " is disabled"));
  }
  const bool listed =
      std::any_of(profile->role_arns.begin(), profile->role_arns.end(),
                  [&](const std::string& pattern) { return glob_match(pattern, role_arn); });
  const std::optional<RoleConfig> role = model_.find_role(role_arn);
  if (!listed || !role || !role_trusts_roles_anywhere(*role)) {
    return RolesAnywhereError::access_denied(
        util::cat("Unable to assume role ", role_arn, " for profile ", profile_arn,
                  !listed ? ": the profile does not list it"
                          : ": the role does not trust rolesanywhere.amazonaws.com"));
  }
  // The quota counts the trust anchor's account (CreateSession: 10 requests/s by default).
  if (!costs_.admit(arn_account(anchor_arn))) {
    return RolesAnywhereError{429, "ThrottlingException", "Rate exceeded"};
  }
  const absl::Duration duration = std::min(asked.value_or(profile->duration), profile->duration);
  auto session = issue_role_session(model_, store_, role_arn, certificate.serial_hex, duration,
                                    {{"x509Subject/CN", certificate.common_name}});
  if (!session.ok()) {
    return RolesAnywhereError::access_denied(util::cat("Unable to assume role ", role_arn));
  }
  record.issued_access_key_id = session->access_key_id;
  const std::string subject_arn =
      util::cat("arn:", arn_partition(anchor_arn), ":rolesanywhere:", arn_region(anchor_arn), ":",
                arn_account(anchor_arn), ":subject/", certificate.serial_hex);
  return success_body(*session, role_arn, certificate.common_name, subject_arn);
}

}  // namespace sim::aws
