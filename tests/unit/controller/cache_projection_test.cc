// What the informers cache of each object: exactly what decisions need, no
// credentials.
#include "controller/domain/cache_projection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pkg/kube/json.h"

namespace controller {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
           "credentials": "c2VjcmV0", "role-arn": "YXJu", "expire": "MjAyNg==",
           "awsiamrole-generation": "MQ=="}
})";

kube::Object projected_secret() {
  kube::Object secret = kube::Object::parse(kSecret).value();
  project_secret(secret);
  return secret;
}

TEST(CacheProjectionTest, ASecretKeepsWhatDecisionsNeedAndNoCredentials) {
  const kube::Object secret = projected_secret();
  EXPECT_EQ(secret.to_json(),
            R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"app","namespace":"team",)"
            R"("uid":"u-1","resourceVersion":"42","labels":{"heritage":"kube-aws-iam-controller",)"
            R"("type":"awsiamrole"},"ownerReferences":[{"apiVersion":"zalando.org/v1",)"
            R"("kind":"AWSIAMRole","name":"app","uid":"r-1","controller":true,)"
            R"("blockOwnerDeletion":true}],"annotations":{"kube-aws-iam-controller/issued-at":)"
            R"("2026-12-01T00:00:00Z"}},"type":"Opaque","data":{"credentials.json":"LQ==",)"
            R"("credentials.process":"LQ==","credentials":"LQ==","role-arn":"YXJu",)"
            R"("expire":"MjAyNg==","awsiamrole-generation":"MQ=="}})");
  EXPECT_THAT(secret.to_json(), Not(HasSubstr("c2VjcmV0")));
}

TEST(CacheProjectionTest, AnAwsIamRoleKeepsSpecStatusAndItsIdentity) {
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
  project_awsiamrole(role);
  EXPECT_EQ(role.to_json(),
            R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"app",)"
            R"("namespace":"team","uid":"r-1","resourceVersion":"7","generation":3},)"
            R"("spec":{"roleReference":"app","roleSessionDuration":3600},"status":)"
            R"({"observedGeneration":3,"conditions":[{"type":"Ready","status":"True",)"
            R"("reason":"CredentialsIssued","lastTransitionTime":"2026-12-01T00:00:00Z"}]}})");
}

}  // namespace
}  // namespace controller
