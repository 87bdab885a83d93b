// PATCH in all its content types: merge patch, JSON patch, strategic merge
// (built-ins, merge keys from the schema), server-side apply, and the 415
// for strategic merge on custom resources.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::awsiamrole;
using testing::awsiamrole_crd;
using testing::kCrdPath;
using testing::roles_path;
using testing::secret;
using testing::secrets_path;
using testing::TestClient;

constexpr const char* kDeployment = "/apis/apps/v1/namespaces/default/deployments/d";

class PatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(PatchTest, MergeAndJsonPatches) {
  ASSERT_EQ(client_->post(secrets_path("default"), secret("default", "s1", R"({"a":"1","b":"2"})"))
                .status,
            201);
  testing::Reply merged = client_->patch(secrets_path("default") + "/s1",
                                         R"({"metadata":{"labels":{"a":null,"c":"3"}}})",
                                         "application/merge-patch+json");
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(json::to_string(*json::find_path(merged.json(), {"metadata", "labels"})),
            R"({"b":"2","c":"3"})");
  testing::Reply jp = client_->patch(secrets_path("default") + "/s1",
                                     R"([{"op":"test","path":"/metadata/labels/b","value":"2"},
                                         {"op":"replace","path":"/metadata/labels/b","value":"20"},
                                         {"op":"add","path":"/data/k","value":"dg=="}])",
                                     "application/json-patch+json");
  ASSERT_EQ(jp.status, 200) << jp.body;
  EXPECT_EQ(json::get_string_path(jp.json(), {"metadata", "labels", "b"}), "20");
  EXPECT_EQ(json::get_string_path(jp.json(), {"data", "k"}), "dg==");
  testing::Reply failed =
      client_->patch(secrets_path("default") + "/s1",
                     R"([{"op":"test","path":"/metadata/labels/b","value":"nope"}])",
                     "application/json-patch+json");
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(
      client_->patch(secrets_path("default") + "/missing", "{}", "application/merge-patch+json")
          .status,
      404);
  testing::Reply stale =
      client_->patch(secrets_path("default") + "/s1", R"({"metadata":{"resourceVersion":"1"}})",
                     "application/merge-patch+json");
  EXPECT_EQ(stale.status, 409);
}

TEST_F(PatchTest, StrategicMergeUsesTheSchemaMergeKeys) {
  ASSERT_EQ(client_
                ->post("/apis/apps/v1/namespaces/default/deployments",
                       R"({"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"d"}},
                              "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[
                              {"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},
                              {"name":"b","image":"b:1"}]}}}})")
                .status,
            201);
  testing::Reply r = client_->patch(kDeployment,
                                    R"({"spec":{"template":{"spec":{"containers":[
                                        {"name":"a","image":"a:2","env":[{"name":"Y","value":"2"}]},
                                        {"name":"b","$patch":"delete"}]}}}})",
                                    "application/strategic-merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  json::Document patched = r.json();
  const json::Value* containers =
      json::find_path(patched, {"spec", "template", "spec", "containers"});
  ASSERT_NE(containers, nullptr);
  ASSERT_EQ(containers->Size(), 1u);
  EXPECT_EQ(json::get_string((*containers)[0], "image"), "a:2");
  EXPECT_EQ(json::find((*containers)[0], "env")->Size(), 2u) << "env merges by name";
  EXPECT_EQ(json::get_string((*containers)[0], "imagePullPolicy"), "IfNotPresent")
      << "defaults kept";
  testing::Reply gen = client_->get(kDeployment);
  EXPECT_EQ(json::find_path(gen.json(), {"metadata", "generation"})->GetInt(), 2);
}

TEST_F(PatchTest, StrategicMergeIsNotForCustomResources) {
  ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
  ASSERT_EQ(client_->post(roles_path("default"), awsiamrole("default", "r1")).status, 201);
  testing::Reply r =
      client_->patch(roles_path("default") + "/r1", R"({"spec":{"roleReference":"abc"}})",
                     "application/strategic-merge-patch+json");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(json::get_string(r.json(), "reason"), "UnsupportedMediaType");
}

TEST_F(PatchTest, ServerSideApplyCreatesAndUpdates) {
  std::string body =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  labels:\n    a: "
      "\"1\"\nstringData:\n  k: v\n";
  EXPECT_EQ(
      client_->patch(secrets_path("default") + "/applied", body, "application/apply-patch+yaml")
          .status,
      400)
      << "fieldManager is required";
  testing::Reply created = client_->patch(secrets_path("default") + "/applied?fieldManager=test",
                                          body, "application/apply-patch+yaml");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::get_string_path(created.json(), {"data", "k"}), "dg==");
  testing::Reply updated = client_->patch(
      secrets_path("default") + "/applied?fieldManager=test",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  labels:\n    b: \"2\"\n",
      "application/apply-patch+yaml");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::get_string_path(updated.json(), {"metadata", "labels", "b"}), "2");
}

}  // namespace
}  // namespace sim::kube
