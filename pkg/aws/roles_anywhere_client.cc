#include "pkg/aws/roles_anywhere_client.h"

#include "pkg/aws/sigv4_x509.h"
#include "pkg/aws/sts_endpoint.h"
#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace aws {
namespace {

constexpr std::string_view kService = "IAM Roles Anywhere";
constexpr std::string_view kOperation = "CreateSession";

std::string_view string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return "";
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::string request_body(const CreateSessionRequest& request) {
  std::string body = "{";
  if (request.duration.has_value()) {
    body += util::cat("\"durationSeconds\":", absl::ToInt64Seconds(*request.duration), ",");
  }
  body += util::cat("\"profileArn\":", util::json_quote(request.profile_arn),
                    ",\"roleArn\":", util::json_quote(request.role_arn),
                    ",\"trustAnchorArn\":", util::json_quote(request.trust_anchor_arn), "}");
  return body;
}

}  // namespace

util::StatusOr<Arn> parse_roles_anywhere_arn(std::string_view text, RolesAnywhereResource kind) {
  const std::string_view prefix =
      kind == RolesAnywhereResource::kTrustAnchor ? "trust-anchor/" : "profile/";
  const std::string shape =
      util::cat("arn:<partition>:rolesanywhere:<region>:<account>:", prefix, "<id>");
  util::StatusOr<Arn> arn = Arn::parse(text);
  if (!arn.ok() || arn->service() != "rolesanywhere" || arn->region().empty() ||
      arn->account_id().empty() || !arn->resource().starts_with(prefix) ||
      arn->resource().size() == prefix.size()) {
    return util::invalid_argument_error(
        util::cat("'", text, "' is not a Roles Anywhere ",
                  kind == RolesAnywhereResource::kTrustAnchor ? "trust anchor" : "profile",
                  " ARN (", shape, ")"));
  }
  return arn;
}

util::StatusOr<RolesAnywhereEndpoint> resolve_roles_anywhere_endpoint(
    const Arn& trust_anchor, std::string_view endpoint_override) {
  if (!endpoint_override.empty()) {
    ASSIGN_OR_RETURN(std::string url, endpoint_override_url(endpoint_override, kService));
    return RolesAnywhereEndpoint{std::move(url), trust_anchor.region()};
  }
  return RolesAnywhereEndpoint{util::cat("https://rolesanywhere.", trust_anchor.region(), ".",
                                         dns_suffix(trust_anchor.partition())),
                               trust_anchor.region()};
}

util::StatusOr<CreateSessionResult> parse_create_session_response(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return util::internal_error("CreateSession response is not a JSON object");
  }
  const auto set = doc.FindMember("credentialSet");
  if (set == doc.MemberEnd() || !set->value.IsArray() || set->value.Empty()) {
    return util::internal_error("CreateSession response has no credentialSet");
  }
  const rapidjson::Value& first = set->value[0];
  if (!first.IsObject() || !first.HasMember("credentials")) {
    return util::internal_error("CreateSession response has no credentialSet[0].credentials");
  }
  const rapidjson::Value& credentials = first["credentials"];
  CreateSessionResult out;
  out.credentials.access_key_id = std::string(string_member(credentials, "accessKeyId"));
  out.credentials.secret_access_key =
      util::SecretString(std::string(string_member(credentials, "secretAccessKey")));
  out.credentials.session_token =
      util::SecretString(std::string(string_member(credentials, "sessionToken")));
  for (const auto& [missing, name] :
       {std::pair{out.credentials.access_key_id.empty(), "accessKeyId"},
        std::pair{out.credentials.secret_access_key.empty(), "secretAccessKey"},
        std::pair{out.credentials.session_token.empty(), "sessionToken"}}) {
    if (missing) {
      return util::internal_error(
          util::cat("CreateSession response has no credentialSet[0].credentials.", name));
    }
  }
  const std::string_view expiration = string_member(credentials, "expiration");
  const util::StatusOr<absl::Time> expires = util::parse_rfc3339(expiration);
  if (!expires.ok()) {
    return util::internal_error(
        util::cat("CreateSession response: expiration '", expiration, "' is not RFC 3339"));
  }
  out.credentials.expiration = *expires;
  if (first.HasMember("assumedRoleUser")) {
    out.assumed_role_arn = std::string(string_member(first["assumedRoleUser"], "arn"));
  }
  out.source_identity = std::string(string_member(first, "sourceIdentity"));
  out.subject_arn = std::string(string_member(doc, "subjectArn"));
  return out;
}

