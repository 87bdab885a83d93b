#include "pkg/aws/arn.h"

#include <regex>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

using ::testing::HasSubstr;

TEST(PartitionTest, NamesAndDnsSuffixes) {
  struct Row {
    std::string_view name;
    std::string_view suffix;
  };
  const Row rows[] = {{"aws", "amazonaws.com"},        {"aws-cn", "amazonaws.com.cn"},
                      {"aws-us-gov", "amazonaws.com"}, {"aws-iso", "c2s.ic.gov"},
                      {"aws-iso-b", "sc2s.sgov.gov"},  {"aws-iso-e", "cloud.adc-e.uk"},
                      {"aws-iso-f", "csp.hci.ic.gov"}, {"aws-eusc", "amazonaws.eu"}};
  ASSERT_EQ(all_partitions().size(), std::size(rows));
  for (const Row& row : rows) {
    const util::StatusOr<Partition> p = parse_partition(row.name);
    ASSERT_TRUE(p.ok()) << row.name;
    EXPECT_EQ(partition_name(*p), row.name);
    EXPECT_EQ(dns_suffix(*p), row.suffix) << row.name;
  }
  EXPECT_THAT(parse_partition("aws-foo").status().message(),
              HasSubstr("unknown partition 'aws-foo'"));
  EXPECT_FALSE(parse_partition("AWS").ok());
}

TEST(PartitionTest, PartitionOfRegion) {
  EXPECT_EQ(partition_of_region("us-east-1"), Partition::kAws);
  EXPECT_EQ(partition_of_region("eu-central-1"), Partition::kAws);
  EXPECT_EQ(partition_of_region("cn-north-1"), Partition::kAwsCn);
  EXPECT_EQ(partition_of_region("cn-northwest-1"), Partition::kAwsCn);
  EXPECT_EQ(partition_of_region("us-gov-west-1"), Partition::kAwsUsGov);
  EXPECT_EQ(partition_of_region("us-iso-east-1"), Partition::kAwsIso);
  EXPECT_EQ(partition_of_region("us-isob-east-1"), Partition::kAwsIsoB);
  EXPECT_EQ(partition_of_region("eu-isoe-west-1"), Partition::kAwsIsoE);
  EXPECT_EQ(partition_of_region("us-isof-south-1"), Partition::kAwsIsoF);
  EXPECT_EQ(partition_of_region("eusc-de-east-1"), Partition::kAwsEusc);
}

TEST(ArnTest, ParsesFields) {
  const util::StatusOr<Arn> arn = Arn::parse("arn:aws:sts::123456789012:assumed-role/r/s:x");
  ASSERT_TRUE(arn.ok()) << arn.status();
  EXPECT_EQ(arn->partition(), Partition::kAws);
  EXPECT_EQ(arn->service(), "sts");
  EXPECT_EQ(arn->region(), "");
  EXPECT_EQ(arn->account_id(), "123456789012");
  EXPECT_EQ(arn->resource(), "assumed-role/r/s:x");
}

