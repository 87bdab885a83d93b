// The webhook between the HTTPS endpoint and the decision: an AdmissionReview
// of a pod answered from the caches, the AWSIAMRoles it needs created off the
// admission path (and never for a dry run), and what it leaves alone.
#include "controller/loop/pod_webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pkg/kube/config.h"
#include "pkg/util/base64.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace json = kube::json;

constexpr std::string_view kTeamRoles = "/apis/zalando.org/v1/namespaces/team/awsiamroles";

// An AdmissionReview as the apiserver sends it for a pod create.
std::string review_of(std::string_view pod, std::string_view ns = "team",
                      std::string_view operation = "CREATE", bool dry_run = false) {
  return util::cat(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
      "resource": {"group": "", "version": "v1", "resource": "pods"},
      "namespace": ")",
                   ns, R"(", "operation": ")", operation, R"(",
      "userInfo": {"username": "alice"}, "dryRun": )",
                   dry_run ? "true" : "false", R"(, "object": )", pod, "}}");
}

constexpr std::string_view kCreatedPod = R"({"apiVersion": "v1", "kind": "Pod",
  "metadata": {"generateName": "app-", "namespace": "team",
               "annotations": {"iam.amazonaws.com/role": "team/app"}},
  "spec": {"serviceAccountName": "default", "containers": [{"name": "app", "image": "busybox"}]}})";

class PodWebhookTest : public ::testing::Test {
 protected:
  PodWebhookTest() {
    transport_.set_handler(api_.handler());
    options_.wiring.base_role_arn = &base_;
  }

  PodWebhook webhook() { return PodWebhook(roles_, accounts_, namespaces_, creator_, options_); }

  // The answer's response object.
  kube::JsonValue answer(std::string_view review) {
    const PodWebhook::Answer answer = webhook().review(review);
    EXPECT_EQ(answer.http_status, 200) << answer.body;
    last_result_ = answer.result;
    kube::JsonValue parsed = json::parse(answer.body).value();
    kube::JsonValue response;
    response.Swap(*json::find(parsed, "response"));
    return response;
  }
  static std::string patch_of(const kube::JsonValue& response) {
    return util::base64_decode(json::get_string(response, "patch")).value_or("");
  }
  static std::vector<std::string> warnings_of(const kube::JsonValue& response) {
    std::vector<std::string> out;
    if (const kube::JsonValue* warnings = json::find(response, "warnings")) {
      for (const auto& w : warnings->GetArray())
        out.emplace_back(json::as_string(w));
    }
    return out;
  }

  util::testing::FakeClock clock_;
  kube::testing::FakeApiServer api_;
  http::testing::FakeTransport transport_;
  kube::RestClient client_{*kube::config_from_url("http://apiserver.test"),
                           transport_,
                           clock_,
                           {.qps = 0, .max_retries = 0}};
  RestObjectWriter writer_{client_};
  RoleCreator creator_{writer_, clock_};
  aws::BaseRoleArn base_ = aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/").value();
  kube::Store<AwsIamRole> roles_;
  kube::Store<ServiceAccountView> accounts_;
  kube::Store<NamespaceView> namespaces_;
  PodWebhookOptions options_;
  AdmissionResult last_result_ = AdmissionResult::kUnchanged;
};

TEST_F(PodWebhookTest, APodNamingARoleIsWiredAndItsAwsIamRoleCreatedAfterTheAnswer) {
  const kube::JsonValue response = answer(review_of(kCreatedPod));
  EXPECT_EQ(json::get_string(response, "uid"), "u-1");
  EXPECT_TRUE(json::find(response, "allowed")->GetBool());
  const std::string name = derived_role_name("team/app");
  EXPECT_THAT(patch_of(response), HasSubstr(util::cat(R"("secretName":")", name, R"(")")));
  EXPECT_TRUE(api_.request_log().empty()) << "no apiserver call on the admission path";
  EXPECT_EQ(last_result_, AdmissionResult::kWired);
  EXPECT_EQ(creator_.pending(), 1u);

  ASSERT_TRUE(creator_.create_next({}));
  const std::optional<kube::Object> created = api_.get(kTeamRoles, name);
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(json::get_string(*json::find(created->json(), "spec"), "roleReference"), "team/app");
  EXPECT_EQ(created->label(kDerivedLabel), "true");
  EXPECT_EQ(created->annotation(kDerivedFromAnnotation), "pod annotation iam.amazonaws.com/role");
  EXPECT_EQ(creator_.pending(), 0u);
  EXPECT_EQ(creator_.counts().created, 1u);
}