std::optional<AwsError> parse_rest_json_error(const http::Response& response) {
  AwsError error;
  rapidjson::Document doc;
  doc.Parse(response.body.data(), response.body.size());
  const bool json = !doc.HasParseError() && doc.IsObject();
  // "AccessDeniedException:http://internal.amazon.com/coral/..." or "ns#AccessDeniedException".
  std::string_view code = response.headers.get("x-amzn-ErrorType").value_or("");
  if (code.empty() && json) code = string_member(doc, "__type");
  code = code.substr(0, code.find(':'));
  if (const size_t hash = code.rfind('#'); hash != std::string_view::npos) {
    code = code.substr(hash + 1);
  }
  if (code.empty()) return std::nullopt;
  error.code = std::string(code);
  error.type = response.status >= 500 ? "Receiver" : "Sender";
  if (json) {
    error.message = std::string(string_member(doc, "message"));
    if (error.message.empty()) error.message = std::string(string_member(doc, "Message"));
  }
  error.request_id = std::string(response.headers.get("x-amzn-RequestId").value_or(""));
  return error;
}

util::StatusOr<std::unique_ptr<RolesAnywhereClient>> RolesAnywhereClient::create(
    http::Transport& transport, util::Clock& clock, RolesAnywhereClientOptions options) {
  ASSIGN_OR_RETURN(const Arn anchor, parse_roles_anywhere_arn(options.trust_anchor_arn,
                                                              RolesAnywhereResource::kTrustAnchor));
  ASSIGN_OR_RETURN(RolesAnywhereEndpoint endpoint,
                   resolve_roles_anywhere_endpoint(anchor, options.endpoint_override));
  RETURN_IF_ERROR(options.calls.validate("Roles Anywhere client"));
  if (options.timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("Roles Anywhere client: timeout must be > 0");
  }
  return std::unique_ptr<RolesAnywhereClient>(
      new RolesAnywhereClient(transport, clock, std::move(options), std::move(endpoint)));
}

RolesAnywhereClient::RolesAnywhereClient(http::Transport& transport, util::Clock& clock,
                                         RolesAnywhereClientOptions options,
                                         RolesAnywhereEndpoint endpoint)
    : clock_(clock),
      options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      caller_(transport, clock, options_.calls) {}

util::StatusOr<CreateSessionResult> RolesAnywhereClient::create_session(
    const CreateSessionRequest& request, const X509Identity& identity,
    const std::stop_token& stop) {
  const std::string body = request_body(request);
  std::optional<CreateSessionResult> result;
  const util::Status status = caller_.call(
      {.service = kService,
       .operation = kOperation,
       .build = [&]() -> util::StatusOr<http::Request> {
         http::Request http_request;
         http_request.method = http::Method::kPost;
         http_request.url = endpoint_.url + "/sessions";
         http_request.headers.add("Content-Type", "application/json");
         http_request.headers.add("User-Agent", options_.user_agent);
         http_request.body = body;
         http_request.timeout = options_.timeout;
         RETURN_IF_ERROR(sigv4::sign_request_x509(http_request, identity, clock_.system_now(),
                                                  endpoint_.signing_region));
         return http_request;
       },
       .parse_error = parse_rest_json_error,
       .on_success = [&](std::string_view response) -> util::Status {
         ASSIGN_OR_RETURN(CreateSessionResult parsed, parse_create_session_response(response));
         result = std::move(parsed);
         return util::ok_status();
       }},
      stop);
  if (!status.ok()) return status;
  result->credentials.source = util::cat("rolesanywhere:CreateSession ", request.role_arn,
                                         " (certificate ", identity.describe(), ")");
  return std::move(*result);
}

}  // namespace aws
