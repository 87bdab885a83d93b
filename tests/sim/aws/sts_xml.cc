#include "tests/sim/aws/sts_xml.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace sim::aws {
namespace {

std::string element(std::string_view name, std::string_view text) {
  return util::cat("<", name, ">", xml_escape(text), "</", name, ">");
}

std::string credentials_and_user(const IssuedSession& s) {
  std::string out;
  out += "<AssumedRoleUser>";
  out += element("Arn", s.principal.arn);
  out += element("AssumedRoleId", s.principal.user_id);
  out += "</AssumedRoleUser>";
  out += "<Credentials>";
  out += element("AccessKeyId", s.access_key_id);
  out += element("SecretAccessKey", s.secret_access_key.reveal());
  out += element("SessionToken", s.session_token.reveal());
  out += element("Expiration", util::format_rfc3339(s.expiration));
  out += "</Credentials>";
  return out;
}

std::string envelope(std::string_view action, std::string_view result_body,
                     std::string_view request_id) {
  return util::cat("<", action, "Response xmlns=\"", kStsXmlns, "\">\n  <", action, "Result>",
                   result_body, "</", action, "Result>\n  <ResponseMetadata>",
                   element("RequestId", request_id), "</ResponseMetadata>\n</", action,
                   "Response>\n");
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string render_error_xml(const StsError& error, std::string_view request_id) {
  return util::cat("<ErrorResponse xmlns=\"", kStsXmlns, "\">\n  <Error>\n    ",
                   element("Type", error.type), "\n    ", element("Code", error.code), "\n    ",
                   element("Message", error.message), "\n  </Error>\n  ",
                   element("RequestId", request_id), "\n</ErrorResponse>\n");
}

std::string render_assume_role_xml(const AssumeRoleXml& result, std::string_view request_id) {
  std::string body;
  if (result.source_identity) body += element("SourceIdentity", *result.source_identity);
  body += credentials_and_user(*result.session);
  if (result.packed_policy_size) {
    body += element("PackedPolicySize", std::to_string(*result.packed_policy_size));
  }
  return envelope("AssumeRole", body, request_id);
}

std::string render_assume_role_with_web_identity_xml(const WebIdentityXml& result,
                                                     std::string_view request_id) {
  // Element order of STS's documented answer.
  std::string body;
  body += element("SubjectFromWebIdentityToken", result.subject);
  body += element("Audience", result.audience);
  body += credentials_and_user(*result.session);
  if (result.packed_policy_size) {
    body += element("PackedPolicySize", std::to_string(*result.packed_policy_size));
  }
  body += element("Provider", result.provider);
  return envelope("AssumeRoleWithWebIdentity", body, request_id);
}

std::string render_get_caller_identity_xml(const Principal& caller, std::string_view request_id) {
  std::string body;
  body += element("Arn", caller.arn);
  body += element("UserId", caller.user_id);
  body += element("Account", caller.account);
  return envelope("GetCallerIdentity", body, request_id);
}

}  // namespace sim::aws
