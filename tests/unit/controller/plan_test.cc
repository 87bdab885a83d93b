// The decision function, rule by rule: what the controller does for each
// combination of AWSIAMRole, Secret and time.
#include "controller/domain/plan.h"

#include <gtest/gtest.h>

#include "controller/domain/secret_data.h"
#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"

namespace controller {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const char* const kArn = "arn:aws:iam::123456789012:role/team/app/my-role";

AwsIamRole make_role(const std::string& spec = R"({"roleReference":"team/app/my-role"})",
                     int64_t generation = 1, const std::string& status = "{}") {
  auto json = kube::json::parse(
      R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"app","namespace":"demo",)"
      R"("uid":"uid-1","generation":)" +
      std::to_string(generation) + R"(,"labels":{"team":"a"}},"spec":)" + spec + R"(,"status":)" +
      status + "}");
  EXPECT_TRUE(json.ok()) << json.status();
  auto role = parse_awsiamrole(*json);
  EXPECT_TRUE(role.ok()) << role.status();
  return *role;
}

// plan(), with the Secret as the informer keeps it (its view).
Plan decide(const AwsIamRole* role, const kube::Object* secret, absl::Time now,
            const PlanConfig& config, const NamespacePolicy* namespace_policy = nullptr) {
  const std::optional<ManagedSecret> view =
      secret != nullptr ? std::optional<ManagedSecret>(secret_view(*secret)) : std::nullopt;
  return plan(role, view ? &*view : nullptr, now, config, namespace_policy);
}

PlanConfig config_with_base() {
  return {.base_role_arn = *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/")};
}

// The Secret the controller writes for `role`, credentials expiring at `expire`.
kube::Object make_secret(const AwsIamRole& role, absl::Time expire, const std::string& arn = kArn) {
  RoleCredentials credentials{.role_arn = arn,
                              .access_key_id = "ASIAEXAMPLE",
                              .secret_access_key = util::SecretString("secret"),
                              .session_token = util::SecretString("token"),
                              .expiration = expire};
  kube::SecretBuilder builder(role.namespace_, role.name);
  for (const auto& [key, value] :
       render_secret_data(credentials, role.generation, "/meta/aws-iam")) {
    builder.data(key, value);
  }
  builder.labels(secret_labels(role)).owner_references({owner_reference(role)});
  return std::move(builder).build();
}

TEST(PlanTest, NothingToDoWithoutRoleOrSecret) {
  const Plan p = decide(nullptr, nullptr, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kNone);
  EXPECT_FALSE(p.refresh_at);
  EXPECT_FALSE(p.status);
}

TEST(PlanTest, DeletesOurSecretWhenItsRoleIsGone) {
  const AwsIamRole role = make_role();
  const kube::Object secret = make_secret(role, kNow + absl::Hours(1));
  EXPECT_EQ(decide(nullptr, &secret, kNow, config_with_base()).action, Action::kDeleteOrphan);
}

TEST(PlanTest, LeavesTheGoOriginalsPodModeSecretsAlone) {
  // heritage without type=awsiamrole: the original's aws-iam-<role> Secrets.
  kube::Object secret =
      kube::SecretBuilder("demo", "aws-iam-x").label("heritage", "kube-aws-iam-controller").build();
  EXPECT_EQ(decide(nullptr, &secret, kNow, config_with_base()).action, Action::kNone);
}

TEST(PlanTest, LeavesSomebodyElsesSecretAlone) {
  kube::Object secret = kube::SecretBuilder("demo", "app").label("app", "x").build();
  EXPECT_EQ(decide(nullptr, &secret, kNow, config_with_base()).action, Action::kNone);
}

NamespacePolicy policy_allowing(const std::string& allowed_roles) {
  return NamespacePolicy::compile("demo", allowed_roles, std::nullopt, {},
                                  config_with_base().base_role_arn);
}

TEST(PlanTest, RefusesARoleItsNamespaceMayNotUseWithoutCallingSts) {
  const AwsIamRole role = make_role();
  const NamespacePolicy policy = policy_allowing(R"(["other"])");
  const Plan p = decide(&role, nullptr, kNow, config_with_base(), &policy);
  EXPECT_EQ(p.action, Action::kReportNotPermitted);
  EXPECT_FALSE(p.delete_secret);
  EXPECT_NE(p.why.find("is not permitted in namespace demo"), std::string::npos) << p.why;
  ASSERT_TRUE(p.status);
  const Condition* ready = p.status->condition(kReadyCondition);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, kReasonRoleNotPermitted);
  EXPECT_EQ(ready->message, p.why);
}

