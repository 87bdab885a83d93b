// What the informers cache of each object: exactly what decisions need, no
// credentials.
#include "controller/domain/views.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/plan.h"
#include "pkg/kube/json.h"

namespace controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kSecret = R"({
  "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
  "metadata": {
    "name": "app", "namespace": "team", "uid": "u-1", "resourceVersion": "42",
    "creationTimestamp": "2026-12-01T00:00:00Z",
    "labels": {"heritage": "kube-aws-iam-controller", "type": "awsiamrole"},
    "annotations": {"kube-aws-iam-controller/issued-at": "2026-12-01T00:00:00Z",
                    "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{}}"},
    "ownerReferences": [{"apiVersion": "zalando.org/v1", "kind": "AWSIAMRole", "name": "app",
                         "uid": "r-1", "controller": true, "blockOwnerDeletion": true}],
    "managedFields": [{"manager": "kube-aws-iam-controller", "operation": "Update"}]
  },
  "data": {"credentials.json": "c2VjcmV0", "credentials.process": "c2VjcmV0",
           "credentials": "c2VjcmV0", "role-arn": "YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjpyb2xlL2FwcA==", "expire": "MjAyNi0xMi0wMVQwMTowMDowMFo=",
           "awsiamrole-generation": "MQ==", "note": "aGk="}
})";

TEST(ViewsTest, ASecretKeepsWhatDecisionsNeedAndNoCredentials) {
  const ManagedSecret secret = secret_view(kube::Object::parse(kSecret).value());
  EXPECT_EQ(secret.key(), "team/app");
  EXPECT_EQ(secret.resource_version(), "42");
  EXPECT_EQ(secret.uid, "u-1");
  EXPECT_TRUE(secret.ours());
  ASSERT_EQ(secret.owner_references().size(), 1u);
  EXPECT_EQ(secret.owner_references()[0].uid, "r-1");
  EXPECT_TRUE(secret.owner_references()[0].controller);
  EXPECT_EQ(secret.issued_at, absl::FromUnixSeconds(1796083200));
  EXPECT_EQ(secret.data.role_arn, "arn:aws:iam::123456789012:role/app");
  EXPECT_EQ(secret.data.expire, absl::FromUnixSeconds(1796083200 + 3600));
  EXPECT_EQ(secret.data.generation, 1);
  EXPECT_THAT(secret.data.problems, IsEmpty());
  EXPECT_TRUE(secret.holds_credentials);
  EXPECT_THAT(secret.other_data_keys(), ElementsAre("note"));
}

TEST(ViewsTest, ASecretKeepsEveryLabelItWasGiven) {
  // The controller's two labels with its values are flags; any other label,
  // heritage with another value included, is kept with its value.
  const ManagedSecret ours = secret_view(kube::Object::parse(kSecret).value());
  EXPECT_THAT(ours.label_keys(), ElementsAre("heritage", "type"));
  EXPECT_TRUE(ours.labels_are({{"heritage", "kube-aws-iam-controller"}, {"type", "awsiamrole"}}));
  EXPECT_FALSE(ours.labels_are({{"heritage", "kube-aws-iam-controller"}}));
  EXPECT_FALSE(ours.labels_are(
      {{"heritage", "kube-aws-iam-controller"}, {"type", "awsiamrole"}, {"team", "a"}}));

  const ManagedSecret other = secret_view(
      kube::Object::parse(R"({"metadata":{"name":"app","namespace":"team",)"
                          R"("labels":{"heritage":"helm","type":"awsiamrole","team":"a"}}})")
          .value());
  EXPECT_FALSE(other.ours());
  EXPECT_FALSE(adoptable(other));
  EXPECT_TRUE(other.has_label("heritage", "helm"));
  EXPECT_FALSE(other.has_label("heritage", "kube-aws-iam-controller"));
  EXPECT_THAT(other.label_keys(), ElementsAre("type", "heritage", "team"));
  EXPECT_TRUE(other.labels_are({{"heritage", "helm"}, {"type", "awsiamrole"}, {"team", "a"}}));
  EXPECT_FALSE(other.labels_are({{"heritage", "helm"}, {"type", "awsiamrole"}, {"team", "b"}}));
}

