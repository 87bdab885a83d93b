#include "tests/sim/aws/sts_request.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace sim::aws {
namespace {

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && util::hex_digit_value(text[i + 1]) >= 0 &&
               util::hex_digit_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(util::hex_digit_value(text[i + 1]) * 16 +
                                      util::hex_digit_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Java's \w: [a-zA-Z_0-9].
bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool all_of_set(std::string_view value, std::string_view extra) {
  return std::all_of(value.begin(), value.end(), [&](char c) {
    return word_char(c) || extra.find(c) != std::string_view::npos;
  });
}
// AWS's tag pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*, with letters/digits/spaces
// taken as ASCII plus any non-ASCII byte (UTF-8 letters).
bool tag_chars(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return word_char(c) || static_cast<unsigned char>(c) >= 0x80 ||
           std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
  });
}

// Collects "Value '<v>' at '<field>' failed to satisfy constraint: <what>" lines.
class Failures {
 public:
  void add(std::string_view field, const std::string* value, std::string_view constraint,
           bool sensitive = false) {
    std::string shown = value == nullptr ? "Value null"
                        : sensitive      ? "Value"
                                         : util::cat("Value '", *value, "'");
    items_.push_back(
        util::cat(shown, " at '", field, "' failed to satisfy constraint: ", constraint));
  }
  void length(std::string_view field, const std::string& value, size_t min, size_t max,
              bool sensitive = false) {
    if (value.size() < min) {
      add(field, &value, util::cat("Member must have length greater than or equal to ", min),
          sensitive);
    }
    if (value.size() > max) {
      add(field, &value, util::cat("Member must have length less than or equal to ", max),
          sensitive);
    }
  }
  void required(std::string_view field, const std::optional<std::string>& value) {
    if (!value) add(field, nullptr, "Member must not be null");
  }
  std::optional<StsError> result() const {
    if (items_.empty()) return std::nullopt;
    return StsError::validation(items_);
  }

 private:
  std::vector<std::string> items_;
};

void check_role_arn(Failures& f, const StsRequest& r) {
  f.required("roleArn", r.role_arn);
  if (r.role_arn) f.length("roleArn", *r.role_arn, 20, 2048);
}

