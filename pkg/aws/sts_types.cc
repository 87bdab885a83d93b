#include "pkg/aws/sts_types.h"

#include "pkg/util/percent_encoding.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

void add(std::string& form, std::string_view name, std::string_view value) {
  if (!form.empty()) form.push_back('&');
  form.append(form_encode(name));
  form.push_back('=');
  form.append(form_encode(value));
}

std::string start(std::string_view action) {
  std::string form;
  add(form, "Action", action);
  add(form, "Version", kStsApiVersion);
  return form;
}

void add_policy_arns(std::string& form, const std::vector<std::string>& arns) {
  for (size_t i = 0; i < arns.size(); ++i) {
    add(form, util::cat("PolicyArns.member.", i + 1, ".arn"), arns[i]);
  }
}

}  // namespace

std::string form_encode(std::string_view text) {
  return util::percent_encode(text);
}

std::string AssumeRoleRequest::to_form() const {
  std::string form = start("AssumeRole");
  add(form, "RoleArn", role_arn);
  add(form, "RoleSessionName", role_session_name);
  if (duration_seconds.has_value()) add(form, "DurationSeconds", util::cat(*duration_seconds));
  if (external_id.has_value()) add(form, "ExternalId", *external_id);
  if (policy.has_value()) add(form, "Policy", *policy);
  add_policy_arns(form, policy_arns);
  for (size_t i = 0; i < tags.size(); ++i) {
    add(form, util::cat("Tags.member.", i + 1, ".Key"), tags[i].key);
    add(form, util::cat("Tags.member.", i + 1, ".Value"), tags[i].value);
  }
  for (size_t i = 0; i < transitive_tag_keys.size(); ++i) {
    add(form, util::cat("TransitiveTagKeys.member.", i + 1), transitive_tag_keys[i]);
  }
  if (source_identity.has_value()) add(form, "SourceIdentity", *source_identity);
  return form;
}

std::string AssumeRoleWithWebIdentityRequest::to_form() const {
  std::string form = start("AssumeRoleWithWebIdentity");
  add(form, "RoleArn", role_arn);
  add(form, "RoleSessionName", role_session_name);
  add(form, "WebIdentityToken", web_identity_token.reveal());
  if (duration_seconds.has_value()) add(form, "DurationSeconds", util::cat(*duration_seconds));
  if (policy.has_value()) add(form, "Policy", *policy);
  add_policy_arns(form, policy_arns);
  if (provider_id.has_value()) add(form, "ProviderId", *provider_id);
  return form;
}

}  // namespace aws