TEST(ArnTest, Errors) {
  struct Row {
    std::string_view text;
    std::string_view want;
  };
  const Row rows[] = {
      {"", "must start with 'arn:'"},
      {"arm:aws:iam::123456789012:role/x", "must start with 'arn:'"},
      {"arn:aws:iam", "want arn:<partition>"},
      {"arn:aws-foo:iam::123456789012:role/x",
       "unknown partition 'aws-foo' in ARN 'arn:aws-foo:iam::123456789012:role/x'"},
      {"arn:aws::::x", "empty service"},
      {"arn:aws:iam::123456789012:", "empty resource"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<Arn> arn = Arn::parse(row.text);
    ASSERT_FALSE(arn.ok()) << row.text;
    EXPECT_EQ(arn.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_THAT(arn.status().message(), HasSubstr(row.want)) << row.text;
  }
}

TEST(RoleArnTest, ParsesEveryPartition) {
  for (Partition p : all_partitions()) {
    const std::string text =
        util::cat("arn:", partition_name(p), ":iam::123456789012:role/team/app/my-role");
    const util::StatusOr<RoleArn> role = RoleArn::parse(text);
    ASSERT_TRUE(role.ok()) << role.status();
    EXPECT_EQ(role->partition(), p);
    EXPECT_EQ(role->account_id(), "123456789012");
    EXPECT_EQ(role->path(), "/team/app/");
    EXPECT_EQ(role->name(), "my-role");
    EXPECT_EQ(role->str(), text);
  }
}

TEST(RoleArnTest, Errors) {
  struct Row {
    std::string text;
    std::string_view want;
  };
  const Row rows[] = {
      {"arn:aws:iam::123456789012:user/bob", "not an IAM role"},
      {"arn:aws:s3:::bucket", "service is 's3', not 'iam'"},
      {"arn:aws:iam:us-east-1:123456789012:role/x", "IAM ARNs have no region"},
      {"arn:aws:iam::1234:role/x", "account id '1234' is not 12 digits"},
      {"arn:aws:iam::123456789012:role/", "empty role name"},
      {"arn:aws:iam::123456789012:role/team/", "empty role name"},
      {"arn:aws:iam::123456789012:role//x", "empty path level"},
      {"arn:aws:iam::123456789012:role/bad name", "role name may contain only"},
      {"arn:aws:iam::123456789012:role/a\x01/x", "printable ASCII"},
      {"arn:aws:iam::123456789012:role/" + std::string(65, 'n'), "longer than 64"},
      {"arn:aws-foo:iam::123456789012:role/x", "unknown partition 'aws-foo'"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<RoleArn> role = RoleArn::parse(row.text);
    ASSERT_FALSE(role.ok()) << row.text;
    EXPECT_EQ(role.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_THAT(role.status().message(), HasSubstr(row.want)) << row.text;
  }
  const std::string long_path = "arn:aws:iam::123456789012:role/" + std::string(600, 'p') + "/x";
  EXPECT_THAT(RoleArn::parse(long_path).status().message(), HasSubstr("path longer than 512"));
}

TEST(BaseRoleArnTest, ParsesAndAddsMissingSlash) {
  const util::StatusOr<BaseRoleArn> base = BaseRoleArn::parse("arn:aws-cn:iam::123456789012:role");
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_EQ(base->str(), "arn:aws-cn:iam::123456789012:role/");
  EXPECT_EQ(base->partition(), Partition::kAwsCn);
  const util::StatusOr<BaseRoleArn> with_path =
      BaseRoleArn::parse("arn:aws:iam::123456789012:role/division/team/");
  ASSERT_TRUE(with_path.ok()) << with_path.status();
  EXPECT_EQ(with_path->str(), "arn:aws:iam::123456789012:role/division/team/");
  EXPECT_FALSE(BaseRoleArn::parse("arn:aws:iam::123456789012:user/").ok());
  EXPECT_FALSE(BaseRoleArn::parse("arn:aws:iam::12345:role/").ok());
  EXPECT_THAT(BaseRoleArn::parse("arn:aws-foo:iam::123456789012:role/").status().message(),
              HasSubstr("unknown partition 'aws-foo'"));
}

TEST(ResolveRoleReferenceTest, AsTheGoOriginal) {
  const BaseRoleArn base = *BaseRoleArn::parse("arn:aws:iam::123456789012:role/");
  struct Row {
    std::string_view reference;
    std::string_view want;
  };
  const Row rows[] = {
      {"my-role", "arn:aws:iam::123456789012:role/my-role"},
      {"team/app/my-role", "arn:aws:iam::123456789012:role/team/app/my-role"},
      {"arn:aws:iam::210987654321:role/other", "arn:aws:iam::210987654321:role/other"},
      {"arn:aws-us-gov:iam::123456789012:role/k8s/x",
       "arn:aws-us-gov:iam::123456789012:role/k8s/x"},
      {"arn:aws-cn:iam::123456789012:role/x", "arn:aws-cn:iam::123456789012:role/x"},
      {"arn:aws-iso-f:iam::123456789012:role/x", "arn:aws-iso-f:iam::123456789012:role/x"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<RoleArn> role = resolve_role_reference(row.reference, &base);
    ASSERT_TRUE(role.ok()) << row.reference << ": " << role.status();
    EXPECT_EQ(role->str(), row.want);
  }
}

TEST(ResolveRoleReferenceTest, Errors) {
  const BaseRoleArn base = *BaseRoleArn::parse("arn:aws:iam::123456789012:role/");
  EXPECT_THAT(
      resolve_role_reference("arn:aws-foo:iam::123456789012:role/x", &base).status().message(),
      HasSubstr("unknown partition 'aws-foo' in ARN"));
  EXPECT_THAT(resolve_role_reference("arn:aws:iam::123456789012:user/x", &base).status().message(),
              HasSubstr("not an IAM role"));
  EXPECT_THAT(resolve_role_reference("bad name", &base).status().message(),
              HasSubstr("role name may contain only"));
  EXPECT_THAT(resolve_role_reference("team/", &base).status().message(),
              HasSubstr("empty role name"));
  EXPECT_EQ(resolve_role_reference("", &base).status().code(), util::StatusCode::kInvalidArgument);
  const util::Status no_base = resolve_role_reference("my-role", nullptr).status();
  EXPECT_EQ(no_base.code(), util::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_base.message(), HasSubstr("no base role ARN"));
  // A full ARN needs no base.
  EXPECT_TRUE(resolve_role_reference("arn:aws:iam::123456789012:role/x", nullptr).ok());
}

TEST(BaseRoleArnFromInstanceProfileTest, AsTheGoOriginal) {
  struct Row {
    std::string_view profile;
    std::string_view want;
  };
  const Row rows[] = {
      {"arn:aws:iam::123456789012:instance-profile/foo", "arn:aws:iam::123456789012:role/"},
      {"arn:aws:iam::123456789012:instance-profile/path/to/foo", "arn:aws:iam::123456789012:role/"},
      {"arn:aws-cn:iam::123456789012:instance-profile/foo", "arn:aws-cn:iam::123456789012:role/"},
      {"arn:aws-us-gov:iam::123456789012:instance-profile/f",
       "arn:aws-us-gov:iam::123456789012:role/"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<BaseRoleArn> base = base_role_arn_from_instance_profile(row.profile);
    ASSERT_TRUE(base.ok()) << base.status();
    EXPECT_EQ(base->str(), row.want);
  }
  EXPECT_FALSE(base_role_arn_from_instance_profile("arn:aws:iam::123456789012:role/foo").ok());
  EXPECT_FALSE(
      base_role_arn_from_instance_profile("arn:aws:iam::123456789012:instance-profile/").ok());
  EXPECT_FALSE(base_role_arn_from_instance_profile("not-an-arn").ok());
}

std::string session_name(std::string_view arn) {
  const util::StatusOr<RoleArn> role = RoleArn::parse(arn);
  EXPECT_TRUE(role.ok()) << role.status();
  return role.ok() ? role_session_name(*role) : "";
}

// The Go original's table (controller_test.go), for every partition it handled.
TEST(RoleSessionNameTest, GoldenCasesOfTheGoOriginal) {
  for (std::string_view partition : {"aws", "aws-cn", "aws-us-gov"}) {
    const std::string prefix = util::cat("arn:", partition, ":iam::012345678910:role/");
    EXPECT_EQ(session_name(prefix + "role-name"), "012345678910.role-name");
    EXPECT_EQ(session_name(prefix + "role-name-very-very-very-very-very-very-very-very-long"),
              "012345678910.role-name-very-very-very-very-very-very-very-very-l");
    EXPECT_EQ(session_name(prefix + "path-name/role-name"), "012345678910.path-name.role-name");
    EXPECT_EQ(session_name(prefix + "aaaaa/bbbbb/ccccccccccccccccccccccccccccccccccccc-role-name"),
              "012345678910.a.b.ccccccccccccccccccccccccccccccccccccc-role-name");
  }
}

TEST(RoleSessionNameTest, EveryPartition) {
  for (Partition p : all_partitions()) {
    EXPECT_EQ(session_name(util::cat("arn:", partition_name(p), ":iam::123456789012:role/team/r")),
              "123456789012.team.r");
  }
}

TEST(RoleSessionNameTest, MapsCharactersStsRejects) {
  // IAM paths allow any printable ASCII; STS session names only [\w+=,.@-].
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/a:b/r"), "123456789012.a_b.r");
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/t#x!y/r"), "123456789012.t_x_y.r");
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/~team/r@x=1,2+3.4"),
            "123456789012._team.r@x=1,2+3.4");
}

TEST(IamAccountPrefixTest, OnlyWhenPartitionAndAccountAreSpelledOut) {
  EXPECT_EQ(iam_account_prefix("arn:aws:iam::123456789012:role/team/app"),
            "arn:aws:iam::123456789012:");
  EXPECT_EQ(iam_account_prefix("arn:aws-cn:iam::123456789012:role/"),
            "arn:aws-cn:iam::123456789012:");
  EXPECT_EQ(iam_account_prefix("arn:aws:iam::210987654321:role/x*"), "arn:aws:iam::210987654321:")
      << "the rest may be a pattern";
  EXPECT_EQ(iam_account_prefix("arn:aws:iam::*:role/x"), "");
  EXPECT_EQ(iam_account_prefix("arn:*:iam::123456789012:role/x"), "");
  EXPECT_EQ(iam_account_prefix("arn:aws:iam::\\d{12}:role/x"), "");
  EXPECT_EQ(iam_account_prefix("arn:aws:s3:::bucket"), "");
  EXPECT_EQ(iam_account_prefix("team/app"), "");
}

TEST(RoleSessionNameTest, TruncatesLongPaths) {
  // remaining = 64 - 12 = 52; name "r" needs 2, so the path level keeps 52 - 2 - 1 = 49.
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/" + std::string(60, 'p') + "/r"),
            "123456789012." + std::string(49, 'p') + ".r");
  // A 64-char name keeps 51, each of 3 levels keeps 1: 12 + 3*2 + 1 + 45 = 64.
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/aa/bb/cc/" + std::string(64, 'n')),
            "123456789012.a.b.c." + std::string(45, 'n'));
}

TEST(RoleSessionNameTest, DeepPathsStillGiveAValidName) {
  std::string path;
  for (int i = 0; i < 26; ++i)
    path += util::cat("l", i, "/");
  // 25 levels + name = 26 levels: the original's limit; the name keeps 1 char.
  const std::string at_limit =
      session_name("arn:aws:iam::123456789012:role/" + path.substr(path.find("l1/")) + "role");
  EXPECT_EQ(at_limit.size(), 64u);
  EXPECT_EQ(at_limit.substr(0, 16), "123456789012.l.l");
  EXPECT_EQ(at_limit.back(), 'r');
  // 27 levels: the original would panic; the name is kept whole with its
  // nearest levels: keep = 1 + (51 - 4) / 2 = 24 levels (l3..l25 + role),
  // l25 keeping what is left ("l2"): 12 + 22 * 2 + 3 + 5 = 64.
  std::string want = "123456789012";
  for (int i = 0; i < 22; ++i)
    want += ".l";
  want += ".l2.role";
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/" + path + "role"), want);
  // 200 levels.
  std::string very_deep;
  for (int i = 0; i < 200; ++i)
    very_deep += "x/";
  EXPECT_EQ(session_name("arn:aws:iam::123456789012:role/" + very_deep + std::string(64, 'n')),
            "123456789012." + std::string(51, 'n'));
}

TEST(RoleSessionNameTest, AlwaysValidForSts) {
  const std::regex sts_pattern(R"([\w+=,.@-]{2,64})");
  const std::string odd[] = {
      "arn:aws:iam::123456789012:role/x",
      "arn:aws:iam::123456789012:role/" + std::string(64, 'n'),
      "arn:aws:iam::123456789012:role/!/\"/#/$/%/&/'/(/)/*/r",
      "arn:aws-iso-b:iam::123456789012:role/" + std::string(500, ':') + "/r",
  };
  for (const std::string& arn : odd) {
    const std::string name = session_name(arn);
    EXPECT_TRUE(std::regex_match(name, sts_pattern)) << arn << " -> " << name;
  }
  std::string levels;
  for (int n = 1; n < 120; ++n) {
    levels += "ab/";
    const std::string name = session_name("arn:aws:iam::123456789012:role/" + levels + "name");
    EXPECT_TRUE(std::regex_match(name, sts_pattern)) << n << " levels -> " << name;
  }
}

}  // namespace
}  // namespace aws
