#include "pkg/aws/sts_response.h"

#include <openssl/crypto.h>

#include <pugixml.hpp>
#include <string>

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

// Owns a copy of the body for in-place parsing and zeroes it when done.
class ParseBuffer {
 public:
  explicit ParseBuffer(std::string_view xml) : text_(xml) {}
  ~ParseBuffer() {
    if (!text_.empty()) OPENSSL_cleanse(text_.data(), text_.size());
  }
  ParseBuffer(const ParseBuffer&) = delete;
  ParseBuffer& operator=(const ParseBuffer&) = delete;

  bool parse(pugi::xml_document& doc) {
    if (text_.empty()) return false;
    return doc.load_buffer_inplace(text_.data(), text_.size(),
                                   pugi::parse_default | pugi::parse_trim_pcdata,
                                   pugi::encoding_utf8);
  }

 private:
  std::string text_;
};

util::Status malformed(std::string_view action, std::string_view what) {
  return util::internal_error(util::cat("malformed STS ", action, " response: ", what));
}

// The document's <Action>Response/<Action>Result element, or an error.
util::StatusOr<pugi::xml_node> result_node(const pugi::xml_document& doc, std::string_view action) {
  const std::string response_name = util::cat(action, "Response");
  const pugi::xml_node root = doc.document_element();
  if (!root) return malformed(action, "not an XML document");
  if (response_name != root.name()) {
    return malformed(action,
                     util::cat("root element is <", root.name(), ">, want <", response_name, ">"));
  }
  const pugi::xml_node result = root.child(util::cat(action, "Result").c_str());
  if (!result) return malformed(action, util::cat("no <", action, "Result>"));
  return result;
}

std::string request_id(const pugi::xml_document& doc) {
  return doc.document_element().child("ResponseMetadata").child_value("RequestId");
}

util::StatusOr<Credentials> parse_credentials(pugi::xml_node result, std::string_view action) {
  const pugi::xml_node node = result.child("Credentials");
  if (!node) return malformed(action, "no <Credentials>");
  Credentials credentials;
  for (const char* field : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) {
    if (*node.child_value(field) == '\0') {
      return malformed(action, util::cat("no Credentials/", field));
    }
  }
  credentials.access_key_id = node.child_value("AccessKeyId");
  credentials.secret_access_key = util::SecretString(node.child_value("SecretAccessKey"));
  credentials.session_token = util::SecretString(node.child_value("SessionToken"));
  const util::StatusOr<absl::Time> expiration = util::parse_rfc3339(node.child_value("Expiration"));
  if (!expiration.ok()) {
    return malformed(action, util::cat("Credentials/Expiration '", node.child_value("Expiration"),
                                       "' is not RFC 3339"));
  }
  credentials.expiration = *expiration;
  credentials.source = util::cat("sts:", action);
  return credentials;
}

util::StatusOr<std::optional<int>> packed_policy_size(pugi::xml_node result,
                                                      std::string_view action) {
  const pugi::xml_node node = result.child("PackedPolicySize");
  if (!node) return std::optional<int>();
  const std::string_view text = node.child_value();
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return malformed(action, "PackedPolicySize is not an integer");
  }
  return std::optional<int>(value);
}

AssumedRoleUser assumed_role_user(pugi::xml_node result) {
  const pugi::xml_node node = result.child("AssumedRoleUser");
  return {node.child_value("Arn"), node.child_value("AssumedRoleId")};
}

}  // namespace

util::StatusOr<AssumeRoleResult> parse_assume_role_response(std::string_view xml) {
  constexpr std::string_view kAction = "AssumeRole";
  ParseBuffer buffer(xml);
  pugi::xml_document doc;
  if (!buffer.parse(doc)) return malformed(kAction, "not well-formed XML");
  ASSIGN_OR_RETURN(const pugi::xml_node result, result_node(doc, kAction));
  AssumeRoleResult out;
  ASSIGN_OR_RETURN(out.credentials, parse_credentials(result, kAction));
  out.assumed_role_user = assumed_role_user(result);
  ASSIGN_OR_RETURN(out.packed_policy_size, packed_policy_size(result, kAction));
  out.source_identity = result.child_value("SourceIdentity");
  out.request_id = request_id(doc);
  return out;
}

util::StatusOr<AssumeRoleWithWebIdentityResult> parse_assume_role_with_web_identity_response(
    std::string_view xml) {
  constexpr std::string_view kAction = "AssumeRoleWithWebIdentity";
  ParseBuffer buffer(xml);
  pugi::xml_document doc;
  if (!buffer.parse(doc)) return malformed(kAction, "not well-formed XML");
  ASSIGN_OR_RETURN(const pugi::xml_node result, result_node(doc, kAction));
  AssumeRoleWithWebIdentityResult out;
  ASSIGN_OR_RETURN(out.credentials, parse_credentials(result, kAction));
  out.assumed_role_user = assumed_role_user(result);
  ASSIGN_OR_RETURN(out.packed_policy_size, packed_policy_size(result, kAction));
  out.subject_from_web_identity_token = result.child_value("SubjectFromWebIdentityToken");
  out.audience = result.child_value("Audience");
  out.provider = result.child_value("Provider");
  out.source_identity = result.child_value("SourceIdentity");
  out.request_id = request_id(doc);
  return out;
}

util::StatusOr<CallerIdentity> parse_get_caller_identity_response(std::string_view xml) {
  constexpr std::string_view kAction = "GetCallerIdentity";
  ParseBuffer buffer(xml);
  pugi::xml_document doc;
  if (!buffer.parse(doc)) return malformed(kAction, "not well-formed XML");
  ASSIGN_OR_RETURN(const pugi::xml_node result, result_node(doc, kAction));
  CallerIdentity out;
  out.account = result.child_value("Account");
  out.arn = result.child_value("Arn");
  out.user_id = result.child_value("UserId");
  if (out.arn.empty() || out.account.empty()) return malformed(kAction, "no Arn or Account");
  out.request_id = request_id(doc);
  return out;
}

std::optional<AwsError> parse_error_response(std::string_view xml) {
  ParseBuffer buffer(xml);
  pugi::xml_document doc;
  if (!buffer.parse(doc)) return std::nullopt;
  const pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "ErrorResponse") return std::nullopt;
  const pugi::xml_node error = root.child("Error");
  AwsError out{error.child_value("Type"), error.child_value("Code"), error.child_value("Message"),
               root.child_value("RequestId")};
  if (out.code.empty()) return std::nullopt;
  return out;
}

}  // namespace aws
