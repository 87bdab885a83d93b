// Object semantics of the simulator over HTTP: resourceVersion, uid,
// generation, Status errors (compared with the real apiserver's responses in
// k8s-wire-samples), Secret defaulting, dry runs, namespaces, CRDs.
#include <cstdlib>

#include "gmock/gmock.h"
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
using testing::secret;
using testing::secrets_path;
using testing::TestClient;
using testing::wire_sample;

uint64_t rv_of(const json::Value& obj) {
  return std::strtoull(json::get_string_path(obj, {"metadata", "resourceVersion"}).c_str(), nullptr,
                       10);
}

int64_t generation_of(const json::Value& obj) {
  const json::Value* g = json::find_path(obj, {"metadata", "generation"});
  return g != nullptr && g->IsInt64() ? g->GetInt64() : -1;
}

class ObjectSemanticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("demo")).status, 201);
  }
  void create_crd(bool status_subresource = true) {
    ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd(status_subresource)).status, 201);
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(ObjectSemanticsTest, ResourceVersionIsOneCounterAcrossKinds) {
  create_crd();
  uint64_t last = 0;
  for (int i = 0; i < 3; ++i) {
    testing::Reply s = client_->post(secrets_path("demo"), secret("demo", "s" + std::to_string(i)));
    ASSERT_EQ(s.status, 201) << s.body;
    testing::Reply r =
        client_->post(roles_path("demo"), awsiamrole("demo", "r" + std::to_string(i)));
    ASSERT_EQ(r.status, 201) << r.body;
    uint64_t a = rv_of(s.json());
    uint64_t b = rv_of(r.json());
    EXPECT_GT(a, last);
    EXPECT_GT(b, a);
    last = b;
  }
  testing::Reply list = client_->get(secrets_path("demo"));
  EXPECT_EQ(json::get_string_path(list.json(), {"metadata", "resourceVersion"}),
            std::to_string(last));
  EXPECT_EQ(server_->store().current_resource_version(), last);
}

TEST_F(ObjectSemanticsTest, SecretCreateConvertsStringDataLikeTheApiserver) {
  testing::Reply r = client_->post(secrets_path("demo"),
                                   R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1",
                                       "labels":{"heritage":"kube-aws-iam-controller"}},
                                       "stringData":{"a":"b"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::Document got = r.json();
  json::Document want = wire_sample("secret-create-201.json");
  EXPECT_EQ(json::to_string(*json::find(got, "data")), json::to_string(*json::find(want, "data")));
  EXPECT_EQ(json::get_string(got, "type"), "Opaque");
  EXPECT_EQ(json::find(got, "stringData"), nullptr);
  EXPECT_EQ(json::get_string(got, "kind"), "Secret");
  EXPECT_EQ(json::get_string(got, "apiVersion"), "v1");
  EXPECT_EQ(json::get_string_path(got, {"metadata", "uid"}).size(), 36u);
  EXPECT_THAT(json::get_string_path(got, {"metadata", "creationTimestamp"}),
              ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  EXPECT_EQ(json::find_path(got, {"metadata", "generation"}), nullptr)
      << "Secrets have no generation";
  // Stored form equals the response.
  EXPECT_EQ(client_->get(secrets_path("demo") + "/s1").body, r.body);
}

TEST_F(ObjectSemanticsTest, ErrorsMatchTheApiserverStatusObjects) {
  ASSERT_EQ(client_->post(secrets_path("wire"), secret("wire", "s1")).status, 404);
  ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("wire")).status, 201);
  testing::Reply created = client_->post(secrets_path("wire"), secret("wire", "s1"));
  ASSERT_EQ(created.status, 201);

  testing::Reply missing = client_->get(secrets_path("wire") + "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, json::to_string(wire_sample("status-404.json")));

  testing::Reply duplicate = client_->post(secrets_path("wire"), secret("wire", "s1"));
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.body, json::to_string(wire_sample("status-409-alreadyexists.json")));

  json::Document stale = created.json();
  json::set_string(*json::find(stale, "metadata"), "resourceVersion", "1", stale.GetAllocator());
  testing::Reply conflict = client_->put(secrets_path("wire") + "/s1", json::to_string(stale));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.body, json::to_string(wire_sample("status-409-conflict.json")));

  std::string uid = json::get_string_path(created.json(), {"metadata", "uid"});
  testing::Reply deleted = client_->del(secrets_path("wire") + "/s1");
  EXPECT_EQ(deleted.status, 200);
  json::Document want = wire_sample("secret-delete-200.json");
  json::set_string(*json::find_path(want, {"details"}), "uid", uid, want.GetAllocator());
  EXPECT_EQ(deleted.body, json::to_string(want));
}

