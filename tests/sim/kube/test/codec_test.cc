// Request encodings kubectl uses: the Kubernetes protobuf envelope (typed
// clients, e.g. `kubectl create secret generic`), YAML bodies, and the
// OpenAPI v2 protobuf document older kubectl versions download.
#include <string>

#include "gtest/gtest.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/openapi_v2.h"
#include "tests/sim/kube/protobuf_decoder.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

// The body kubectl 1.32 POSTs for
//   kubectl create secret generic s1 --from-literal=a=b --type=foo -n ns1
// (captured verbatim): "k8s\0" + runtime.Unknown{typeMeta, raw Secret}.
constexpr unsigned char kKubectlCreateSecret[] = {
    0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0c, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x06, 0x53, 0x65, 0x63,
    0x72, 0x65, 0x74, 0x12, 0x24, 0x0a, 0x15, 0x0a, 0x02, 0x73, 0x31, 0x12, 0x00, 0x1a, 0x03,
    0x6e, 0x73, 0x31, 0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, 0x38, 0x00, 0x42, 0x00, 0x12, 0x06,
    0x0a, 0x01, 0x61, 0x12, 0x01, 0x62, 0x1a, 0x03, 0x66, 0x6f, 0x6f, 0x1a, 0x00, 0x22, 0x00};

TEST(ProtobufDecoderTest, DecodesWhatKubectlSendsForASecret) {
  std::string body(reinterpret_cast<const char*>(kKubectlCreateSecret),
                   sizeof(kKubectlCreateSecret));
  auto doc = decode_kubernetes_protobuf(body);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(
      json::to_string(*doc),
      R"({"kind":"Secret","apiVersion":"v1","metadata":{"name":"s1","namespace":"ns1"},"data":{"a":"Yg=="},"type":"foo"})");
}

TEST(ProtobufDecoderTest, RejectsOtherKindsAndGarbage) {
  EXPECT_EQ(decode_kubernetes_protobuf("not protobuf").status().code(),
            util::StatusCode::kInvalidArgument);
  std::string deployment(
      "k8s\0\x0a\x15\x0a\x07"
      "apps/v1"
      "\x12\x0a"
      "Deployment",
      27);
  EXPECT_EQ(decode_kubernetes_protobuf(deployment).status().code(),
            util::StatusCode::kUnimplemented);
  std::string truncated(reinterpret_cast<const char*>(kKubectlCreateSecret), 30);
  EXPECT_FALSE(decode_kubernetes_protobuf(truncated).ok());
}

TEST(ProtobufDecoderTest, TypedClientCreateOverHttp) {
  auto server = testing::start_server();
  ASSERT_NE(server, nullptr);
  testing::TestClient client(*server);
  ASSERT_EQ(client.post("/api/v1/namespaces", R"({"metadata":{"name":"ns1"}})").status, 201);
  std::string body(reinterpret_cast<const char*>(kKubectlCreateSecret),
                   sizeof(kKubectlCreateSecret));
  testing::Reply r = client.post(
      "/api/v1/namespaces/ns1/secrets?fieldManager=kubectl-create&fieldValidation=Strict", body,
      "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::get_string(r.json(), "type"), "foo");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
}

TEST(YamlBodyTest, PlainScalarsAreTypedQuotedOnesStayStrings) {
  auto doc = yaml_to_json("a: 1\nb: \"1\"\nc: true\nd: ~\ne: [x, 2.5]\nf: {g: h}\n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(json::to_string(*doc),
            R"({"a":1,"b":"1","c":true,"d":null,"e":["x",2.5],"f":{"g":"h"}})");
  EXPECT_FALSE(yaml_to_json("a: [").ok());
}

TEST(OpenApiV2Test, ServesTheProtobufDocumentKubectlAsksFor) {
  auto server = testing::start_server();
  ASSERT_NE(server, nullptr);
  testing::TestClient client(*server);
  testing::Reply pb = client.get(
      "/openapi/v2", {{"Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}});
  ASSERT_EQ(pb.status, 200);
  EXPECT_EQ(pb.header("Content-Type"),
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  // Document.swagger (field 1) = "2.0", then info (2), paths (8), definitions (9).
  EXPECT_EQ(pb.body.substr(0, 5), std::string("\x0a\x03"
                                              "2.0",
                                              5));
  EXPECT_NE(pb.body.find("io.k8s.api.core.v1.Secret"), std::string::npos);
  EXPECT_NE(pb.body.find("/api/v1/namespaces/{namespace}/secrets/{name}"), std::string::npos);
  EXPECT_EQ(pb.body.find("/api/v1/namespaces/{namespace}/replicationcontrollers"),
            std::string::npos)
      << "only served resources";
}

}  // namespace
}  // namespace sim::kube
