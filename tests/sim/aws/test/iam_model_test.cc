// IAM names, globs, trust and config checks.
#include "tests/sim/aws/iam_model.h"

#include <gtest/gtest.h>

#include "tests/sim/aws/iam_names.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

TEST(GlobMatchTest, Table) {
  struct Row {
    const char* pattern;
    const char* text;
    bool match;
  };
  const Row rows[] = {
      {"*", "", true},
      {"*", "anything/at/all", true},
      {"arn:aws:iam::1:role/load/*", "arn:aws:iam::1:role/load/r1", true},
      {"arn:aws:iam::1:role/load/*", "arn:aws:iam::1:role/load/a/b", true},
      {"arn:aws:iam::1:role/load/*", "arn:aws:iam::1:role/loader", false},
      {"arn:aws:iam::1:role/r?", "arn:aws:iam::1:role/r1", true},
      {"arn:aws:iam::1:role/r?", "arn:aws:iam::1:role/r12", false},
      {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "aXXbYY", false},
      {"exact", "exact", true},
      {"exact", "Exact", false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(glob_match(row.pattern, row.text), row.match) << row.pattern << " ~ " << row.text;
  }
}

TEST(ParseRoleArnTest, AcceptsRolesWithPathsAndPartitions) {
  auto p = parse_role_arn("arn:aws-cn:iam::123456789012:role/team/app/my-role");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->partition, "aws-cn");
  EXPECT_EQ(p->account, "123456789012");
  EXPECT_EQ(p->path, "/team/app/");
  EXPECT_EQ(p->name, "my-role");
  EXPECT_EQ(assumed_role_arn(*p, "s"), "arn:aws-cn:sts::123456789012:assumed-role/my-role/s");
  for (const char* bad :
       {"arn:aws:iam::12345678901:role/x", "arn:aws:iam::123456789012:user/x",
        "arn:aws:s3::123456789012:role/x", "arn:aws:iam:us-east-1:123456789012:role/x",
        "arn:aws:iam::123456789012:role/", "role/x"}) {
    EXPECT_FALSE(parse_role_arn(bad)) << bad;
  }
}

TEST(UniqueIdTest, StableAndShaped) {
  const std::string a = unique_id_for("AROA", "arn:aws:iam::1:role/a");
  EXPECT_EQ(a, unique_id_for("AROA", "arn:aws:iam::1:role/a"));
  EXPECT_NE(a, unique_id_for("AROA", "arn:aws:iam::1:role/b"));
  EXPECT_EQ(a.size(), 21u);
}

TEST(RoleTrustTest, Entries) {
  Principal user{PrincipalKind::kUser, "arn:aws:iam::123456789012:user/alice", "AIDA",
                 "123456789012", ""};
  Principal session{PrincipalKind::kAssumedRole, "arn:aws:sts::123456789012:assumed-role/base/s1",
                    "AROA:s1", "123456789012", "arn:aws:iam::123456789012:role/ops/base"};
  auto trusts = [](std::vector<std::string> trust, const Principal& p) {
    RoleConfig r;
    r.trust = std::move(trust);
    return role_trusts(r, p);
  };
  EXPECT_TRUE(trusts({"arn:aws:iam::123456789012:user/alice"}, user));
  EXPECT_FALSE(trusts({"arn:aws:iam::123456789012:user/bob"}, user));
  EXPECT_TRUE(trusts({"*"}, user));
  EXPECT_TRUE(trusts({"arn:aws:iam::123456789012:root"}, user));
  EXPECT_FALSE(trusts({"arn:aws:iam::210987654321:root"}, user));
  // A role ARN (with its path) admits its sessions; so does the session ARN itself.
  EXPECT_TRUE(trusts({"arn:aws:iam::123456789012:role/ops/base"}, session));
  EXPECT_TRUE(trusts({"arn:aws:iam::123456789012:role/ops/*"}, session));
  EXPECT_TRUE(trusts({"arn:aws:sts::123456789012:assumed-role/base/*"}, session));
  EXPECT_FALSE(trusts({"arn:aws:iam::123456789012:role/base"}, session));
  EXPECT_FALSE(trusts({"web-identity"}, user));
}

TEST(IamModelTest, CreateRejectsBadConfigs) {
  struct Row {
    const char* name;
    std::function<void(IamConfig&)> change;
    const char* error_part;
  };
  const std::vector<Row> rows = {
      {"bad user arn", [](IamConfig& c) { c.users[0].arn = "arn:aws:iam::1:user/x"; },
       "not an IAM user ARN"},
      {"duplicate key", [](IamConfig& c) { c.users[1].access_key_id = c.users[0].access_key_id; },
       "already used"},
      {"max duration too short",
       [](IamConfig& c) { c.roles[0].max_session_duration = absl::Seconds(900); },
       "max_session_duration"},
      {"max duration too long",
       [](IamConfig& c) { c.roles[0].max_session_duration = absl::Hours(13); },
       "max_session_duration"},
      {"empty trust", [](IamConfig& c) { c.roles[0].trust.clear(); }, "empty trust list"},
      {"not a role", [](IamConfig& c) { c.roles[0].arn = "arn:aws:iam::123456789012:user/x"; },
       "not an IAM role ARN"},
      {"unknown account", [](IamConfig& c) { c.roles[0].arn = "arn:aws:iam::999999999999:role/x"; },
       "not in `accounts`"},
      {"instance role missing",
       [](IamConfig& c) { c.instance_profile->role_arn = "arn:aws:iam::123456789012:role/zzz/q"; },
       "not a configured role"},
      {"container path", [](IamConfig& c) { c.container_credentials->path = "v1"; },
       "path must start"},
  };
  for (const Row& row : rows) {
    IamConfig config = test_config();
    row.change(config);
    auto model = IamModel::create(std::move(config));
    ASSERT_FALSE(model.ok()) << row.name;
    EXPECT_EQ(model.status().code(), util::StatusCode::kInvalidArgument) << row.name;
    EXPECT_NE(model.status().message().find(row.error_part), std::string::npos)
        << row.name << ": " << model.status();
  }
}

TEST(IamModelTest, ExactRoleWinsOverEarlierPattern) {
  IamConfig config;
  RoleConfig pattern;
  pattern.arn = "arn:aws:iam::123456789012:role/*";
  pattern.trust = {"*"};
  RoleConfig exact;
  exact.arn = "arn:aws:iam::123456789012:role/special";
  exact.trust = {"arn:aws:iam::123456789012:user/one"};
  exact.max_session_duration = absl::Hours(2);
  config.roles = {pattern, exact};
  auto model = IamModel::create(std::move(config));
  ASSERT_TRUE(model.ok()) << model.status();
  auto special = (*model)->find_role("arn:aws:iam::123456789012:role/special");
  ASSERT_TRUE(special);
  EXPECT_EQ(special->max_session_duration, absl::Hours(2));
  auto other = (*model)->find_role("arn:aws:iam::123456789012:role/x/y");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->arn, "arn:aws:iam::123456789012:role/x/y");
  EXPECT_FALSE((*model)->find_role("arn:aws:iam::123456789012:user/x"));
}

}  // namespace
}  // namespace sim::aws::testing