void check_session_name(Failures& f, const StsRequest& r) {
  f.required("roleSessionName", r.role_session_name);
  if (!r.role_session_name) return;
  if (!all_of_set(*r.role_session_name, "+=,.@-")) {
    f.add("roleSessionName", &*r.role_session_name,
          "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  f.length("roleSessionName", *r.role_session_name, 2, 64);
}

void check_duration(Failures& f, const StsRequest& r) {
  if (!r.duration_text) return;
  if (!r.duration_seconds) {
    f.add("durationSeconds", &*r.duration_text, "Member must be a number");
    return;
  }
  if (*r.duration_seconds < 900) {
    f.add("durationSeconds", &*r.duration_text,
          "Member must have value greater than or equal to 900");
  }
  if (*r.duration_seconds > 43200) {
    f.add("durationSeconds", &*r.duration_text,
          "Member must have value less than or equal to 43200");
  }
}

void check_policy_arns(Failures& f, const StsRequest& r) {
  for (size_t i = 0; i < r.policy_arns.size(); ++i) {
    f.length(util::cat("policyArns.", i + 1, ".member.arn"), r.policy_arns[i], 20, 2048);
  }
}

void check_tags(Failures& f, const StsRequest& r) {
  if (r.tags.size() > 50) {
    const std::string count = std::to_string(r.tags.size());
    f.add("tags", &count, "Member must have length less than or equal to 50");
  }
  for (size_t i = 0; i < r.tags.size(); ++i) {
    const auto& [key, value] = r.tags[i];
    const std::string key_field = util::cat("tags.", i + 1, ".member.key");
    if (!tag_chars(key)) {
      f.add(key_field, &key,
            "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    }
    f.length(key_field, key, 1, 128);
    const std::string value_field = util::cat("tags.", i + 1, ".member.value");
    if (!tag_chars(value)) {
      f.add(value_field, &value,
            "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    }
    f.length(value_field, value, 0, 256);
  }
}

void check_external_id(Failures& f, const StsRequest& r) {
  if (!r.external_id) return;
  if (!all_of_set(*r.external_id, "+=,.@:/-")) {
    f.add("externalId", &*r.external_id,
          "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
  }
  f.length("externalId", *r.external_id, 2, 1224);
}

void check_source_identity(Failures& f, const StsRequest& r) {
  if (!r.source_identity) return;
  if (!all_of_set(*r.source_identity, "+=,.@-")) {
    f.add("sourceIdentity", &*r.source_identity,
          "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  f.length("sourceIdentity", *r.source_identity, 2, 64);
}

std::optional<StsError> check_policy_document(const StsRequest& r) {
  if (!r.policy) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(r.policy->c_str(), r.policy->size());
  if (doc.HasParseError() || !doc.IsObject()) return StsError::malformed_policy_document();
  const std::optional<int> percent = packed_policy_percent(r);
  if (percent && *percent > 100) return StsError::packed_policy_too_large(*percent);
  return std::nullopt;
}

}  // namespace

ParamList parse_form(std::string_view text) {
  ParamList out;
  if (text.empty()) return out;
  for (std::string_view pair : util::split(text, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(form_decode(pair), "");
    } else {
      out.emplace_back(form_decode(pair.substr(0, eq)), form_decode(pair.substr(eq + 1)));
    }
  }
  return out;
}

std::optional<std::string> find_param(const ParamList& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

StsRequest parse_sts_request(const ParamList& params) {
  StsRequest r;
  r.action = find_param(params, "Action");
  r.version = find_param(params, "Version");
  r.role_arn = find_param(params, "RoleArn");
  r.role_session_name = find_param(params, "RoleSessionName");
  r.duration_text = find_param(params, "DurationSeconds");
  if (r.duration_text) {
    int64_t value = 0;
    const char* begin = r.duration_text->data();
    const char* end = begin + r.duration_text->size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc() && ptr == end && begin != end) r.duration_seconds = value;
  }
  r.external_id = find_param(params, "ExternalId");
  r.policy = find_param(params, "Policy");
  r.source_identity = find_param(params, "SourceIdentity");
  r.web_identity_token = find_param(params, "WebIdentityToken");
  r.provider_id = find_param(params, "ProviderId");

  // Lists: Tags.member.N.Key / .Value, TransitiveTagKeys.member.N, PolicyArns.member.N.arn,
  // ordered by N.
  std::map<int, std::pair<std::string, std::string>> tags;
  std::map<int, std::string> transitive;
  std::map<int, std::string> policy_arns;
  for (const auto& [key, value] : params) {
    const std::vector<std::string_view> parts = util::split(key, '.');
    if (parts.size() < 3 || parts[1] != "member") continue;
    int index = 0;
    auto [ptr, ec] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), index);
    if (ec != std::errc() || ptr != parts[2].data() + parts[2].size()) continue;
    if (parts[0] == "Tags" && parts.size() == 4 && parts[3] == "Key") tags[index].first = value;
    if (parts[0] == "Tags" && parts.size() == 4 && parts[3] == "Value") tags[index].second = value;
    if (parts[0] == "TransitiveTagKeys" && parts.size() == 3) transitive[index] = value;
    if (parts[0] == "PolicyArns" && parts.size() == 4 && parts[3] == "arn") {
      policy_arns[index] = value;
    }
  }
  for (auto& [_, tag] : tags)
    r.tags.push_back(std::move(tag));
  for (auto& [_, key] : transitive)
    r.transitive_tag_keys.push_back(std::move(key));
  for (auto& [_, arn] : policy_arns)
    r.policy_arns.push_back(std::move(arn));
  return r;
}

std::optional<StsError> validate_assume_role(const StsRequest& request) {
  // Member order of STS's AssumeRoleRequest shape, which is the order STS lists failures in.
  Failures f;
  check_role_arn(f, request);
  check_session_name(f, request);
  check_policy_arns(f, request);
  check_duration(f, request);
  check_tags(f, request);
  check_external_id(f, request);
  check_source_identity(f, request);
  if (auto error = f.result()) return error;
  return check_policy_document(request);
}

std::optional<StsError> validate_assume_role_with_web_identity(const StsRequest& request) {
  Failures f;
  check_role_arn(f, request);
  check_session_name(f, request);
  f.required("webIdentityToken", request.web_identity_token);
  if (request.web_identity_token) {
    f.length("webIdentityToken", *request.web_identity_token, 4, 20000, /*sensitive=*/true);
  }
  if (request.provider_id) f.length("providerId", *request.provider_id, 4, 2048);
  check_policy_arns(f, request);
  check_duration(f, request);
  if (auto error = f.result()) return error;
  return check_policy_document(request);
}

std::optional<int> packed_policy_percent(const StsRequest& request) {
  if (!request.policy && request.policy_arns.empty() && request.tags.empty()) return std::nullopt;
  // STS compresses policies and tags into a binary form with a fixed budget;
  // approximate: 2048 plain characters of policy / tag text fill it.
  size_t bytes = request.policy ? request.policy->size() : 0;
  for (const std::string& arn : request.policy_arns)
    bytes += arn.size();
  for (const auto& [key, value] : request.tags)
    bytes += key.size() + value.size() + 2;
  return static_cast<int>((bytes * 100 + 2047) / 2048);
}

}  // namespace sim::aws