TEST_F(ObjectSemanticsTest, UpdateWithCurrentResourceVersionSucceedsAndBumpsIt) {
  testing::Reply created = client_->post(secrets_path("demo"), secret("demo", "s1"));
  json::Document obj = created.json();
  json::set_string(json::ensure_object(*json::find(obj, "metadata"), "labels", obj.GetAllocator()),
                   "x", "y", obj.GetAllocator());
  testing::Reply updated = client_->put(secrets_path("demo") + "/s1", json::to_string(obj));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_GT(rv_of(updated.json()), rv_of(created.json()));
  EXPECT_EQ(json::get_string_path(updated.json(), {"metadata", "uid"}),
            json::get_string_path(created.json(), {"metadata", "uid"}));
}

TEST_F(ObjectSemanticsTest, NoOpUpdateKeepsTheResourceVersion) {
  testing::Reply created = client_->post(secrets_path("demo"), secret("demo", "s1"));
  testing::Reply same = client_->put(secrets_path("demo") + "/s1", created.body);
  ASSERT_EQ(same.status, 200);
  EXPECT_EQ(rv_of(same.json()), rv_of(created.json()));
  EXPECT_EQ(server_->store().current_resource_version(), rv_of(created.json()));
}

TEST_F(ObjectSemanticsTest, GenerationWithStatusSubresourceTracksSpecOnly) {
  create_crd(/*status_subresource=*/true);
  testing::Reply created = client_->post(roles_path("demo"), awsiamrole("demo", "r1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(generation_of(created.json()), 1);
  EXPECT_EQ(json::find(created.json(), "status"), nullptr);

  // The main endpoint ignores status changes: no write, generation 1.
  json::Document obj = created.json();
  json::Value status(rapidjson::kObjectType);
  json::set_string(status, "roleARN", "arn:aws:iam::1:role/x", obj.GetAllocator());
  json::set(obj, "status", std::move(status), obj.GetAllocator());
  testing::Reply main = client_->put(roles_path("demo") + "/r1", json::to_string(obj));
  ASSERT_EQ(main.status, 200) << main.body;
  EXPECT_EQ(json::find(main.json(), "status"), nullptr);
  EXPECT_EQ(generation_of(main.json()), 1);

  // /status sets status and ignores everything else; generation stays.
  json::set_string(*json::find_path(obj, {"spec"}), "roleReference", "ignored-role",
                   obj.GetAllocator());
  testing::Reply st = client_->put(roles_path("demo") + "/r1/status", json::to_string(obj));
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(json::get_string_path(st.json(), {"status", "roleARN"}), "arn:aws:iam::1:role/x");
  EXPECT_EQ(json::get_string_path(st.json(), {"spec", "roleReference"}), "team/app/my-role");
  EXPECT_EQ(generation_of(st.json()), 1);

  // A spec change bumps generation and keeps the status.
  testing::Reply spec =
      client_->patch(roles_path("demo") + "/r1", R"({"spec":{"roleSessionDuration":7200}})",
                     "application/merge-patch+json");
  ASSERT_EQ(spec.status, 200) << spec.body;
  EXPECT_EQ(generation_of(spec.json()), 2);
  EXPECT_EQ(json::get_string_path(spec.json(), {"status", "roleARN"}), "arn:aws:iam::1:role/x");

  // A metadata-only change does not.
  testing::Reply meta =
      client_->patch(roles_path("demo") + "/r1", R"({"metadata":{"labels":{"a":"b"}}})",
                     "application/merge-patch+json");
  EXPECT_EQ(generation_of(meta.json()), 2);
}

TEST_F(ObjectSemanticsTest, GenerationWithoutStatusSubresourceTracksAllButMetadata) {
  create_crd(/*status_subresource=*/false);
  testing::Reply created = client_->post(roles_path("demo"), awsiamrole("demo", "r1"));
  ASSERT_EQ(created.status, 201);
  testing::Reply st = client_->patch(roles_path("demo") + "/r1", R"({"status":{"roleARN":"a"}})",
                                     "application/merge-patch+json");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(json::get_string_path(st.json(), {"status", "roleARN"}), "a");
  EXPECT_EQ(generation_of(st.json()), 2);
  EXPECT_EQ(client_->get(roles_path("demo") + "/r1/status").status, 404);
}

TEST_F(ObjectSemanticsTest, CrdDefaultsApplyAndStatusIsEstablished) {
  create_crd();
  testing::Reply crd = client_->get(std::string(kCrdPath) + "/awsiamroles.zalando.org");
  json::Document doc = crd.json();
  const json::Value* conditions = json::find_path(doc, {"status", "conditions"});
  ASSERT_NE(conditions, nullptr);
  std::map<std::string, std::string> by_type;
  for (const json::Value& c : conditions->GetArray()) {
    by_type[json::get_string(c, "type")] = json::get_string(c, "status");
  }
  EXPECT_EQ(by_type["Established"], "True");
  EXPECT_EQ(by_type["NamesAccepted"], "True");
  EXPECT_EQ(json::get_string_path(doc, {"status", "acceptedNames", "kind"}), "AWSIAMRole");
  testing::Reply role = client_->post(roles_path("demo"), awsiamrole("demo", "r1"));
  json::Document created = role.json();
  const json::Value* duration = json::find_path(created, {"spec", "roleSessionDuration"});
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->GetInt(), 3600);
}

TEST_F(ObjectSemanticsTest, DeletingTheCrdRemovesItsResourcesAndApi) {
  create_crd();
  ASSERT_EQ(client_->post(roles_path("demo"), awsiamrole("demo", "r1")).status, 201);
  EXPECT_EQ(client_->get("/apis/zalando.org/v1").status, 200);
  EXPECT_EQ(client_->del(std::string(kCrdPath) + "/awsiamroles.zalando.org").status, 200);
  EXPECT_EQ(client_->get("/apis/zalando.org/v1").status, 404);
  EXPECT_EQ(client_->get(roles_path("demo")).status, 404);
  EXPECT_EQ(server_->store().all_in("zalando.org/awsiamroles").size(), 0u);
}

TEST_F(ObjectSemanticsTest, DryRunValidatesButDoesNotStore) {
  uint64_t before = server_->store().current_resource_version();
  testing::Reply r = client_->post(secrets_path("demo") + "?dryRun=All", secret("demo", "s1"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(json::get_string_path(r.json(), {"metadata", "resourceVersion"}), "");
  EXPECT_EQ(client_->get(secrets_path("demo") + "/s1").status, 404);
  EXPECT_EQ(server_->store().current_resource_version(), before);
  testing::Reply bad =
      client_->post(secrets_path("demo") + "?dryRun=All", secret("demo", "Bad_Name"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(server_->counters().writes("secrets"), 0);
}

TEST_F(ObjectSemanticsTest, DeletingANamespaceDeletesItsObjects) {
  ASSERT_EQ(client_->post(secrets_path("demo"), secret("demo", "s1")).status, 201);
  ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("other")).status, 201);
  ASSERT_EQ(client_->post(secrets_path("other"), secret("other", "s2")).status, 201);
  testing::Reply deleted = client_->del("/api/v1/namespaces/demo");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(json::get_string_path(deleted.json(), {"status", "phase"}), "Terminating");
  EXPECT_EQ(client_->get(secrets_path("demo") + "/s1").status, 404);
  EXPECT_EQ(client_->get(secrets_path("other") + "/s2").status, 200);
  EXPECT_EQ(client_->get("/api/v1/namespaces/demo").status, 404);
  testing::Reply immortal = client_->del("/api/v1/namespaces/default");
  EXPECT_EQ(immortal.status, 403);
  EXPECT_EQ(json::get_string(immortal.json(), "message"),
            "namespaces \"default\" is forbidden: this namespace may not be deleted");
}

TEST_F(ObjectSemanticsTest, FinalizersDelayDeletionUntilRemoved) {
  ASSERT_EQ(client_
                ->post(secrets_path("demo"),
                       R"({"metadata":{"name":"s1","finalizers":["example.com/keep"]}})")
                .status,
            201);
  testing::Reply marked = client_->del(secrets_path("demo") + "/s1");
  ASSERT_EQ(marked.status, 200);
  EXPECT_NE(json::get_string_path(marked.json(), {"metadata", "deletionTimestamp"}), "");
  EXPECT_EQ(client_->get(secrets_path("demo") + "/s1").status, 200);
  testing::Reply done =
      client_->patch(secrets_path("demo") + "/s1", R"({"metadata":{"finalizers":null}})",
                     "application/merge-patch+json");
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(client_->get(secrets_path("demo") + "/s1").status, 404);
}

TEST_F(ObjectSemanticsTest, GenerateNameCreatesAUniqueName) {
  testing::Reply r =
      client_->post(secrets_path("demo"), R"({"metadata":{"generateName":"creds-"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_THAT(json::get_string_path(r.json(), {"metadata", "name"}),
              ::testing::MatchesRegex("creds-[a-z0-9]{5}"));
}

TEST_F(ObjectSemanticsTest, EventsAreOneStoreWithTwoApiViews) {
  testing::Reply core =
      client_->post("/api/v1/namespaces/demo/events",
                    R"({"metadata":{"name":"e1"},"involvedObject":{"kind":"AWSIAMRole",
                                          "name":"r1","namespace":"demo"},"reason":"CreateCredentials",
                                          "message":"hello","type":"Normal","source":{"component":"c"}})");
  ASSERT_EQ(core.status, 201) << core.body;
  testing::Reply v1 = client_->get("/apis/events.k8s.io/v1/namespaces/demo/events/e1");
  ASSERT_EQ(v1.status, 200);
  json::Document doc = v1.json();
  EXPECT_EQ(json::get_string(doc, "apiVersion"), "events.k8s.io/v1");
  EXPECT_EQ(json::get_string(doc, "note"), "hello");
  EXPECT_EQ(json::get_string_path(doc, {"regarding", "name"}), "r1");
  EXPECT_EQ(json::get_string_path(doc, {"deprecatedSource", "component"}), "c");
  EXPECT_EQ(json::find(doc, "message"), nullptr);

  testing::Reply v1_created =
      client_->post("/apis/events.k8s.io/v1/namespaces/demo/events?fieldValidation=Strict",
                    R"({"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"e2"},
          "eventTime":"2026-11-23T15:44:56.000000Z","reportingController":"kube-aws-iam-controller",
          "reportingInstance":"pod-1","action":"Assume","reason":"UpdateCredentials",
          "regarding":{"kind":"AWSIAMRole","name":"r1","namespace":"demo"},"note":"refreshed",
          "type":"Normal"})");
  ASSERT_EQ(v1_created.status, 201) << v1_created.body;
  EXPECT_EQ(json::get_string(v1_created.json(), "note"), "refreshed");
  json::Document as_core = client_->get("/api/v1/namespaces/demo/events/e2").json();
  EXPECT_EQ(json::get_string(as_core, "message"), "refreshed");
  EXPECT_EQ(json::get_string(as_core, "reportingComponent"), "kube-aws-iam-controller");
  EXPECT_EQ(json::get_string_path(as_core, {"involvedObject", "name"}), "r1");
}

}  // namespace
}  // namespace sim::kube
