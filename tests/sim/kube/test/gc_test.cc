// Garbage collection by ownerReferences (uid), switchable, with the
// propagation policies, and namespace/dangling-owner cases.
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::awsiamrole;
using testing::awsiamrole_crd;
using testing::kCrdPath;
using testing::namespace_object;
using testing::roles_path;
using testing::secrets_path;
using testing::TestClient;

class GarbageCollectionTest : public ::testing::Test {
 protected:
  void start(bool gc) {
    ServerOptions options;
    options.garbage_collection = gc;
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("demo")).status, 201);
    ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
    testing::Reply role = client_->post(roles_path("demo"), awsiamrole("demo", "r1"));
    ASSERT_EQ(role.status, 201);
    role_uid_ = json::get_string_path(role.json(), {"metadata", "uid"});
  }
  // The Secret the controller writes for role r1, owned by it.
  testing::Reply create_owned_secret(const std::string& name, const std::string& owner_uid) {
    return client_->post(
        secrets_path("demo"),
        R"({"metadata":{"name":")" + name + R"(","ownerReferences":[{"apiVersion":"zalando.org/v1",
                             "kind":"AWSIAMRole","name":"r1","uid":")" +
            owner_uid + R"(","controller":true,"blockOwnerDeletion":true}]},"data":{"a":"Yg=="}})");
  }
  bool secret_exists(const std::string& name) {
    return client_->get(secrets_path("demo") + "/" + name).status == 200;
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
  std::string role_uid_;
};

TEST_F(GarbageCollectionTest, DeletingTheOwnerDeletesTheSecret) {
  start(/*gc=*/true);
  ASSERT_EQ(create_owned_secret("r1", role_uid_).status, 201);
  ASSERT_EQ(client_->del(roles_path("demo") + "/r1").status, 200);
  EXPECT_FALSE(secret_exists("r1"));
}

TEST_F(GarbageCollectionTest, WithoutTheCollectorTheOrphanStays) {
  start(/*gc=*/false);
  ASSERT_EQ(create_owned_secret("r1", role_uid_).status, 201);
  ASSERT_EQ(client_->del(roles_path("demo") + "/r1").status, 200);
  EXPECT_TRUE(secret_exists("r1"));
  // Switching it on and sweeping collects it.
  server_->set_garbage_collection(true);
  EXPECT_EQ(server_->collect_garbage(), 1u);
  EXPECT_FALSE(secret_exists("r1"));
}

TEST_F(GarbageCollectionTest, OrphanPropagationKeepsTheSecretAndDropsTheReference) {
  start(/*gc=*/true);
  ASSERT_EQ(create_owned_secret("r1", role_uid_).status, 201);
  ASSERT_EQ(client_->del(roles_path("demo") + "/r1", R"({"propagationPolicy":"Orphan"})").status,
            200);
  testing::Reply s = client_->get(secrets_path("demo") + "/r1");
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(json::find_path(s.json(), {"metadata", "ownerReferences"}), nullptr);
}

TEST_F(GarbageCollectionTest, ForegroundDeletesDependentsFirst) {
  start(/*gc=*/true);
  ASSERT_EQ(create_owned_secret("r1", role_uid_).status, 201);
  ASSERT_EQ(client_->del(roles_path("demo") + "/r1?propagationPolicy=Foreground").status, 200);
  EXPECT_FALSE(secret_exists("r1"));
  EXPECT_EQ(client_->get(roles_path("demo") + "/r1").status, 404);
}

TEST_F(GarbageCollectionTest, ASecretCreatedForAMissingOwnerIsCollected) {
  start(/*gc=*/true);
  testing::Reply r = create_owned_secret("dangling", "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(r.status, 201);
  EXPECT_FALSE(secret_exists("dangling"));
}

TEST_F(GarbageCollectionTest, AnotherLiveOwnerKeepsTheDependent) {
  start(/*gc=*/true);
  testing::Reply r2 = client_->post(roles_path("demo"), awsiamrole("demo", "r2"));
  std::string uid2 = json::get_string_path(r2.json(), {"metadata", "uid"});
  testing::Reply s =
      client_->post(secrets_path("demo"),
                    R"({"metadata":{"name":"shared","ownerReferences":[
                                       {"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"r1","uid":")" +
                        role_uid_ + R"("},{"apiVersion":"zalando.org/v1","kind":"AWSIAMRole",
                                       "name":"r2","uid":")" +
                        uid2 + R"("}]}})");
  ASSERT_EQ(s.status, 201) << s.body;
  ASSERT_EQ(client_->del(roles_path("demo") + "/r1").status, 200);
  EXPECT_TRUE(secret_exists("shared"));
  ASSERT_EQ(client_->del(roles_path("demo") + "/r2").status, 200);
  EXPECT_FALSE(secret_exists("shared"));
}

}  // namespace
}  // namespace sim::kube
