// Field validation as the apiserver does it: fieldValidation Strict / Warn /
// Ignore on built-in kinds (the vendored Kubernetes 1.36 schema) and custom
// resources (the CRD's openAPIV3Schema), type errors, 422 Invalid causes.
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::awsiamrole_crd;
using testing::kCrdPath;
using testing::namespace_object;
using testing::roles_path;
using testing::secrets_path;
using testing::TestClient;

constexpr const char* kDeployments = "/apis/apps/v1/namespaces/kube-system/deployments";

std::string deployment(const std::string& probe_field, const std::string& replicas = "1") {
  return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"kube-aws-iam-controller"},
    "spec":{"replicas":)" +
         replicas + R"(,"selector":{"matchLabels":{"app":"c"}},
    "template":{"metadata":{"labels":{"app":"c"}},"spec":{"containers":[{"name":"c","image":"i:1",
    "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},")" +
         probe_field + R"(":10}}]}}}})";
}

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("demo")).status, 201);
    ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
  }
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(ValidationTest, StrictRejectsAnUnknownFieldWithThePathTheApiserverReports) {
  testing::Reply r = client_->post(std::string(kDeployments) + "?fieldValidation=Strict&dryRun=All",
                                   deployment("initialDelaySecond"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].livenessProbe.initialDelaySecond\"","reason":"BadRequest","code":400})");
  testing::Reply ok =
      client_->post(std::string(kDeployments) + "?fieldValidation=Strict&dryRun=All",
                    deployment("initialDelaySeconds"));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(ValidationTest, WarnAndTheDefaultDropTheFieldWithAWarningHeader) {
  for (std::string query : {"?fieldValidation=Warn", ""}) {
    testing::Reply r =
        client_->post(std::string(kDeployments) + query, deployment("initialDelaySecond"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(
        r.header("Warning"),
        R"(299 - "unknown field \"spec.template.spec.containers[0].livenessProbe.initialDelaySecond\"")");
    json::Document created = r.json();
    const json::Value* probe = json::find_path(created, {"spec", "template", "spec", "containers"});
    ASSERT_NE(probe, nullptr);
    EXPECT_EQ(json::find((*probe)[0], "livenessProbe")->HasMember("initialDelaySecond"), false);
    ASSERT_EQ(client_->del(std::string(kDeployments) + "/kube-aws-iam-controller").status, 200);
  }
}

TEST_F(ValidationTest, IgnoreDropsUnknownFieldsSilently) {
  testing::Reply r = client_->post(std::string(kDeployments) + "?fieldValidation=Ignore",
                                   deployment("initialDelaySecond"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.header_count("Warning"), 0u);
}

TEST_F(ValidationTest, WrongTypesInBuiltinsAreDecodingErrors) {
  testing::Reply r = client_->post(kDeployments, deployment("initialDelaySeconds", "\"3\""));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      json::get_string(r.json(), "message"),
      "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal "
      "string into Go struct field DeploymentSpec.spec.replicas of type int32");
  testing::Reply b64 = client_->post(secrets_path("demo"),
                                     R"({"metadata":{"name":"s"},"data":{"a":"not base64!"}})");
  EXPECT_EQ(b64.status, 400);
  EXPECT_THAT(json::get_string(b64.json(), "message"),
              ::testing::StartsWith("Secret in version \"v1\" cannot be handled as a Secret: "
                                    "illegal base64 data at input byte"));
}

TEST_F(ValidationTest, CustomResourceSchemaViolationsAreInvalidLikeTheApiserver) {
  testing::Reply r =
      client_->post(roles_path("demo"),
                    R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"bad"},
                                       "spec":{"roleReference":"x","roleSessionDuration":10}})");
  ASSERT_EQ(r.status, 422);
  json::Document got = r.json();
  json::Document want = testing::wire_sample("status-422-invalid.json");
  for (const char* key : {"kind", "apiVersion", "status", "reason"}) {
    EXPECT_EQ(json::get_string(got, key), json::get_string(want, key)) << key;
  }
  EXPECT_EQ(json::find(got, "code")->GetInt(), 422);
  for (const char* key : {"name", "group", "kind"}) {
    EXPECT_EQ(json::get_string_path(got, {"details", key}),
              json::get_string_path(want, {"details", key}));
  }
  auto causes = [](const json::Value& doc) {
    std::set<std::string> out;
    for (const json::Value& c : json::find_path(doc, {"details", "causes"})->GetArray())
      out.insert(json::to_string(c));
    return out;
  };
  EXPECT_EQ(causes(got), causes(want));
  // The message lists the same causes (their order is map order in Go).
  std::string message = json::get_string(got, "message");
  EXPECT_THAT(message, ::testing::StartsWith("AWSIAMRole.zalando.org \"bad\" is invalid: ["));
  EXPECT_THAT(message,
              ::testing::HasSubstr("spec.roleReference: Invalid value: \"x\": spec.roleReference "
                                   "in body should be at least 3 chars long"));
  EXPECT_THAT(message, ::testing::HasSubstr(
                           "spec.roleSessionDuration: Invalid value: 10: spec.roleSessionDuration "
                           "in body should be greater than or equal to 900"));
}