TEST_F(PodWebhookTest, ManyPodsOfOneRoleQueueItOnce) {
  answer(review_of(kCreatedPod));
  answer(review_of(kCreatedPod));
  EXPECT_EQ(creator_.pending(), 1u);
}

TEST_F(PodWebhookTest, ADryRunIsAnsweredAlikeAndCreatesNothing) {
  const kube::JsonValue response = answer(review_of(kCreatedPod, "team", "CREATE", true));
  EXPECT_FALSE(patch_of(response).empty());
  EXPECT_EQ(creator_.pending(), 0u);
}

TEST_F(PodWebhookTest, ExemptNamespacesUpdatesAndOtherKindsAreLeftAlone) {
  options_.exempt_namespaces.insert("kube-aws-iam-controller");
  for (const std::string& review :
       {review_of(kCreatedPod, "kube-system"), review_of(kCreatedPod, "kube-aws-iam-controller"),
        review_of(kCreatedPod, "team", "UPDATE")}) {
    const kube::JsonValue response = answer(review);
    EXPECT_TRUE(json::find(response, "allowed")->GetBool());
    EXPECT_EQ(json::find(response, "patch"), nullptr);
    EXPECT_EQ(last_result_, AdmissionResult::kUnchanged);
  }
  EXPECT_EQ(creator_.pending(), 0u);
}

TEST_F(PodWebhookTest, WhatIsNoAdmissionReviewIsABadRequest) {
  const PodWebhook::Answer answer = webhook().review("{}");
  EXPECT_EQ(answer.http_status, 400);
  EXPECT_EQ(answer.result, AdmissionResult::kBadRequest);
  EXPECT_THAT(answer.body, HasSubstr("AdmissionReview"));
}

TEST_F(PodWebhookTest, ThePodsServiceAccountAndTheNamespacePolicyComeFromTheCaches) {
  accounts_.upsert(std::make_shared<const ServiceAccountView>(
      ServiceAccountView{.namespace_ = "team", .name = "builder", .role = "admin"}));
  options_.namespace_restrictions = true;
  NamespaceView ns{.name = "team"};
  ns.policy = std::make_shared<const NamespacePolicy>(
      NamespacePolicy::compile("team", R"(["team/*"])", std::nullopt, {}, base_));
  namespaces_.upsert(std::make_shared<const NamespaceView>(std::move(ns)));
  const kube::JsonValue response = answer(
      review_of(R"({"spec": {"serviceAccountName": "builder", "containers": [{"name": "app"}]}})"));
  EXPECT_TRUE(json::find(response, "allowed")->GetBool());
  EXPECT_EQ(json::find(response, "patch"), nullptr);
  EXPECT_THAT(warnings_of(response),
              ElementsAre(HasSubstr("ServiceAccount builder annotation iam.amazonaws.com/role: "
                                    "role arn:aws:iam::123456789012:role/admin")));
  EXPECT_EQ(creator_.pending(), 0u);

  options_.wiring.refuse_forbidden_roles = true;
  const kube::JsonValue refused = answer(
      review_of(R"({"spec": {"serviceAccountName": "builder", "containers": [{"name": "app"}]}})"));
  EXPECT_FALSE(json::find(refused, "allowed")->GetBool());
  EXPECT_EQ(last_result_, AdmissionResult::kRefused);
  EXPECT_EQ(json::get_int(*json::find(refused, "status"), "code"), 403);
}

TEST_F(PodWebhookTest, AnUnknownNamespaceUsesNoRoleUnderRestrictions) {
  options_.namespace_restrictions = true;
  const kube::JsonValue response = answer(review_of(kCreatedPod));
  EXPECT_EQ(json::find(response, "patch"), nullptr);
  EXPECT_THAT(warnings_of(response), ElementsAre(HasSubstr("no credentials are mounted")));
}

TEST_F(PodWebhookTest, ARoleThatExistsAlreadyCountsAsCreatedAndARefusalIsNotRetried) {
  answer(review_of(kCreatedPod));
  api_.fail_next(1, 409, "AlreadyExists");
  ASSERT_TRUE(creator_.create_next({}));
  EXPECT_EQ(creator_.counts().existed, 1u);

  answer(review_of(R"({"metadata": {"annotations": {"iam.amazonaws.com/role": "other"}},
                      "spec": {"containers": [{"name": "app"}]}})"));
  api_.fail_next(1, 403, "Forbidden");
  ASSERT_TRUE(creator_.create_next({}));
  EXPECT_EQ(creator_.counts().failed, 1u);
  EXPECT_EQ(creator_.pending(), 0u);
}

}  // namespace
}  // namespace controller
