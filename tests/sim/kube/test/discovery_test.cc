// Discovery and OpenAPI documents compared with the real apiserver's
// (k8s-wire-samples), including a CRD appearing and disappearing, and the
// OpenAPI v3 parameters kubectl needs to send fieldValidation=Strict.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::awsiamrole_crd;
using testing::kCrdPath;
using testing::TestClient;
using testing::wire_sample;

const json::Value* resource_entry(const json::Value& list, const std::string& name) {
  for (const json::Value& r : json::find(list, "resources")->GetArray()) {
    if (json::get_string(r, "name") == name) return &r;
  }
  return nullptr;
}

bool declares_query_parameter(const json::Value& operation, const std::string& name) {
  const json::Value* params = json::find(operation, "parameters");
  if (params == nullptr) return false;
  for (const json::Value& p : params->GetArray()) {
    if (json::get_string(p, "name") == name && json::get_string(p, "in") == "query") return true;
  }
  return false;
}

class DiscoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(DiscoveryTest, CoreAndGroupDocumentsMatchTheApiserver) {
  json::Document core = client_->get("/api/v1").json();
  json::Document core_sample = wire_sample("discovery-api-v1.json");
  EXPECT_EQ(json::get_string(core, "kind"), "APIResourceList");
  EXPECT_EQ(json::find(core, "apiVersion"), nullptr) << "the core document has no apiVersion";
  for (const char* name :
       {"secrets", "events", "namespaces", "configmaps", "serviceaccounts", "namespaces/status"}) {
    const json::Value* got = resource_entry(core, name);
    const json::Value* want = resource_entry(core_sample, name);
    ASSERT_NE(got, nullptr) << name;
    ASSERT_NE(want, nullptr) << name;
    EXPECT_EQ(json::to_string(*got), json::to_string(*want)) << name;
  }
  EXPECT_EQ(client_->get("/apis/coordination.k8s.io/v1").body,
            json::to_string(wire_sample("discovery-coordination-v1.json")));
  json::Document api = client_->get("/api").json();
  EXPECT_EQ(
      json::get_string_path((*json::find(api, "serverAddressByClientCIDRs"))[0], {"serverAddress"}),
      "127.0.0.1:" + std::to_string(server_->port()));
  json::Document groups = client_->get("/apis").json();
  EXPECT_EQ(json::get_string(groups, "kind"), "APIGroupList");
  json::Document version = client_->get("/version").json();
  EXPECT_EQ(json::get_string(version, "gitVersion"), "v1.36.0");
}

TEST_F(DiscoveryTest, AggregatedDiscoveryRequestsGetTheLegacyDocument) {
  testing::Reply r = client_->get(
      "/apis",
      {{"Accept",
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/"
        "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(json::get_string(r.json(), "kind"), "APIGroupList");
}

TEST_F(DiscoveryTest, CrdGroupAppearsAndDisappears) {
  EXPECT_EQ(client_->get("/apis/zalando.org/v1").status, 404);
  ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
  EXPECT_EQ(client_->get("/apis/zalando.org/v1").body,
            json::to_string(wire_sample("discovery-zalando.org-v1.json")));
  EXPECT_THAT(
      client_->get("/apis").body,
      ::testing::HasSubstr(
          R"({"name":"zalando.org","versions":[{"groupVersion":"zalando.org/v1","version":"v1"}])"));
  EXPECT_EQ(client_->get("/apis/zalando.org").status, 200);
  ASSERT_EQ(client_->del(std::string(kCrdPath) + "/awsiamroles.zalando.org").status, 200);
  EXPECT_EQ(client_->get("/apis/zalando.org/v1").status, 404);
  EXPECT_THAT(client_->get("/apis").body, ::testing::Not(::testing::HasSubstr("zalando.org")));
}

TEST_F(DiscoveryTest, OpenApiV3DeclaresTheParametersKubectlChecks) {
  ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
  json::Document root = client_->get("/openapi/v3").json();
  for (const char* gv :
       {"api/v1", "apis/apps/v1", "apis/zalando.org/v1", "apis/coordination.k8s.io/v1"}) {
    std::string url = json::get_string_path(root, {"paths", gv, "serverRelativeURL"});
    ASSERT_THAT(url,
                ::testing::MatchesRegex(std::string("/openapi/v3/") + gv + "\\?hash=[0-9A-F]{128}"))
        << gv;
    testing::Reply doc = client_->get(url);
    ASSERT_EQ(doc.status, 200) << gv;
  }
  json::Document crd_doc =
      client_
          ->get(json::get_string_path(root, {"paths", "apis/zalando.org/v1", "serverRelativeURL"}))
          .json();
  const json::Value* patch = json::find_path(
      crd_doc,
      {"paths", "/apis/zalando.org/v1/namespaces/{namespace}/awsiamroles/{name}", "patch"});
  ASSERT_NE(patch, nullptr);
  EXPECT_TRUE(declares_query_parameter(*patch, "fieldValidation"));
  EXPECT_TRUE(declares_query_parameter(*patch, "dryRun"));
  EXPECT_EQ(json::get_string_path(*patch, {"x-kubernetes-group-version-kind", "kind"}),
            "AWSIAMRole");
  EXPECT_EQ(json::get_string(*patch, "operationId"), "patchZalandoOrgV1NamespacedAWSIAMRole");
  // The kind schema comes from the CRD, metadata from ObjectMeta, as in the sample.
  const json::Value* kind =
      json::find_path(crd_doc, {"components", "schemas", "org.zalando.v1.AWSIAMRole"});
  ASSERT_NE(kind, nullptr);
  EXPECT_EQ(
      json::find_path(*kind, {"properties", "spec", "properties", "roleReference", "minLength"})
          ->GetInt(),
      3);
  json::Document sample = wire_sample("openapi-v3-zalando.org-v1.json");
  for (const char* property : {"apiVersion", "kind", "metadata"}) {
    EXPECT_EQ(json::to_string(*json::find_path(*kind, {"properties", property})),
              json::to_string(*json::find_path(
                  sample,
                  {"components", "schemas", "org.zalando.v1.AWSIAMRole", "properties", property})))
        << property;
  }
  EXPECT_NE(json::find_path(crd_doc, {"components", "schemas",
                                      "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}),
            nullptr);
  json::Document apps =
      client_->get(json::get_string_path(root, {"paths", "apis/apps/v1", "serverRelativeURL"}))
          .json();
  const json::Value* dpatch = json::find_path(
      apps, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch"});
  ASSERT_NE(dpatch, nullptr);
  EXPECT_TRUE(declares_query_parameter(*dpatch, "fieldValidation"));
  EXPECT_NE(json::find_path(apps, {"components", "schemas", "io.k8s.api.core.v1.PodSpec"}),
            nullptr);
  testing::Reply v2 = client_->get("/openapi/v2");
  EXPECT_EQ(v2.status, 200);
  EXPECT_NE(json::find_path(v2.json(), {"definitions", "io.k8s.api.core.v1.Secret"}), nullptr);
}

}  // namespace
}  // namespace sim::kube
