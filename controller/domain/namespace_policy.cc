#include "controller/domain/namespace_policy.h"

#include <re2/re2.h>

#include "pkg/kube/json.h"
#include "pkg/util/glob.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// What RE2 may use to compile one expression: ample for any sane role
// pattern, and a bound on what an annotation can make the controller hold.
constexpr int64_t kMaxRegexMemory = 1 << 20;

std::string_view source_name(bool allowed_roles) {
  return allowed_roles ? kAllowedRolesAnnotation : kPermittedAnnotation;
}

// The entries of a kube2iam allowed-roles value, or why it is not one.
util::StatusOr<std::vector<std::string>> parse_allowed_roles(std::string_view value) {
  auto parsed = kube::json::parse(value);
  if (!parsed.ok() || !parsed->IsArray()) {
    return util::invalid_argument_error("is not a JSON array of role names, paths or ARNs");
  }
  std::vector<std::string> entries;
  for (const kube::JsonValue& entry : parsed->GetArray()) {
    if (!entry.IsString() || entry.GetStringLength() == 0) {
      return util::invalid_argument_error(
          util::cat("entry ", entries.size() + 1, " is not a role name, path or ARN"));
    }
    entries.emplace_back(kube::json::as_string(entry));
  }
  return entries;
}

}  // namespace

NamespacePolicy NamespacePolicy::compile(std::string namespace_name,
                                         std::optional<std::string_view> allowed_roles,
                                         std::optional<std::string_view> permitted,
                                         const std::vector<std::string>& default_allowed_roles,
                                         const std::optional<aws::BaseRoleArn>& base) {
  NamespacePolicy policy;
  policy.namespace_ = std::move(namespace_name);
  if (base) policy.own_account_prefix_ = aws::iam_account_prefix(base->str());
  auto refuse_all = [&](bool is_allowed_roles, std::string_view problem) {
    policy.patterns_.clear();
    policy.invalid_ =
        util::cat("the Namespace's annotation ", source_name(is_allowed_roles), " ", problem);
    return policy;
  };
  for (const auto& [value, is_allowed_roles] :
       {std::pair{allowed_roles, true}, std::pair{permitted, false}}) {
    if (value && value->size() > kMaxPolicyAnnotationBytes) {
      return refuse_all(is_allowed_roles,
                        util::cat("is longer than ", kMaxPolicyAnnotationBytes, " bytes"));
    }
  }
  if (allowed_roles) {
    auto entries = parse_allowed_roles(*allowed_roles);
    if (!entries.ok()) return refuse_all(true, entries.status().message());
    policy.add_globs(*entries, base);
  }
  if (permitted) {
    RE2::Options options;
    options.set_max_mem(kMaxRegexMemory);
    options.set_log_errors(false);
    auto regex = std::make_shared<const RE2>(re2::StringPiece(permitted->data(), permitted->size()),
                                             options);
    if (!regex->ok()) {
      return refuse_all(false, util::cat("is not a valid regular expression: ", regex->error()));
    }
    std::string_view unanchored = *permitted;
    if (!unanchored.empty() && unanchored.front() == '^') unanchored.remove_prefix(1);
    policy.patterns_.push_back({.regex = std::move(regex),
                                .explicit_account_prefix = aws::iam_account_prefix(unanchored)});
  }
  policy.has_allowed_roles_ = allowed_roles.has_value();
  policy.has_permitted_ = permitted.has_value();
  if (!allowed_roles && !permitted) policy.add_globs(default_allowed_roles, base);
  return policy;
}

NamespacePolicy NamespacePolicy::unknown_namespace(std::string namespace_name) {
  NamespacePolicy policy;
  policy.invalid_ = util::cat("the Namespace ", namespace_name, " is not known (yet)");
  policy.namespace_ = std::move(namespace_name);
  return policy;
}

void NamespacePolicy::add_globs(const std::vector<std::string>& entries,
                                const std::optional<aws::BaseRoleArn>& base) {
  for (const std::string& entry : entries) {
    // As kube2iam and a roleReference: a name or path is the base ARN's.
    // Without a base role ARN it names no role at all.
    std::string glob;
    if (aws::is_full_arn_reference(entry)) {
      glob = entry;
    } else if (base) {
      glob = base->str() + entry;
    } else {
      continue;
    }
    std::string prefix = aws::iam_account_prefix(glob);
    patterns_.push_back({.glob = std::move(glob), .explicit_account_prefix = std::move(prefix)});
  }
}

std::optional<std::string> NamespacePolicy::refusal(const aws::RoleArn& role) const {
  if (!invalid_.empty()) {
    return util::cat("role ", role.str(), " is not permitted in namespace ", namespace_, ": ",
                     invalid_);
  }
  const std::string role_prefix = aws::iam_account_prefix(role.str());
  const bool own_account = !own_account_prefix_.empty() && role_prefix == own_account_prefix_;
  for (const Pattern& pattern : patterns_) {
    // Another account's roles only through a pattern that names that account.
    if (!own_account && pattern.explicit_account_prefix != role_prefix) continue;
    const bool matched = pattern.regex ? RE2::FullMatch(role.str(), *pattern.regex)
                                       : util::glob_match(pattern.glob, role.str());
    if (matched) return std::nullopt;
  }
  std::string why = util::cat("role ", role.str(), " is not permitted in namespace ", namespace_);
  if (!has_allowed_roles_ && !has_permitted_) {
    why = util::cat(why, ": the Namespace has no ", kAllowedRolesAnnotation, " or ",
                    kPermittedAnnotation, " annotation and --default-allowed-roles does not ",
                    "allow it; allow it on the Namespace, e.g. ", kAllowedRolesAnnotation, ": '[\"",
                    role.str(), "\"]'");
  } else if (has_allowed_roles_ && has_permitted_) {
    why = util::cat(why, ": add it to the Namespace's annotation ", kAllowedRolesAnnotation, " or ",
                    kPermittedAnnotation);
  } else if (has_allowed_roles_) {
    why = util::cat(why, ": add it to the Namespace's annotation ", kAllowedRolesAnnotation,
                    " (a JSON array of role names, paths or ARNs; * matches any characters)");
  } else {
    why = util::cat(why, ": change the Namespace's annotation ", kPermittedAnnotation,
                    " (a regular expression the whole role ARN must match)");
  }
  if (!own_account) {
    why = util::cat(why, "; roles of account ", role.account_id(),
                    " are allowed only by patterns that begin with ", role_prefix);
  }
  return why;
}

}  // namespace controller