TEST(PlanTest, ARefusedRolesSecretGoesAndTheStatusNoLongerClaimsCredentials) {
  const AwsIamRole role = make_role(
      R"({"roleReference":"team/app/my-role"})", 1,
      R"({"roleARN":"arn:aws:iam::123456789012:role/team/app/my-role","expiration":"2027-01-01T00:00:00Z"})");
  const kube::Object secret = make_secret(role, kNow + absl::Hours(1));
  const NamespacePolicy policy = policy_allowing(R"(["other"])");
  const Plan p = decide(&role, &secret, kNow, config_with_base(), &policy);
  EXPECT_EQ(p.action, Action::kReportNotPermitted);
  EXPECT_TRUE(p.delete_secret);
  ASSERT_TRUE(p.status);
  EXPECT_EQ(p.status->role_arn, "");
  EXPECT_EQ(p.status->expiration, "");
}

TEST(PlanTest, ARefusedRoleLeavesSomebodyElsesSecretAlone) {
  const AwsIamRole role = make_role();
  const kube::Object secret = kube::SecretBuilder("demo", "app").label("app", "x").build();
  const NamespacePolicy policy = policy_allowing(R"(["other"])");
  EXPECT_FALSE(decide(&role, &secret, kNow, config_with_base(), &policy).delete_secret);
}

