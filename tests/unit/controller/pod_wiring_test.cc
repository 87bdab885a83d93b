// What the admission webhook does to a pod: the role it finds (and through
// which annotation), the Secret volume, mount and variables it adds — checked
// on the pod that results from applying its JSONPatch with the simulator's
// independent RFC 6902 implementation, as the apiserver would — the
// warnings, and the AWSIAMRoles it asks to create.
#include "controller/domain/pod_wiring.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "controller/domain/views.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/json_patch.h"

namespace controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
namespace json = kube::json;

constexpr std::string_view kWiringBase = "arn:aws:iam::123456789012:role/";

// A pod as kubectl sends it: one container, no volumes, no env.
constexpr std::string_view kKube2iamPod = R"({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "app", "namespace": "team",
               "annotations": {"iam.amazonaws.com/role": "team/app"}},
  "spec": {"containers": [{"name": "app", "image": "busybox"}]}
})";

class PodWiringTest : public ::testing::Test {
 protected:
  PodWiringTest() : base_(aws::BaseRoleArn::parse(kWiringBase).value()) {
    options_.base_role_arn = &base_;
    surroundings_.namespace_ = "team";
  }

  void add_role(std::string_view name, std::string_view reference, std::string_view ready = "",
                std::string_view message = "") {
    std::string status;
    if (!ready.empty()) {
      status = util::cat(R"(, "status": {"conditions": [{"type": "Ready", "status": ")", ready,
                         R"(", "reason": "x", "message": ")", message, R"("}]})");
    }
    const std::string text = util::cat(
        R"({"apiVersion": "zalando.org/v1", "kind": "AWSIAMRole", "metadata": {"name": ")", name,
        R"(", "namespace": "team", "uid": "u-)", name, R"(", "generation": 1},)",
        R"("spec": {"roleReference": ")", reference, R"("})", status, "}");
    surroundings_.roles.push_back(
        std::make_shared<const AwsIamRole>(role_view(kube::Object::parse(text).value())));
  }

  // The pod as the apiserver stores it after the webhook's patch.
  kube::JsonValue admit(std::string_view pod_text) {
    const kube::JsonValue pod = json::parse(pod_text).value();
    wiring_ = wire_pod(pod, surroundings_, options_);
    sim::kube::json::Document patched = sim::kube::json::parse(pod_text).value();
    const sim::kube::json::Document patch =
        sim::kube::json::parse(kube::json_patch(wiring_.patch)).value();
    const util::Status applied =
        sim::kube::apply_json_patch(patched, patch, patched.GetAllocator());
    EXPECT_TRUE(applied.ok()) << applied.to_string() << "\n" << kube::json_patch(wiring_.patch);
    return json::parse(sim::kube::json::to_string(patched)).value();
  }

  static const kube::JsonValue& container(const kube::JsonValue& pod, int index,
                                          std::string_view list = "containers") {
    return (*json::find_path(pod, {"spec", list}))[index];
  }
  static std::map<std::string, std::string> env(const kube::JsonValue& container) {
    std::map<std::string, std::string> out;
    if (const kube::JsonValue* entries = json::find(container, "env")) {
      for (const auto& entry : entries->GetArray()) {
        out[std::string(json::get_string(entry, "name"))] = json::get_string(entry, "value");
      }
    }
    return out;
  }
  // The Secret mounted at /meta/aws-iam in `container`, "" when none.
  static std::string mounted_secret(const kube::JsonValue& pod, const kube::JsonValue& container) {
    const kube::JsonValue* mounts = json::find(container, "volumeMounts");
    if (mounts == nullptr) return "";
    for (const auto& mount : mounts->GetArray()) {
      if (json::get_string(mount, "mountPath") != "/meta/aws-iam") continue;
      EXPECT_TRUE(json::find(mount, "readOnly")->GetBool());
      EXPECT_EQ(json::find(mount, "subPath"), nullptr);
      for (const auto& volume : json::find_path(pod, {"spec", "volumes"})->GetArray()) {
        if (json::get_string(volume, "name") != json::get_string(mount, "name")) continue;
        const kube::JsonValue* secret = json::find(volume, "secret");
        EXPECT_EQ(json::get_int(*secret, "defaultMode"), 0444);
        return std::string(json::get_string(*secret, "secretName"));
      }
    }
    return "";
  }

  aws::BaseRoleArn base_;
  PodWiringOptions options_;
  PodSurroundings surroundings_;
  PodWiring wiring_;
};

