// Pods that read a role's Secret so that they never see it refreshed: what a
// pod spec gives away, the PodsMountCorrectly condition it earns the role,
// and the audit that writes it (conditional on the role's version, keeping
// the Ready condition) and warns with an Event.
#include "controller/loop/mount_audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pkg/kube/config.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/kube/fake_recorder.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kAuditNow = absl::FromUnixSeconds(1'800'000'000);

kube::Object pod_object(std::string_view name, std::string_view spec) {
  return *kube::Object::parse(
      util::cat(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": ")", name,
                R"(", "namespace": "team", "resourceVersion": "7"},
    "spec": )",
                spec, "}"));
}

constexpr std::string_view kSubPathSpec = R"({
  "volumes": [{"name": "creds", "secret": {"secretName": "app"}},
              {"name": "other", "secret": {"secretName": "tls"}}],
  "containers": [
    {"name": "web", "volumeMounts": [{"name": "creds", "mountPath": "/meta/aws-iam/credentials",
                                      "subPath": "credentials"},
                                     {"name": "other", "mountPath": "/tls"}]}]})";

constexpr std::string_view kStaticFileSpec = R"({
  "volumes": [{"name": "creds", "secret": {"secretName": "app"}}],
  "initContainers": [
    {"name": "setup", "volumeMounts": [{"name": "creds", "mountPath": "/aws"}],
     "env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/aws/credentials"}]}],
  "containers": [
    {"name": "web", "volumeMounts": [{"name": "creds", "mountPath": "/aws"}],
     "env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/aws/credentials.process"}]}]})";

TEST(MountMistakesTest, SubPathMountsAndTheStaticCredentialsFileAreFoundInEveryContainer) {
  EXPECT_THAT(pod_mount_view(pod_object("a", kSubPathSpec)).mistakes,
              ElementsAre(SecretMountMistake{"web", "app", MountMistake::kSubPath, ""}));
  EXPECT_THAT(pod_mount_view(pod_object("b", kStaticFileSpec)).mistakes,
              ElementsAre(SecretMountMistake{"setup", "app", MountMistake::kStaticCredentialsFile,
                                             "/aws/credentials"}))
      << "credentials.process is read at every call: no mistake";
  EXPECT_TRUE(
      pod_mount_view(pod_object("c", R"({"containers": [{"name": "web"}]})")).mistakes.empty());
}

class MountsConditionTest : public ::testing::Test {
 protected:
  MountsConditionTest() {
    role_.name = "app";
    role_.namespace_ = "team";
    role_.status.conditions.push_back({.type = "Ready", .status = "True"});
  }
  std::vector<std::shared_ptr<const PodMountView>> pods(
      std::initializer_list<std::string_view> specs) {
    std::vector<std::shared_ptr<const PodMountView>> out;
    int i = 0;
    for (std::string_view spec : specs) {
      out.push_back(std::make_shared<const PodMountView>(
          pod_mount_view(pod_object(util::cat("pod-", i++), spec))));
    }
    return out;
  }
  AwsIamRole role_;
};

TEST_F(MountsConditionTest, NothingIsWrittenForARoleWhosePodsAreFine) {
  EXPECT_EQ(mounts_condition(role_, pods({R"({"containers": [{"name": "web"}]})"}), kAuditNow),
            std::nullopt);
}

TEST_F(MountsConditionTest, WrongMountsMakeItFalseNamingThePodsAndFixingThemMakesItTrue) {
  auto wrong = mounts_condition(role_, pods({kSubPathSpec, kStaticFileSpec}), kAuditNow);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, "False");
  EXPECT_EQ(wrong->reason, kReasonPodsMountWrongly);
  EXPECT_THAT(wrong->message,
              HasSubstr("2 pods never see the Secret refreshed and will use expired credentials: "
                        "pod-0 (container web mounts it with subPath), pod-1 (container setup "
                        "sets AWS_SHARED_CREDENTIALS_FILE=/aws/credentials)"));

  role_.status.conditions = with_condition(role_.status, *wrong);
  ASSERT_EQ(role_.status.conditions.size(), 2U);
  EXPECT_EQ(role_.status.conditions[0].type, "Ready") << "kept";
  EXPECT_EQ(
      mounts_condition(role_, pods({kSubPathSpec, kStaticFileSpec}), kAuditNow + absl::Hours(1)),
      std::nullopt)
      << "it says so already";

  auto fixed = mounts_condition(role_, pods({}), kAuditNow + absl::Hours(2));
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->status, "True");
  EXPECT_EQ(fixed->reason, kReasonAllPodsMountCorrectly);
  EXPECT_NE(fixed->last_transition_time, wrong->last_transition_time);
}

