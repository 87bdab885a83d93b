// AssumeRole: the answer's shape, trust, ExternalId, session tags, globs,
// role chaining, the issued-duration cap and the call record.
#include <gtest/gtest.h>

#include <regex>

#include "pkg/util/rfc3339.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class AssumeRoleTest : public SimFixture {};

TEST_F(AssumeRoleTest, AnswerHasStsShape) {
  const StsAnswer a = assume(kAppRole, "my-session", alice());
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.root, "AssumeRoleResponse");
  EXPECT_EQ(a.xmlns, "https://sts.amazonaws.com/doc/2011-06-15/");
  EXPECT_TRUE(std::regex_match(a.get("Credentials/AccessKeyId"), std::regex("ASIA[A-Z2-7]{16}")))
      << a.get("Credentials/AccessKeyId");
  EXPECT_TRUE(
      std::regex_match(a.get("Credentials/SecretAccessKey"), std::regex("[A-Za-z0-9+/]{40}")));
  EXPECT_GT(a.get("Credentials/SessionToken").size(), 300u);
  // 1800000000 + 3600 s, whole seconds, UTC.
  EXPECT_EQ(a.get("Credentials/Expiration"), "2027-01-15T09:00:00Z");
  EXPECT_EQ(a.get("AssumedRoleUser/Arn"), "arn:aws:sts::123456789012:assumed-role/app/my-session");
  EXPECT_TRUE(std::regex_match(a.get("AssumedRoleUser/AssumedRoleId"),
                               std::regex("AROA[A-Z2-7]{17}:my-session")));
  EXPECT_TRUE(std::regex_match(a.get("ResponseMetadata/RequestId"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")));
  EXPECT_EQ(a.fields.count("PackedPolicySize"), 0u);
  EXPECT_EQ(a.fields.count("SourceIdentity"), 0u);
}

TEST_F(AssumeRoleTest, RequestIdHeaderMatchesBody) {
  const SimResponse r = sim_->sts().handle(signed_sts_request(
      {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, alice(), clock_.system_now()));
  EXPECT_EQ(r.content_type, "text/xml");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "x-amzn-RequestId");
  EXPECT_EQ(read_answer(r).get("ResponseMetadata/RequestId"), r.headers[0].second);
}

TEST_F(AssumeRoleTest, PolicyTagsAndSourceIdentityAreEchoed) {
  const StsAnswer a = assume(kAppRole, "s1", alice(),
                             {{"Tags.member.1.Key", "team"},
                              {"Tags.member.1.Value", "payments"},
                              {"SourceIdentity", "alice-laptop"},
                              {"Policy", R"({"Version":"2012-10-17","Statement":[]})"}});
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.get("SourceIdentity"), "alice-laptop");
  EXPECT_FALSE(a.get("PackedPolicySize").empty());
  const std::vector<CallRecord> calls = sim_->calls().calls_of("AssumeRole");
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].tags.size(), 1u);
  EXPECT_EQ(calls[0].tags[0], (std::pair<std::string, std::string>("team", "payments")));
}

TEST_F(AssumeRoleTest, RoleWithPathGivesAssumedRoleArnWithItsName) {
  const StsAnswer a = assume(kPathRole, "123456789012.team.app.my-role", alice());
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.get("AssumedRoleUser/Arn"),
            "arn:aws:sts::123456789012:assumed-role/my-role/123456789012.team.app.my-role");
}

TEST_F(AssumeRoleTest, UntrustedCallerIsAccessDenied) {
  const StsAnswer a = assume(kAppRole, "s1", bob());
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "AccessDenied");
  EXPECT_EQ(a.message(),
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app");
}

TEST_F(AssumeRoleTest, UnknownRoleIsAccessDenied) {
  const StsAnswer a = assume("arn:aws:iam::123456789012:role/nope", "s1", alice());
  EXPECT_EQ(a.code(), "AccessDenied");
  EXPECT_EQ(a.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
            "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nope");
}

TEST_F(AssumeRoleTest, ExternalIdMustMatch) {
  EXPECT_EQ(assume(kExternalIdRole, "s1", alice()).code(), "AccessDenied");
  EXPECT_EQ(assume(kExternalIdRole, "s1", alice(), {{"ExternalId", "ext-999"}}).code(),
            "AccessDenied");
  EXPECT_EQ(assume(kExternalIdRole, "s1", alice(), {{"ExternalId", "ext-123"}}).status, 200);
}

TEST_F(AssumeRoleTest, RequiredSessionTagsMustBePresent) {
  EXPECT_EQ(assume(kTaggedRole, "s1", alice()).code(), "AccessDenied");
  EXPECT_EQ(assume(kTaggedRole, "s1", alice(),
                   {{"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "search"}})
                .code(),
            "AccessDenied");
  EXPECT_EQ(assume(kTaggedRole, "s1", alice(),
                   {{"Tags.member.1.Key", "Team"}, {"Tags.member.1.Value", "payments"}})
                .status,
            200);
}

TEST_F(AssumeRoleTest, GlobRolesCoverAThousandRoles) {
  for (int i : {0, 1, 999}) {
    const std::string arn = "arn:aws:iam::123456789012:role/load/role-" + std::to_string(i);
    const StsAnswer a = assume(arn, "load", alice());
    ASSERT_EQ(a.status, 200) << arn << ": " << a.message();
    EXPECT_EQ(a.get("AssumedRoleUser/Arn"),
              "arn:aws:sts::123456789012:assumed-role/role-" + std::to_string(i) + "/load");
  }
  // The glob's trust list is its own; an exact role under the same path shadows it.
  EXPECT_EQ(assume(kDeniedRole, "load", alice()).code(), "AccessDenied");
  EXPECT_EQ(assume(kDeniedRole, "load", bob()).status, 200);
  // Outside the glob: no such role.
  EXPECT_EQ(assume("arn:aws:iam::123456789012:role/other/role-1", "load", alice()).code(),
            "AccessDenied");
}

TEST_F(AssumeRoleTest, TrustingARoleAdmitsEverySessionOfIt) {
  const ::aws::Credentials base = credentials_from(assume(kLongRole, "base", alice()));
  const StsAnswer a = assume(kChainedRole, "app", base);
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.get("AssumedRoleUser/Arn"), "arn:aws:sts::123456789012:assumed-role/chained/app");
  // alice herself is not in chained's trust list.
  EXPECT_EQ(assume(kChainedRole, "app", alice()).code(), "AccessDenied");
  // The record proves who assumed what.
  const std::vector<CallRecord> calls = sim_->calls().calls_of("AssumeRole");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1].caller_arn, "arn:aws:sts::123456789012:assumed-role/long/base");
  EXPECT_EQ(calls[1].role_arn, kChainedRole);
  EXPECT_EQ(calls[1].result, "Success");
  EXPECT_EQ(calls[1].caller_access_key_id, base.access_key_id);
}

