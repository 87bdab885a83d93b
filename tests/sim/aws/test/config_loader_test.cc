// Reading the IAM world from YAML / JSON.
#include "tests/sim/aws/config_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/sim/aws/iam_model.h"

namespace sim::aws {
namespace {

TEST(ConfigLoaderTest, SandboxConfigLoadsAndIsValid) {
  const char* source = std::getenv("KAIC_SOURCE_DIR");
  ASSERT_NE(source, nullptr) << "run through ctest (KAIC_SOURCE_DIR)";
  auto config = load_iam_config(std::string(source) + "/tests/sim/aws/sandbox-config.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->accounts, std::vector<std::string>{"123456789012"});
  ASSERT_EQ(config->users.size(), 1u);
  EXPECT_EQ(config->users[0].access_key_id, "AKIASIMBOOTSTRAP0001");
  ASSERT_TRUE(config->instance_profile);
  EXPECT_EQ(config->instance_profile->role_arn,
            "arn:aws:iam::123456789012:role/kube-aws-iam-controller");
  ASSERT_TRUE(config->container_credentials);
  EXPECT_EQ(config->web_identity_tokens.size(), 1u);
  auto model = IamModel::create(std::move(config).value());
  ASSERT_TRUE(model.ok()) << model.status();

  // The demo's promises: the base role reaches team/app/my-role and any other
  // role, but not denied-role.
  Principal base{PrincipalKind::kAssumedRole,
                 "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/i-1", "AROA:i-1",
                 "123456789012", "arn:aws:iam::123456789012:role/kube-aws-iam-controller"};
  for (const char* role : {"arn:aws:iam::123456789012:role/team/app/my-role",
                           "arn:aws:iam::123456789012:role/anything/else",
                           "arn:aws:iam::123456789012:role/kaic-intermediate"}) {
    auto r = (*model)->find_role(role);
    ASSERT_TRUE(r) << role;
    EXPECT_TRUE(role_trusts(*r, base)) << role;
  }
  auto denied = (*model)->find_role("arn:aws:iam::123456789012:role/denied-role");
  ASSERT_TRUE(denied);
  EXPECT_FALSE(role_trusts(*denied, base));
}

TEST(ConfigLoaderTest, JsonWorksToo) {
  auto config = parse_iam_config(R"({
    "regions": ["us-east-1"],
    "issued_duration_cap": "90s",
    "users": [{"arn": "arn:aws:iam::123456789012:user/u", "access_key_id": "AKIAUUUUUUUUUUUUUUUU",
               "secret_access_key": "s3cr3t"}],
    "roles": [{"arn": "arn:aws:iam::123456789012:role/r", "max_session_duration": 7200,
               "trust": ["*"], "external_id": "x-1",
               "required_session_tags": [{"key": "ns", "value": "default"}, {"key": "cluster"}]}]
  })");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->issued_duration_cap, absl::Seconds(90));
  ASSERT_EQ(config->roles.size(), 1u);
  EXPECT_EQ(config->roles[0].max_session_duration, absl::Hours(2));
  EXPECT_EQ(config->roles[0].external_id, "x-1");
  ASSERT_EQ(config->roles[0].required_session_tags.size(), 2u);
  EXPECT_EQ(config->roles[0].required_session_tags[0].value, "default");
  EXPECT_FALSE(config->roles[0].required_session_tags[1].value);
  EXPECT_EQ(config->users[0].secret_access_key.reveal(), "s3cr3t");
}

TEST(ConfigLoaderTest, ErrorsNameTheKey) {
  struct Row {
    const char* text;
    const char* error_part;
  };
  const Row rows[] = {
      {"roles: [{arn: x, trust: ['*'], max_sesion_duration: 1h}]",
       "unknown key 'max_sesion_duration'"},
      {"roles: [{trust: ['*']}]", "missing required key 'arn'"},
      {"roles: [{arn: x, trust: ['*'], max_session_duration: soon}]",
       "roles[0].max_session_duration"},
      {"users: {a: b}", "users: must be a list"},
      {"instance_profile: {arn: x}", "missing required key 'role'"},
      {"colour: blue", "unknown key 'colour'"},
      {"roles: [unclosed", "aws-sim config"},
  };
  for (const Row& row : rows) {
    auto config = parse_iam_config(row.text);
    ASSERT_FALSE(config.ok()) << row.text;
    EXPECT_EQ(config.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(row.error_part), std::string::npos)
        << row.text << " -> " << config.status();
  }
  EXPECT_EQ(load_iam_config("/nonexistent/aws-sim.yaml").status().code(),
            util::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sim::aws