class MountAuditTest : public ::testing::Test {
 protected:
  MountAuditTest() {
    transport_.set_handler(api_.handler());
    auto stored = api_.apply(kRoles, *kube::Object::parse(R"({
      "apiVersion": "zalando.org/v1", "kind": "AWSIAMRole",
      "metadata": {"name": "app", "namespace": "team"},
      "spec": {"roleReference": "team/app"},
      "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "CredentialsIssued"}]}})"));
    cache_role(stored);
  }
  void cache_role(const kube::Object& object) {
    roles_.upsert(std::make_shared<const AwsIamRole>(*parse_awsiamrole(object.json())));
  }
  void add_pod(std::string_view name, std::string_view spec) {
    auto view = std::make_shared<const PodMountView>(pod_mount_view(pod_object(name, spec)));
    pods_.upsert(view);
    audit_.pod_changed(nullptr, view.get());
  }
  std::vector<std::string> condition_types() {
    std::vector<std::string> out;
    auto role = parse_awsiamrole(api_.get(kRoles, "app")->json());
    for (const Condition& c : role->status.conditions)
      out.push_back(util::cat(c.type, "=", c.status));
    return out;
  }

  static constexpr std::string_view kRoles = "/apis/zalando.org/v1/namespaces/team/awsiamroles";
  util::testing::FakeClock clock_{kAuditNow};
  kube::testing::FakeApiServer api_;
  http::testing::FakeTransport transport_;
  kube::RestClient client_{*kube::config_from_url("http://apiserver.test"),
                           transport_,
                           clock_,
                           {.qps = 0, .max_retries = 0}};
  RestObjectWriter writer_{client_};
  kube::testing::FakeRecorder events_;
  kube::Store<AwsIamRole> roles_;
  kube::Store<PodMountView> pods_;
  MountAudit audit_{roles_, pods_, writer_, events_, clock_};
};

TEST_F(MountAuditTest, APodMountingTheSecretWronglyTurnsTheConditionFalseWithAWarning) {
  add_pod("web-1", kSubPathSpec);
  ASSERT_TRUE(audit_.audit_next({}));
  EXPECT_THAT(condition_types(), ElementsAre("Ready=True", "PodsMountCorrectly=False"));
  ASSERT_EQ(events_.recorded().size(), 1U);
  EXPECT_EQ(events_.recorded()[0].reason, kEventPodsMountWrongly);
  EXPECT_THAT(events_.recorded()[0].message,
              HasSubstr("web-1 (container web mounts it with subPath)"));
}

TEST_F(MountAuditTest, AWriteThatLostARaceIsRetriedOnTheFreshRole) {
  // The reconciler wrote the role after the cache saw it.
  kube::Object newer = *api_.get(kRoles, "app");
  newer = api_.apply(kRoles, std::move(newer));
  add_pod("web-1", kSubPathSpec);
  ASSERT_TRUE(audit_.audit_next({}));
  EXPECT_THAT(condition_types(), ElementsAre("Ready=True")) << "409: nothing written";

  cache_role(newer);  // the informer catches up
  clock_.step(absl::Seconds(1));
  ASSERT_TRUE(audit_.audit_next({}));
  EXPECT_THAT(condition_types(), ElementsAre("Ready=True", "PodsMountCorrectly=False"));
}

TEST_F(MountAuditTest, PodsOfOtherSecretsAndRolesWithoutTheConditionCostNothing) {
  add_pod("fine", R"({"containers": [{"name": "web"}]})");
  audit_.role_changed(*roles_.get("team/app"));
  const size_t before = api_.request_log().size();
  std::stop_source stop;
  stop.request_stop();
  audit_.run(stop.get_token());  // nothing queued: returns at once
  EXPECT_EQ(api_.request_log().size(), before);
}

}  // namespace
}  // namespace controller