TEST_F(PodWiringTest, AKube2iamAnnotationGetsAnAwsIamRoleCreatedAndItsSecretMounted) {
  const kube::JsonValue pod = admit(kKube2iamPod);
  ASSERT_THAT(wiring_.roles_to_create, SizeIs(1));
  const DerivedRole& derived = wiring_.roles_to_create[0];
  EXPECT_EQ(derived.role_reference, "team/app");
  EXPECT_EQ(derived.derived_from, "pod annotation iam.amazonaws.com/role");
  EXPECT_EQ(derived.name, derived_role_name("team/app"));
  EXPECT_EQ(mounted_secret(pod, container(pod, 0)), derived.name);
  EXPECT_EQ(env(container(pod, 0)),
            (std::map<std::string, std::string>{
                {"AWS_SHARED_CREDENTIALS_FILE", "/meta/aws-iam/credentials.process"},
                {"AWS_CONFIG_FILE", "/meta/aws-iam/credentials.process"},
                {"AWS_SDK_LOAD_CONFIG", "1"},
                {"AWS_CREDENTIAL_PROFILES_FILE", "/meta/aws-iam/credentials"}}));
  EXPECT_THAT(wiring_.warnings, IsEmpty());
  EXPECT_FALSE(wiring_.refusal);

  const kube::Object role = derived_role_object(derived, "team");
  EXPECT_EQ(role.kind(), "AWSIAMRole");
  EXPECT_EQ(role.namespace_name(), "team");
  EXPECT_EQ(role.label(kDerivedLabel), "true");
  EXPECT_EQ(role.annotation(kDerivedFromAnnotation), "pod annotation iam.amazonaws.com/role");
  EXPECT_EQ(role_view(role).spec.role_reference, "team/app");
}

TEST_F(PodWiringTest, AnAwsIamRoleForTheSameRoleIsUsedWhateverTheSpelling) {
  add_role("app-credentials", "arn:aws:iam::123456789012:role/team/app");
  const kube::JsonValue pod = admit(kKube2iamPod);
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty());
  EXPECT_EQ(mounted_secret(pod, container(pod, 0)), "app-credentials");
}

TEST_F(PodWiringTest, TheControllersAnnotationNamesAnAwsIamRoleAndComesFirst) {
  add_role("app-credentials", "other");
  const kube::JsonValue pod = admit(R"({"metadata": {"annotations": {
      "kube-aws-iam-controller/role": "app-credentials", "iam.amazonaws.com/role": "team/app"}},
      "spec": {"containers": [{"name": "app"}]}})");
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty());
  EXPECT_EQ(mounted_secret(pod, container(pod, 0)), "app-credentials");
}

TEST_F(PodWiringTest, TheServiceAccountNamesTheRoleWhenThePodDoesNot) {
  const ServiceAccountView account{.namespace_ = "team",
                                   .name = "app",
                                   .role = "from-kube2iam-sa",
                                   .role_arn = "arn:aws:iam::123456789012:role/from-iam4kube",
                                   .irsa_role_arn = "arn:aws:iam::123456789012:role/from-irsa"};
  surroundings_.service_account = &account;
  constexpr std::string_view kPlainPod = R"({"spec": {"containers": [{"name": "app"}]}})";
  admit(kPlainPod);
  ASSERT_THAT(wiring_.roles_to_create, SizeIs(1));
  EXPECT_EQ(wiring_.roles_to_create[0].role_reference, "from-kube2iam-sa");
  EXPECT_EQ(wiring_.roles_to_create[0].derived_from,
            "ServiceAccount app annotation iam.amazonaws.com/role");

  ServiceAccountView iam4kube = account;
  iam4kube.role.reset();
  iam4kube.external_id = "secret-handshake";
  surroundings_.service_account = &iam4kube;
  admit(kPlainPod);
  ASSERT_THAT(wiring_.roles_to_create, SizeIs(1));
  EXPECT_EQ(wiring_.roles_to_create[0].role_reference,
            "arn:aws:iam::123456789012:role/from-iam4kube");
  EXPECT_THAT(
      wiring_.warnings,
      ElementsAre(HasSubstr("iam.amazonaws.com/roleExternalId 'secret-handshake' is not sent")));

  ServiceAccountView irsa = account;
  irsa.role.reset();
  irsa.role_arn.reset();
  surroundings_.service_account = &irsa;
  admit(kPlainPod);
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty()) << "IRSA's annotation only behind the flag";
  EXPECT_THAT(wiring_.patch, IsEmpty());
  options_.accept_irsa_annotation = true;
  admit(kPlainPod);
  ASSERT_THAT(wiring_.roles_to_create, SizeIs(1));
  EXPECT_EQ(wiring_.roles_to_create[0].role_reference, "arn:aws:iam::123456789012:role/from-irsa");
}