TEST(PlanTest, APermittedRoleIsPlannedAsWithoutRestrictions) {
  const AwsIamRole role = make_role();
  const NamespacePolicy policy = policy_allowing(R"(["team/app/*"])");
  EXPECT_EQ(decide(&role, nullptr, kNow, config_with_base(), &policy).action, Action::kIssue);
}

TEST(PlanTest, ReportsAnUnusableSpecWithoutCallingSts) {
  const AwsIamRole role = make_role(R"({"roleSessionDuration":3600})");
  const Plan p = decide(&role, nullptr, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kReportInvalid);
  EXPECT_EQ(p.why, "spec.roleReference is missing");
  ASSERT_TRUE(p.status);
  const Condition* ready = p.status->condition("Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, kReasonInvalidSpec);
  EXPECT_EQ(ready->message, "spec.roleReference is missing");
}

TEST(PlanTest, ReportsAMalformedArn) {
  const AwsIamRole role = make_role(R"({"roleReference":"arn:aws:iam::12:role/x"})");
  const Plan p = decide(&role, nullptr, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kReportInvalid);
  EXPECT_FALSE(p.why.empty());
}

TEST(PlanTest, ExplainsWhyARoleNameNeedsABaseArn) {
  const AwsIamRole role = make_role();
  const Plan p = decide(&role, nullptr, kNow,
                        {.no_base_role_arn_reason = "no --base-role-arn and none discovered"});
  EXPECT_EQ(p.action, Action::kReportInvalid);
  EXPECT_NE(p.why.find("no --base-role-arn and none discovered"), std::string::npos) << p.why;
}

TEST(PlanTest, FullArnsWorkWithoutABaseArn) {
  const AwsIamRole role = make_role(R"({"roleReference":"arn:aws-cn:iam::123456789012:role/x/y"})");
  const Plan p = decide(&role, nullptr, kNow, {});
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_EQ(p.role_arn->str(), "arn:aws-cn:iam::123456789012:role/x/y");
}

TEST(PlanTest, IssuesWhenTheSecretIsMissing) {
  const AwsIamRole role = make_role();
  const Plan p = decide(&role, nullptr, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_EQ(p.role_arn->str(), kArn);
  EXPECT_EQ(p.why, "the Secret does not exist");
}

TEST(PlanTest, IssuesWhenAKeyIsMissing) {
  const AwsIamRole role = make_role();
  const kube::Object secret = kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1)))
                                  .remove_data(kCredentialsProcessKey)
                                  .build();
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_NE(p.why.find("credentials.process is missing"), std::string::npos) << p.why;
}

TEST(PlanTest, AdoptsASeedSecretWithoutGeneration) {
  const AwsIamRole role = make_role();
  const kube::Object secret = kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1)))
                                  .remove_data(kGenerationKey)
                                  .build();
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_NE(p.why.find("awsiamrole-generation is missing"), std::string::npos) << p.why;
}

TEST(PlanTest, IssuesWhenExpireIsUnparsable) {
  const AwsIamRole role = make_role();
  const kube::Object secret = kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1)))
                                  .data(kExpireKey, util::SecretString("tomorrow"))
                                  .build();
  EXPECT_EQ(decide(&role, &secret, kNow, config_with_base()).action, Action::kIssue);
}

TEST(PlanTest, IssuesWhenDataIsNotBase64) {
  const AwsIamRole role = make_role();
  kube::Object secret = make_secret(role, kNow + absl::Hours(1));
  kube::json::set_string(*kube::json::find(secret.mutable_json(), "data"), "role-arn", "%%%");
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_NE(p.why.find("role-arn is not valid base64"), std::string::npos) << p.why;
}

TEST(PlanTest, IssuesWhenTheGenerationChanged) {
  const AwsIamRole old_role = make_role();
  const kube::Object secret = make_secret(old_role, kNow + absl::Hours(1));
  const AwsIamRole role = make_role(R"({"roleReference":"team/app/my-role"})", 2);
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_EQ(p.why, "the AWSIAMRole changed (generation 2, the Secret is for 1)");
}

TEST(PlanTest, IssuesWhenTheResolvedArnChanged) {
  const AwsIamRole role = make_role();
  const kube::Object secret =
      make_secret(role, kNow + absl::Hours(1), "arn:aws:iam::123456789012:role/other");
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kIssue);
  EXPECT_NE(p.why.find("role/other"), std::string::npos);
}

TEST(PlanTest, RefreshesTwentyTwoMinutesBeforeExpiryByDefault) {
  // max(--refresh-limit 15m, min validity 20m + propagation 2m) = 22m.
  const AwsIamRole role = make_role();
  const absl::Time expire = kNow + absl::Hours(1);
  const kube::Object secret = make_secret(role, expire);

  const Plan fresh = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(fresh.action, Action::kNone);
  EXPECT_EQ(fresh.refresh_at, expire - absl::Minutes(22));

  const Plan just_before =
      decide(&role, &secret, expire - absl::Minutes(22) - absl::Seconds(1), config_with_base());
  EXPECT_EQ(just_before.action, Action::kNone);

  const Plan due = decide(&role, &secret, expire - absl::Minutes(22), config_with_base());
  EXPECT_EQ(due.action, Action::kIssue);
  EXPECT_NE(due.why.find("within 22m"), std::string::npos) << due.why;

  EXPECT_EQ(decide(&role, &secret, expire + absl::Hours(1), config_with_base()).action,
            Action::kIssue);
}

TEST(PlanTest, HonoursALongerRefreshLimit) {
  const AwsIamRole role = make_role();
  const absl::Time expire = kNow + absl::Hours(1);
  const kube::Object secret = make_secret(role, expire);
  PlanConfig config = config_with_base();
  config.refresh.refresh_limit = absl::Minutes(45);
  EXPECT_EQ(decide(&role, &secret, kNow, config).refresh_at, expire - absl::Minutes(30))
      << "never more than half the session";
  config.refresh.refresh_limit = absl::Minutes(25);
  EXPECT_EQ(decide(&role, &secret, kNow, config).refresh_at, expire - absl::Minutes(25));
}

TEST(PlanTest, ShortSessionsRefreshAtHalfLifeAndSaySo) {
  const AwsIamRole role =
      make_role(R"({"roleReference":"team/app/my-role","roleSessionDuration":900})");
  const absl::Time expire = kNow + absl::Minutes(15);
  const kube::Object secret = make_secret(role, expire);
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kNone);
  EXPECT_EQ(p.refresh_at, expire - absl::Seconds(450));
  ASSERT_TRUE(p.status);
  EXPECT_NE(p.status->condition("Ready")->message.view().find("too short"), std::string::npos)
      << p.status->condition("Ready")->message;
}

TEST(PlanTest, CredentialsShorterThanAskedForRefreshAtHalfTheirRealLifetime) {
  // STS may issue less than the session asked for (a simulator cap, a
  // clamp); the lead must follow the real lifetime or every write is due.
  const AwsIamRole role = make_role();
  const absl::Time expire = kNow + absl::Seconds(90);
  kube::Object secret = make_secret(role, expire);
  secret.set_annotation(kIssuedAtAnnotation, util::format_rfc3339(kNow));
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kNone);
  EXPECT_EQ(p.refresh_at, expire - absl::Seconds(45));
  EXPECT_EQ(decide(&role, &secret, kNow + absl::Seconds(45), config_with_base()).action,
            Action::kIssue);
}

TEST(PlanTest, RepairsDriftedLabels) {
  const AwsIamRole role = make_role();
  const kube::Object secret =
      kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1))).label("team", "b").build();
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  EXPECT_EQ(p.action, Action::kRepairMetadata);
  EXPECT_EQ(p.refresh_at, kNow + absl::Hours(1) - absl::Minutes(22));
}

TEST(PlanTest, RepairsAMissingOwnerReference) {
  const AwsIamRole role = make_role();
  const kube::Object secret =
      kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1))).owner_references({}).build();
  EXPECT_EQ(decide(&role, &secret, kNow, config_with_base()).action, Action::kRepairMetadata);
}

TEST(PlanTest, AcceptsTheGoOriginalsOwnerReference) {
  // The original wrote no controller/blockOwnerDeletion flags; rewriting every
  // Secret for that alone would cost a write per role on migration.
  const AwsIamRole role = make_role();
  kube::OwnerReference original = owner_reference(role);
  original.controller = false;
  original.block_owner_deletion = false;
  const kube::Object secret = kube::SecretBuilder(make_secret(role, kNow + absl::Hours(1)))
                                  .owner_references({original})
                                  .build();
  EXPECT_EQ(decide(&role, &secret, kNow, config_with_base()).action, Action::kNone);
}

TEST(PlanTest, OurLabelsWinOverTheRolesOwn) {
  AwsIamRole role = make_role();
  role.labels["heritage"] = "mine";
  role.labels["type"] = "mine";
  const kube::StringMap labels = secret_labels(role);
  EXPECT_EQ(labels.at("heritage"), "kube-aws-iam-controller");
  EXPECT_EQ(labels.at("type"), "awsiamrole");
  EXPECT_EQ(labels.at("team"), "a");
}

TEST(PlanTest, WritesTheStatusWhenItLagsTheSecret) {
  const AwsIamRole role = make_role();
  const absl::Time expire = kNow + absl::Hours(1);
  const kube::Object secret = make_secret(role, expire);
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  ASSERT_TRUE(p.status);
  EXPECT_EQ(p.status->observed_generation, 1);
  EXPECT_EQ(p.status->role_arn, kArn);
  EXPECT_EQ(p.status->expiration, util::format_rfc3339(expire));
  EXPECT_EQ(p.status->condition("Ready")->status, "True");
  EXPECT_EQ(p.status->condition("Ready")->reason, kReasonCredentialsIssued);
}

TEST(PlanTest, LeavesACurrentStatusAlone) {
  const AwsIamRole base = make_role();
  const absl::Time expire = kNow + absl::Hours(1);
  const AwsIamRoleStatus status =
      issued_status(base, *aws::RoleArn::parse(kArn), expire, kNow - absl::Hours(1), {}, "a note");
  kube::JsonAllocator allocator;
  const AwsIamRole role = make_role(R"({"roleReference":"team/app/my-role"})", 1,
                                    kube::json::serialize(status_to_json(status, allocator)));
  const kube::Object secret = make_secret(role, expire);
  EXPECT_FALSE(decide(&role, &secret, kNow, config_with_base()).status);
}

TEST(PlanTest, ReadyAgainAfterAFailureOnceTheSecretIsValid) {
  const AwsIamRole base = make_role();
  const AwsIamRoleStatus failed =
      failed_status(base, kReasonGetCredentialsFailed, "AccessDenied: no", kNow - absl::Hours(1));
  kube::JsonAllocator allocator;
  const AwsIamRole role = make_role(R"({"roleReference":"team/app/my-role"})", 1,
                                    kube::json::serialize(status_to_json(failed, allocator)));
  const kube::Object secret = make_secret(role, kNow + absl::Hours(1));
  const Plan p = decide(&role, &secret, kNow, config_with_base());
  ASSERT_TRUE(p.status);
  EXPECT_EQ(p.status->condition("Ready")->status, "True");
  EXPECT_EQ(p.status->condition("Ready")->last_transition_time, util::format_rfc3339(kNow));
}

TEST(PlanTest, FailureKeepsWhatTheSecretStillServes) {
  const AwsIamRole base = make_role();
  const absl::Time expire = kNow + absl::Minutes(10);
  const AwsIamRoleStatus issued =
      issued_status(base, *aws::RoleArn::parse(kArn), expire, kNow - absl::Hours(1), {});
  kube::JsonAllocator allocator;
  const AwsIamRole role = make_role(R"({"roleReference":"team/app/my-role"})", 1,
                                    kube::json::serialize(status_to_json(issued, allocator)));
  const AwsIamRoleStatus failed =
      failed_status(role, kReasonGetCredentialsFailed, "Throttling: slow down", kNow);
  EXPECT_EQ(failed.role_arn, kArn);
  EXPECT_EQ(failed.expiration, util::format_rfc3339(expire));
  const Condition* ready = failed.condition("Ready");
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->message, "Throttling: slow down");
  EXPECT_EQ(ready->last_transition_time, util::format_rfc3339(kNow));
  // A repeat of the failure keeps the transition time.
  const AwsIamRole failing = make_role(R"({"roleReference":"team/app/my-role"})", 1,
                                       kube::json::serialize(status_to_json(failed, allocator)));
  EXPECT_EQ(failed_status(failing, kReasonGetCredentialsFailed, "Throttling: slow down",
                          kNow + absl::Minutes(5))
                .condition("Ready")
                ->last_transition_time,
            util::format_rfc3339(kNow));
}

TEST(PlanTest, AdoptsOnlySecretsThatHoldCredentials) {
  EXPECT_TRUE(adoptable(secret_view(kube::SecretBuilder("demo", "a")
                                        .data(kCredentialsJsonKey, util::SecretString("{}"))
                                        .build())));
  EXPECT_TRUE(adoptable(secret_view(
      kube::SecretBuilder("demo", "a").label("heritage", "kube-aws-iam-controller").build())));
  EXPECT_FALSE(adoptable(secret_view(
      kube::SecretBuilder("demo", "a").data("password", util::SecretString("hunter2")).build())));
}

}  // namespace
}  // namespace controller
