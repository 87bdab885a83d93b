#include "controller/domain/secret_data.h"

#include <charconv>

#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {

SecretData render_secret_data(const RoleCredentials& credentials, int64_t generation,
                              std::string_view mount_path) {
  const std::string expire = util::format_rfc3339(credentials.expiration);
  SecretData data;
  data.emplace(kCredentialsKey,
               util::SecretString(
                   util::cat("[default]\naws_access_key_id = ", credentials.access_key_id,
                             "\naws_secret_access_key = ", credentials.secret_access_key.reveal(),
                             "\naws_session_token = ", credentials.session_token.reveal(),
                             "\naws_expiration = ", expire, "\n")));
  data.emplace(kCredentialsProcessKey,
               util::SecretString(util::cat("[default]\ncredential_process = cat ", mount_path,
                                            "/credentials.json\n")));
  data.emplace(
      kCredentialsJsonKey,
      util::SecretString(util::cat(
          "{\"Version\":1,\"AccessKeyId\":", util::json_quote(credentials.access_key_id),
          ",\"SecretAccessKey\":", util::json_quote(credentials.secret_access_key.reveal()),
          ",\"SessionToken\":", util::json_quote(credentials.session_token.reveal()),
          ",\"Expiration\":", util::json_quote(util::format_rfc3339_nano(credentials.expiration)),
          "}")));
  data.emplace(kRoleArnKey, util::SecretString(credentials.role_arn));
  data.emplace(kExpireKey, util::SecretString(expire));
  data.emplace(kGenerationKey, util::SecretString(util::cat(generation)));
  return data;
}

SecretDataState inspect_secret_data(const SecretData& data) {
  return inspect_secret_data(data, [&](std::string_view key) {
    auto it = data.find(key);
    return it != data.end() && !it->second.empty();
  });
}

SecretDataState inspect_secret_data(const SecretData& data,
                                    const std::function<bool(std::string_view key)>& holds) {
  SecretDataState state;
  auto find = [&](std::string_view key) -> const util::SecretString* {
    auto it = data.find(key);
    return it == data.end() ? nullptr : &it->second;
  };
  for (std::string_view key : {kCredentialsKey, kCredentialsProcessKey, kCredentialsJsonKey}) {
    if (!holds(key)) state.problems.push_back(util::cat(key, " is missing"));
  }
  if (const util::SecretString* expire = find(kExpireKey); expire == nullptr) {
    state.problems.push_back(util::cat(kExpireKey, " is missing"));
  } else if (auto t = util::parse_rfc3339(expire->reveal()); t.ok()) {
    state.expire = *t;
  } else {
    state.problems.push_back(util::cat(kExpireKey, " is not an RFC 3339 time"));
  }
  if (const util::SecretString* arn = find(kRoleArnKey); arn == nullptr || arn->empty()) {
    state.problems.push_back(util::cat(kRoleArnKey, " is missing"));
  } else {
    state.role_arn = std::string(arn->reveal());
  }
  if (const util::SecretString* gen = find(kGenerationKey); gen == nullptr) {
    state.problems.push_back(util::cat(kGenerationKey, " is missing"));
  } else {
    const std::string_view text = gen->reveal();
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      state.problems.push_back(util::cat(kGenerationKey, " is not an integer"));
    } else {
      state.generation = value;
    }
  }
  return state;
}

}  // namespace controller