TEST_F(PodWiringTest, WhatTheUserSetStays) {
  options_.region = "eu-central-1";
  const kube::JsonValue pod = admit(R"({
    "metadata": {"annotations": {"iam.amazonaws.com/role": "team/app"}},
    "spec": {
      "volumes": [{"name": "aws-iam-credentials", "emptyDir": {}}],
      "containers": [
        {"name": "app", "env": [{"name": "AWS_REGION", "value": "us-east-1"}],
         "volumeMounts": [{"name": "aws-iam-credentials", "mountPath": "/cache"}]},
        {"name": "keys", "env": [{"name": "AWS_ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": "k", "key": "id"}}}]},
        {"name": "elsewhere", "volumeMounts": [{"name": "aws-iam-credentials", "mountPath": "/meta/aws-iam"}]}]}})");
  const auto app_env = env(container(pod, 0));
  EXPECT_EQ(app_env.at("AWS_REGION"), "us-east-1");
  EXPECT_EQ(app_env.at("AWS_DEFAULT_REGION"), "eu-central-1");
  EXPECT_EQ(app_env.at("AWS_SHARED_CREDENTIALS_FILE"), "/meta/aws-iam/credentials.process");
  const std::string secret = derived_role_name("team/app");
  EXPECT_EQ(mounted_secret(pod, container(pod, 0)), secret);
  const auto& volumes = json::find_path(pod, {"spec", "volumes"})->GetArray();
  ASSERT_EQ(volumes.Size(), 2u);
  EXPECT_TRUE(json::find(volumes[0], "emptyDir") != nullptr) << "the user's volume is untouched";
  EXPECT_EQ(json::get_string(volumes[1], "name"), "aws-iam-credentials-2");
  EXPECT_THAT(env(container(pod, 1)),
              (std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", ""}}));
  EXPECT_EQ(json::find(container(pod, 2), "env"), nullptr);
  EXPECT_THAT(
      wiring_.warnings,
      ElementsAre(HasSubstr("container keys sets AWS_ACCESS_KEY_ID itself: left unchanged"),
                  HasSubstr("container elsewhere already mounts something at /meta/aws-iam")));
}

TEST_F(PodWiringTest, ContainersMayHaveTheirOwnRoleOrNone) {
  add_role("sidecar-role", "sidecar");
  const kube::JsonValue pod = admit(R"({
    "metadata": {"annotations": {"iam.amazonaws.com/role": "team/app",
                                 "kube-aws-iam-controller/role.sidecar": "sidecar-role",
                                 "kube-aws-iam-controller/inject.proxy": "disabled"}},
    "spec": {"initContainers": [{"name": "fetch"}],
             "containers": [{"name": "app"}, {"name": "sidecar"}, {"name": "proxy"}]}})");
  const std::string app_secret = derived_role_name("team/app");
  EXPECT_EQ(mounted_secret(pod, container(pod, 0, "initContainers")), app_secret);
  EXPECT_EQ(mounted_secret(pod, container(pod, 0)), app_secret);
  EXPECT_EQ(mounted_secret(pod, container(pod, 1)), "sidecar-role");
  EXPECT_EQ(mounted_secret(pod, container(pod, 2)), "");
  EXPECT_EQ(json::find(container(pod, 2), "env"), nullptr);
  EXPECT_THAT(wiring_.roles_to_create, SizeIs(1)) << "one AWSIAMRole per role, not per container";
  EXPECT_EQ(json::find_path(pod, {"spec", "volumes"})->Size(), 2u);
}

TEST_F(PodWiringTest, AWiredPodIsLeftAsItIs) {
  const kube::JsonValue once = admit(kKube2iamPod);
  const std::string wired = json::serialize(once);
  add_role(wiring_.roles_to_create[0].name, "team/app");
  admit(wired);
  EXPECT_THAT(wiring_.patch, IsEmpty());
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty());
  EXPECT_THAT(wiring_.warnings, IsEmpty());
}