TEST_F(AssumeRoleTest, AccessDeniedNamesTheAssumedRoleCaller) {
  const ::aws::Credentials base = credentials_from(assume(kLongRole, "base", alice()));
  const StsAnswer a = assume(kAppRole, "x1", base);
  EXPECT_EQ(a.message(),
            "User: arn:aws:sts::123456789012:assumed-role/long/base is not authorized to "
            "perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/app");
}

TEST_F(AssumeRoleTest, RoleChainingIsLimitedToOneHour) {
  const ::aws::Credentials base = credentials_from(assume(kLongRole, "base", alice()));
  StsAnswer a = assume(kChainedRole, "app", base, {{"DurationSeconds", "3601"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "ValidationError");
  EXPECT_EQ(a.message(),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
            "role chaining.");
  a = assume(kChainedRole, "app", base, {{"DurationSeconds", "3600"}});
  EXPECT_EQ(a.status, 200) << a.message();
  // A user (not chaining) may ask the same role for 12 hours.
  a = assume(kLongRole, "direct", alice(), {{"DurationSeconds", "43200"}});
  EXPECT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.get("Credentials/Expiration"), "2027-01-15T20:00:00Z");
}

TEST_F(AssumeRoleTest, AccountRootTrustAdmitsEveryPrincipalOfTheAccount) {
  EXPECT_EQ(assume(kInstanceRole, "s1", bob()).status, 200);
}

TEST_F(AssumeRoleTest, IssuedDurationCapShortensExpirationOnly) {
  sim_->iam().set_issued_duration_cap(absl::Seconds(60));
  const StsAnswer a = assume(kLongRole, "s1", alice(), {{"DurationSeconds", "7200"}});
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.get("Credentials/Expiration"), "2027-01-15T08:01:00Z");
  // Validation is unchanged.
  EXPECT_EQ(assume(kAppRole, "s1", alice(), {{"DurationSeconds", "7200"}}).message(),
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  // And the capped session really ends.
  const ::aws::Credentials session = credentials_from(a);
  clock_.step(absl::Seconds(60));
  EXPECT_EQ(caller_identity(session).code(), "ExpiredToken");
}

TEST_F(AssumeRoleTest, CallRecordTellsWhoAssumedWhat) {
  clock_.step(absl::Seconds(5));
  const StsAnswer ok = assume(kExternalIdRole, "rec", alice(),
                              {{"DurationSeconds", "1800"}, {"ExternalId", "ext-123"}});
  ASSERT_EQ(ok.status, 200);
  assume(kAppRole, "rec", bob());
  const std::vector<CallRecord> calls = sim_->calls().calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].service, "sts");
  EXPECT_EQ(calls[0].action, "AssumeRole");
  EXPECT_EQ(calls[0].caller_arn, kAliceArn);
  EXPECT_EQ(calls[0].caller_access_key_id, kAliceKeyId);
  EXPECT_EQ(calls[0].role_arn, kExternalIdRole);
  EXPECT_EQ(calls[0].session_name, "rec");
  EXPECT_EQ(calls[0].duration_seconds, 1800);
  EXPECT_EQ(calls[0].external_id, "ext-123");
  EXPECT_EQ(calls[0].result, "Success");
  EXPECT_EQ(calls[0].http_status, 200);
  EXPECT_EQ(calls[0].issued_access_key_id, ok.get("Credentials/AccessKeyId"));
  EXPECT_EQ(calls[0].time, absl::FromUnixSeconds(1'800'000'005));
  EXPECT_EQ(calls[1].caller_arn, kBobArn);
  EXPECT_EQ(calls[1].result, "AccessDenied");
  EXPECT_EQ(calls[1].http_status, 403);
  EXPECT_EQ(sim_->calls().count("AssumeRole", "Success"), 1);
  EXPECT_EQ(sim_->calls().count("AssumeRole", "AccessDenied"), 1);
  EXPECT_EQ(sim_->calls().total(), 2);
}

TEST_F(AssumeRoleTest, RolesAddedAtRuntimeAreAssumable) {
  const std::string arn = "arn:aws:iam::123456789012:role/late";
  EXPECT_EQ(assume(arn, "s1", alice()).code(), "AccessDenied");
  RoleConfig late;
  late.arn = arn;
  late.trust = {std::string(kAliceArn)};
  ASSERT_TRUE(sim_->iam().add_role(late).ok());
  EXPECT_EQ(assume(arn, "s1", alice()).status, 200);
}

}  // namespace
}  // namespace sim::aws::testing