TEST_F(ValidationTest, CustomResourceTypeAndRequiredErrors) {
  testing::Reply type =
      client_->post(roles_path("demo"),
                    R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"t"},
                                          "spec":{"roleReference":"abc","roleSessionDuration":"long"}})");
  ASSERT_EQ(type.status, 422);
  EXPECT_EQ(json::get_string(type.json(), "message"),
            "AWSIAMRole.zalando.org \"t\" is invalid: spec.roleSessionDuration: Invalid value: "
            "\"string\": "
            "spec.roleSessionDuration in body must be of type integer: \"string\"");
  testing::Reply missing = client_->post(
      roles_path("demo"),
      R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"m"}})");
  ASSERT_EQ(missing.status, 422);
  EXPECT_EQ(json::get_string(missing.json(), "message"),
            "AWSIAMRole.zalando.org \"m\" is invalid: spec: Required value");
  testing::Reply big =
      client_->post(roles_path("demo"),
                    R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"b"},
                                         "spec":{"roleReference":"abc","roleSessionDuration":50000}})");
  EXPECT_THAT(json::get_string(big.json(), "message"),
              ::testing::HasSubstr(
                  "spec.roleSessionDuration in body should be less than or equal to 43200"));
}

TEST_F(ValidationTest, CustomResourceUnknownFieldsFollowFieldValidation) {
  std::string body = R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"u"},
                         "spec":{"roleReference":"abc","colour":"red"}})";
  testing::Reply strict = client_->post(roles_path("demo") + "?fieldValidation=Strict", body);
  EXPECT_EQ(strict.status, 400);
  EXPECT_EQ(
      json::get_string(strict.json(), "message"),
      "AWSIAMRole in version \"v1\" cannot be handled as a AWSIAMRole: strict decoding error: "
      "unknown field \"spec.colour\"");
  testing::Reply warn = client_->post(roles_path("demo") + "?fieldValidation=Warn", body);
  EXPECT_EQ(warn.status, 201);
  EXPECT_EQ(warn.header("Warning"), R"(299 - "unknown field \"spec.colour\"")");
  EXPECT_EQ(json::find_path(warn.json(), {"spec", "colour"}), nullptr) << "pruned";
}

TEST_F(ValidationTest, NamesLabelsAndSecretKeysAreValidated) {
  testing::Reply name = client_->post(secrets_path("demo"), R"({"metadata":{"name":"Bad_Name"}})");
  EXPECT_EQ(name.status, 422);
  EXPECT_THAT(json::get_string(name.json(), "message"),
              ::testing::StartsWith("Secret \"Bad_Name\" is invalid: metadata.name: Invalid value: "
                                    "\"Bad_Name\": a lowercase RFC 1123 subdomain"));
  testing::Reply key =
      client_->post(secrets_path("demo"), R"({"metadata":{"name":"k"},"data":{"bad key":"YQ=="}})");
  EXPECT_EQ(key.status, 422);
  EXPECT_THAT(
      json::get_string(key.json(), "message"),
      ::testing::HasSubstr("data[bad key]: Invalid value: \"bad key\": a valid config key"));
  testing::Reply label =
      client_->post(secrets_path("demo"), R"({"metadata":{"name":"l","labels":{"a":"b c"}}})");
  EXPECT_EQ(label.status, 422);
  testing::Reply none = client_->post(secrets_path("demo"), R"({"metadata":{}})");
  EXPECT_EQ(
      json::get_string(none.json(), "message"),
      "Secret \"\" is invalid: metadata.name: Required value: name or generateName is required");
}

TEST_F(ValidationTest, CrdsNeedAStructuralSchema) {
  testing::Reply r = client_->post(
      kCrdPath, R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"things.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"things","kind":"Thing"},"versions":[{"name":"v1","served":true,"storage":true,
      "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"properties":{"a":{"type":"string"}}}}}}}]}})");
  EXPECT_EQ(r.status, 422);
  EXPECT_THAT(json::get_string(r.json(), "message"),
              ::testing::HasSubstr(
                  "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value"));
  testing::Reply noschema = client_->post(
      kCrdPath, R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
      "metadata":{"name":"things.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
      "names":{"plural":"things","kind":"Thing"},"versions":[{"name":"v1","served":true,"storage":true}]}})");
  EXPECT_EQ(noschema.status, 422);
}

}  // namespace
}  // namespace sim::kube