TEST_F(PodWiringTest, MountsThatNeverRefreshAreWarnedAbout) {
  add_role("app-credentials", "team/app", "False", "AccessDenied: not authorized to assume");
  admit(R"({"spec": {
    "volumes": [{"name": "creds", "secret": {"secretName": "app-credentials"}},
                {"name": "other", "secret": {"secretName": "unrelated"}}],
    "containers": [
      {"name": "sub", "volumeMounts": [{"name": "creds", "mountPath": "/root/.aws/credentials", "subPath": "credentials"},
                                       {"name": "other", "mountPath": "/x", "subPath": "y"}]},
      {"name": "static", "env": [{"name": "AWS_SHARED_CREDENTIALS_FILE", "value": "/meta/aws-iam/credentials"}],
       "volumeMounts": [{"name": "creds", "mountPath": "/meta/aws-iam"}]}]}})");
  EXPECT_THAT(
      wiring_.warnings,
      ElementsAre(
          HasSubstr("container sub mounts Secret app-credentials with subPath"),
          HasSubstr("container static sets AWS_SHARED_CREDENTIALS_FILE=/meta/aws-iam/credentials: "
                    "SDKs read that file once")));

  admit(R"({"metadata": {"annotations": {"kube-aws-iam-controller/role": "app-credentials"}},
            "spec": {"containers": [{"name": "app"}]}})");
  EXPECT_THAT(
      wiring_.warnings,
      ElementsAre(
          "AWSIAMRole app-credentials is not Ready: AccessDenied: not authorized to assume"));
  EXPECT_THAT(wiring_.patch, SizeIs(3)) << "mounted all the same: it serves once the role is fixed";
}

TEST_F(PodWiringTest, ARoleTheNamespaceMayNotUseIsNeitherCreatedNorMounted) {
  const NamespacePolicy policy =
      NamespacePolicy::compile("team", R"(["team/*"])", std::nullopt, {}, base_);
  surroundings_.policy = &policy;
  admit(kKube2iamPod);
  EXPECT_THAT(wiring_.patch, SizeIs(3)) << "team/app is allowed";

  admit(R"({"metadata": {"annotations": {"iam.amazonaws.com/role": "admin"}},
            "spec": {"containers": [{"name": "app"}]}})");
  EXPECT_THAT(wiring_.patch, IsEmpty());
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty());
  EXPECT_FALSE(wiring_.refusal);
  ASSERT_THAT(wiring_.warnings, SizeIs(1));
  EXPECT_THAT(
      wiring_.warnings[0],
      HasSubstr(
          "pod annotation iam.amazonaws.com/role: role arn:aws:iam::123456789012:role/admin"));
  EXPECT_THAT(wiring_.warnings[0], HasSubstr("no credentials are mounted"));

  options_.refuse_forbidden_roles = true;
  admit(R"({"metadata": {"annotations": {"iam.amazonaws.com/role": "admin"}},
            "spec": {"containers": [{"name": "app"}]}})");
  ASSERT_TRUE(wiring_.refusal);
  EXPECT_THAT(*wiring_.refusal, HasSubstr("role arn:aws:iam::123456789012:role/admin"));
  EXPECT_THAT(wiring_.patch, IsEmpty());
}

TEST_F(PodWiringTest, ANameThatIsNoRoleIsWarnedAboutAndNothingChanges) {
  admit(R"({"metadata": {"annotations": {"iam.amazonaws.com/role": "arn:aws:s3:::bucket"}},
            "spec": {"containers": [{"name": "app"}]}})");
  EXPECT_THAT(wiring_.patch, IsEmpty());
  EXPECT_THAT(wiring_.roles_to_create, IsEmpty());
  EXPECT_THAT(wiring_.warnings,
              ElementsAre(HasSubstr(
                  "pod annotation iam.amazonaws.com/role 'arn:aws:s3:::bucket' names no role")));
}

TEST(DerivedRoleNameTest, IsAValidObjectNameStableAndDistinctPerReference) {
  for (const std::string_view reference :
       {"app", "team/app", "arn:aws:iam::123456789012:role/team/App_1", "Role+=,.@-x",
        "a-very-long-path/that/goes/on/and/on/and/on/well/past/sixty-three/characters/role"}) {
    SCOPED_TRACE(reference);
    const std::string name = derived_role_name(reference);
    EXPECT_LE(name.size(), 63u);
    EXPECT_THAT(name, ::testing::MatchesRegex("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    EXPECT_EQ(name, derived_role_name(reference));
  }
  EXPECT_THAT(derived_role_name("arn:aws:iam::123456789012:role/team/app"),
              ::testing::StartsWith("team-app-"));
  EXPECT_NE(derived_role_name("team/app"), derived_role_name("team-app"));
}

}  // namespace
}  // namespace controller
