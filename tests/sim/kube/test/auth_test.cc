// Bearer-token authentication (401) and per verb/resource denials (403)
// with the RBAC authorizer's messages.
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::secret;
using testing::secrets_path;
using testing::TestClient;

constexpr const char* kController = "system:serviceaccount:kube-system:kube-aws-iam-controller";

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.tokens.emplace_back(util::SecretString("admin-token"), "admin");
    options.tokens.emplace_back(util::SecretString("controller-token"), kController);
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
  }
  std::unique_ptr<Server> server_;
};

TEST_F(AuthTest, MissingOrWrongTokenIsUnauthorized) {
  TestClient anonymous(*server_);
  testing::Reply r = anonymous.get("/api/v1/namespaces");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(
      r.body,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})");
  EXPECT_EQ(anonymous.get("/apis").status, 401);
  EXPECT_EQ(TestClient(*server_, "wrong").get("/api/v1/namespaces").status, 401);
  EXPECT_EQ(anonymous.get("/version").status, 200) << "public, as system:public-info-viewer allows";
  EXPECT_EQ(anonymous.get("/healthz").status, 200);
  EXPECT_EQ(TestClient(*server_, "admin-token").get("/api/v1/namespaces").status, 200);
}

TEST_F(AuthTest, DenialsAnswerForbiddenWithTheAuthorizerMessage) {
  server_->access().deny({kController, "list", "", "secrets", ""});
  server_->access().deny({kController, "get", "", "secrets", "demo"});
  TestClient controller(*server_, "controller-token");
  testing::Reply list = controller.get("/api/v1/secrets");
  EXPECT_EQ(list.status, 403);
  json::Document doc = list.json();
  EXPECT_EQ(json::get_string(doc, "reason"), "Forbidden");
  EXPECT_EQ(
      json::get_string(doc, "message"),
      "secrets is forbidden: User \"system:serviceaccount:kube-system:kube-aws-iam-controller\" "
      "cannot list resource \"secrets\" in API group \"\" at the cluster scope");
  testing::Reply get = controller.get(secrets_path("demo") + "/x");
  EXPECT_EQ(get.status, 403);
  EXPECT_EQ(json::get_string(get.json(), "message"),
            "secrets \"x\" is forbidden: User "
            "\"system:serviceaccount:kube-system:kube-aws-iam-controller\" "
            "cannot get resource \"secrets\" in API group \"\" in the namespace \"demo\"");
  EXPECT_EQ(json::get_string_path(get.json(), {"details", "kind"}), "secrets");
  // Other verbs, namespaces and users are unaffected.
  EXPECT_EQ(controller.get(secrets_path("default") + "/x").status, 404);
  EXPECT_EQ(controller.post(secrets_path("default"), secret("default", "x")).status, 201);
  EXPECT_EQ(TestClient(*server_, "admin-token").get("/api/v1/secrets").status, 200);
}

TEST_F(AuthTest, SubresourceDenialsNameTheSubresource) {
  server_->access().deny({kController, "update", "zalando.org", "awsiamroles/status", ""});
  TestClient admin(*server_, "admin-token");
  ASSERT_EQ(admin.post(testing::kCrdPath, testing::awsiamrole_crd()).status, 201);
  ASSERT_EQ(admin.post(testing::roles_path("default"), testing::awsiamrole("default", "r1")).status,
            201);
  TestClient controller(*server_, "controller-token");
  testing::Reply got = controller.get(testing::roles_path("default") + "/r1");
  ASSERT_EQ(got.status, 200);
  testing::Reply put = controller.put(testing::roles_path("default") + "/r1/status", got.body);
  EXPECT_EQ(put.status, 403);
  EXPECT_EQ(json::get_string(put.json(), "message"),
            "awsiamroles.zalando.org \"r1\" is forbidden: User \"system:serviceaccount:kube-system:"
            "kube-aws-iam-controller\" cannot update resource \"awsiamroles/status\" in API group "
            "\"zalando.org\" in the namespace \"default\"");
}

}  // namespace
}  // namespace sim::kube