TEST(ViewsTest, ASecretKeepsEveryOwnerReferenceInOrder) {
  // The controller's reference is kept as the role's uid; others, and one to
  // an AWSIAMRole of another name or without controller, whole and in place.
  const kube::Object secret =
      kube::Object::parse(
          R"({"metadata":{"name":"app","namespace":"team","ownerReferences":[)"
          R"({"apiVersion":"apps/v1","kind":"Deployment","name":"d","uid":"d-1"},)"
          R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"app","uid":"r-1",)"
          R"("controller":true,"blockOwnerDeletion":true},)"
          R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"app","uid":"r-0"},)"
          R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"old","uid":"r-2",)"
          R"("controller":true,"blockOwnerDeletion":true}]}})")
          .value();
  const ManagedSecret view = secret_view(secret);
  EXPECT_EQ(view.owner_references(), secret.owner_references());
  EXPECT_EQ(view.role_owner_uid, "r-1");
  EXPECT_EQ(view.other_owner_references().size(), 3u);
  EXPECT_TRUE(view.has_owner("AWSIAMRole", "r-1"));
  EXPECT_TRUE(view.has_owner("AWSIAMRole", "r-0"));
  EXPECT_TRUE(view.has_owner("Deployment", "d-1"));
  EXPECT_FALSE(view.has_owner("AWSIAMRole", "d-1"));
  EXPECT_FALSE(view.has_owner("Deployment", "r-1"));

  const kube::Object last =
      kube::Object::parse(
          R"({"metadata":{"name":"app","namespace":"team","ownerReferences":[)"
          R"({"apiVersion":"apps/v1","kind":"Deployment","name":"d","uid":"d-1"},)"
          R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"app","uid":"r-1",)"
          R"("controller":true,"blockOwnerDeletion":true}]}})")
          .value();
  EXPECT_EQ(secret_view(last).owner_references(), last.owner_references());
  EXPECT_THAT(
      secret_view(kube::Object::parse(R"({"metadata":{"name":"app"}})").value()).owner_references(),
      IsEmpty());
}

TEST(ViewsTest, ASecretWithUnreadableDataSaysWhatIsWrong) {
  // Credential keys are never decoded: only whether they hold something
  // counts (an apiserver stores nothing but valid base64 anyway).
  const ManagedSecret secret = secret_view(
      kube::Object::parse(R"({"metadata":{"name":"app","namespace":"team"},)"
                          R"("data":{"credentials":"%%%","credentials.json":"","expire":"%%%"}})")
          .value());
  EXPECT_FALSE(secret.ours());
  EXPECT_TRUE(secret.holds_credentials);
  EXPECT_THAT(secret.data.problems,
              ElementsAre("expire is not valid base64", "credentials.process is missing",
                          "credentials.json is missing", "expire is missing", "role-arn is missing",
                          "awsiamrole-generation is missing"));
}

TEST(ViewsTest, AnAwsIamRoleKeepsSpecStatusAndItsIdentity) {
  kube::Object role = kube::Object::parse(R"({
    "apiVersion": "zalando.org/v1", "kind": "AWSIAMRole",
    "metadata": {"name": "app", "namespace": "team", "uid": "r-1", "resourceVersion": "7",
                 "generation": 3, "annotations": {"big": "x"},
                 "managedFields": [{"manager": "kubectl"}]},
    "spec": {"roleReference": "app", "roleSessionDuration": 3600},
    "status": {"observedGeneration": 3, "conditions": [{"type": "Ready", "status": "True",
               "reason": "CredentialsIssued", "lastTransitionTime": "2026-12-01T00:00:00Z"}]}
  })")
                          .value();
  const AwsIamRole view = role_view(role);
  EXPECT_EQ(view.key(), "team/app");
  EXPECT_EQ(view.resource_version(), "7");
  EXPECT_EQ(view.uid, "r-1");
  EXPECT_EQ(view.generation, 3);
  EXPECT_FALSE(view.being_deleted);
  EXPECT_EQ(view.spec.role_reference, "app");
  EXPECT_EQ(ready_status(view.status), "True");
}

TEST(ViewsTest, AnAwsIamRoleWithoutIdentityIsReportedNotDropped) {
  const AwsIamRole view = role_view(kube::Object::parse(R"({"spec":{}})").value());
  EXPECT_FALSE(view.spec_error.ok());
}

TEST(ViewsTest, ANamespaceSaysWhetherItIsBeingDeleted) {
  auto ns = [](std::string_view json) {
    return namespace_view(kube::Object::parse(json).value(), nullptr);
  };
  EXPECT_FALSE(ns(R"({"metadata":{"name":"a"},"status":{"phase":"Active"}})").terminating);
  EXPECT_TRUE(ns(R"({"metadata":{"name":"a"},"status":{"phase":"Terminating"}})").terminating);
  EXPECT_TRUE(
      ns(R"({"metadata":{"name":"a","deletionTimestamp":"2026-12-01T00:00:00Z"}})").terminating);
}

}  // namespace
}  // namespace controller
