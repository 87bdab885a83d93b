// Reading the apiserver's AdmissionReview and answering it: the request's
// fields, what is refused, and an answer whose patch and warnings decode to
// what the webhook decided.
#include "pkg/kube/admission_review.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pkg/util/base64.h"

namespace kube {
namespace {

using ::testing::HasSubstr;

// The shape the apiserver sends for a pod create (admission.k8s.io/v1).
constexpr std::string_view kPodCreate = R"({
  "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {
    "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
    "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
    "requestResource": {"group": "", "version": "v1", "resource": "pods"},
    "name": "", "namespace": "team", "operation": "CREATE",
    "userInfo": {"username": "alice", "groups": ["system:authenticated"]},
    "object": {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"generateName": "app-", "namespace": "team"},
               "spec": {"containers": [{"name": "app", "image": "busybox"}]}},
    "oldObject": null,
    "dryRun": true,
    "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
  }
})";

TEST(AdmissionReviewTest, ReadsWhatTheApiserverSends) {
  const util::StatusOr<AdmissionRequest> request = parse_admission_review(kPodCreate);
  ASSERT_TRUE(request.ok()) << request.status().to_string();
  EXPECT_EQ(request->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(request->kind, "Pod");
  EXPECT_EQ(request->version, "v1");
  EXPECT_EQ(request->resource, "pods");
  EXPECT_EQ(request->namespace_, "team");
  EXPECT_EQ(request->operation, "CREATE");
  EXPECT_EQ(request->username, "alice");
  EXPECT_TRUE(request->dry_run);
  EXPECT_EQ(json::get_string(*json::find(request->object, "metadata"), "generateName"), "app-");
}

TEST(AdmissionReviewTest, RefusesWhatIsNotAV1Review) {
  for (const std::string_view body :
       {std::string_view("not json"), std::string_view(R"({"apiVersion": "admission.k8s.io/v1beta1",
          "kind": "AdmissionReview", "request": {"uid": "x", "operation": "CREATE"}})"),
        std::string_view(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})"),
        std::string_view(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
          "request": {"operation": "CREATE"}})")}) {
    SCOPED_TRACE(body);
    const auto request = parse_admission_review(body);
    EXPECT_EQ(request.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_THAT(request.status().message(), HasSubstr("AdmissionReview"));
  }
}

TEST(AdmissionReviewTest, AnAnswerCarriesTheUidTheBase64PatchAndTheWarnings) {
  AdmissionResponse response{.uid = "705ab4f5"};
  JsonValue env(rapidjson::kArrayType);
  response.patch.push_back({"/spec/containers/0/env", std::move(env)});
  response.patch.push_back(
      {"/metadata/annotations/" + json_pointer_escape("a/b~c"), json::make_string("v")});
  response.warnings = {"container app mounts Secret x with subPath"};
  const JsonValue review = json::parse(admission_review_response(response)).value();
  EXPECT_EQ(json::get_string(review, "apiVersion"), "admission.k8s.io/v1");
  EXPECT_EQ(json::get_string(review, "kind"), "AdmissionReview");
  const JsonValue& answer = *json::find(review, "response");
  EXPECT_EQ(json::get_string(answer, "uid"), "705ab4f5");
  EXPECT_TRUE(json::find(answer, "allowed")->GetBool());
  EXPECT_EQ(json::get_string(answer, "patchType"), "JSONPatch");
  const std::string patch = util::base64_decode(json::get_string(answer, "patch")).value();
  EXPECT_EQ(patch, R"([{"op":"add","path":"/spec/containers/0/env","value":[]},)"
                   R"({"op":"add","path":"/metadata/annotations/a~1b~0c","value":"v"}])");
  ASSERT_TRUE(json::find(answer, "warnings")->IsArray());
  EXPECT_EQ(json::find(answer, "warnings")->Size(), 1u);
}

TEST(AdmissionReviewTest, ARefusalCarriesItsCodeAndMessageAndNoPatch) {
  AdmissionResponse response{.uid = "u", .allowed = false, .message = "role admin: not allowed"};
  response.patch.push_back({"/x", json::make_string("ignored")});
  const JsonValue review = json::parse(admission_review_response(response)).value();
  const JsonValue& answer = *json::find(review, "response");
  EXPECT_FALSE(json::find(answer, "allowed")->GetBool());
  EXPECT_EQ(json::find(answer, "patch"), nullptr);
  EXPECT_EQ(json::get_int(*json::find(answer, "status"), "code"), 403);
  EXPECT_EQ(json::get_string(*json::find(answer, "status"), "message"), "role admin: not allowed");
}

}  // namespace
}  // namespace kube
