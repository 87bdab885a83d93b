#include "controller/domain/secret_data.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "pkg/util/base64.h"
#include "pkg/util/rfc3339.h"

namespace controller {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string source_dir() {
  const char* dir = std::getenv("KAIC_SOURCE_DIR");
  return dir != nullptr ? dir : KAIC_SOURCE_DIR_FALLBACK;
}

// The Go original's real output for demo/my-app-iam-role (team/app/my-role).
class GoOriginalSecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string json = read_file(source_dir() + "/tests/data/go-original-output/secret.json");
    ASSERT_FALSE(doc_.Parse(json.c_str()).HasParseError());
    for (const auto& item : doc_["data"].GetObject()) {
      auto decoded = util::base64_decode(item.value.GetString());
      ASSERT_TRUE(decoded.ok());
      original_[item.name.GetString()] = *decoded;
    }
  }
  rapidjson::Document doc_;
  std::map<std::string, std::string> original_;
};

TEST_F(GoOriginalSecretTest, RendersTheSameBytesAsTheGoOriginal) {
  // Recover the credentials from the original's credentials.json.
  rapidjson::Document creds;
  ASSERT_FALSE(creds.Parse(original_["credentials.json"].c_str()).HasParseError());
  RoleCredentials in{
      .role_arn = original_["role-arn"],
      .access_key_id = creds["AccessKeyId"].GetString(),
      .secret_access_key = util::SecretString(creds["SecretAccessKey"].GetString()),
      .session_token = util::SecretString(creds["SessionToken"].GetString()),
      .expiration = *util::parse_rfc3339(creds["Expiration"].GetString()),
  };
  const SecretData ours = render_secret_data(in, /*generation=*/1, kDefaultMountPath);
  ASSERT_EQ(ours.size(), original_.size());
  for (const auto& [key, value] : original_) {
    auto it = ours.find(key);
    ASSERT_NE(it, ours.end()) << key;
    EXPECT_EQ(it->second.reveal(), value) << key;
  }
}

TEST_F(GoOriginalSecretTest, InspectsTheOriginalsSecretAsComplete) {
  SecretData data;
  for (const auto& [k, v] : original_)
    data.emplace(k, util::SecretString(v));
  const SecretDataState state = inspect_secret_data(data);
  EXPECT_TRUE(state.problems.empty());
  EXPECT_EQ(state.generation, 1);
  EXPECT_EQ(state.role_arn, "arn:aws:iam::123456789012:role/team/app/my-role");
  EXPECT_EQ(state.expire, util::parse_rfc3339("2026-11-23T16:44:56Z").value());
}

TEST(SecretDataTest, MountPathIsConfigurable) {
  const SecretData data = render_secret_data({.expiration = absl::UnixEpoch()}, 3, "/var/aws");
  EXPECT_EQ(data.at("credentials.process").reveal(),
            "[default]\ncredential_process = cat /var/aws/credentials.json\n");
  EXPECT_EQ(data.at("awsiamrole-generation").reveal(), "3");
}

TEST(SecretDataTest, EscapesJsonSpecialCharacters) {
  const SecretData data = render_secret_data({.access_key_id = "A\"B",
                                              .secret_access_key = util::SecretString("x\\y\n"),
                                              .expiration = absl::UnixEpoch()},
                                             1, kDefaultMountPath);
  rapidjson::Document doc;
  ASSERT_FALSE(
      doc.Parse(std::string(data.at("credentials.json").reveal()).c_str()).HasParseError());
  EXPECT_STREQ(doc["AccessKeyId"].GetString(), "A\"B");
  EXPECT_STREQ(doc["SecretAccessKey"].GetString(), "x\\y\n");
}

TEST(SecretDataTest, SeedSecretFromSetSecretShIsIncomplete) {
  // scripts/set_secret.sh writes only credentials.json and credentials.process.
  SecretData seed;
  seed.emplace("credentials.json", util::SecretString("{\"Version\":1}"));
  seed.emplace("credentials.process", util::SecretString("[default]\n"));
  const SecretDataState state = inspect_secret_data(seed);
  EXPECT_FALSE(state.generation.has_value());
  EXPECT_FALSE(state.expire.has_value());
  EXPECT_EQ(state.problems.size(), 4u);  // credentials, expire, role-arn, generation
}

TEST(SecretDataTest, ReportsUnparsableValues) {
  SecretData data = render_secret_data(
      {.role_arn = "arn:aws:iam::1:role/x", .expiration = absl::UnixEpoch()}, 1, kDefaultMountPath);
  data["expire"] = util::SecretString("tomorrow");
  data["awsiamrole-generation"] = util::SecretString("1x");
  const SecretDataState state = inspect_secret_data(data);
  EXPECT_EQ(state.problems, (std::vector<std::string>{"expire is not an RFC 3339 time",
                                                      "awsiamrole-generation is not an integer"}));
}

}  // namespace
}  // namespace controller
