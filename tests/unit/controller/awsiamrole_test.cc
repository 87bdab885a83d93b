#include "controller/domain/awsiamrole.h"

#include <gtest/gtest.h>

#include "pkg/kube/object.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

kube::JsonValue parse(const char* json) {
  auto doc = kube::json::parse(json);
  EXPECT_TRUE(doc.ok()) << doc.status();
  return doc.ok() ? std::move(*doc) : kube::JsonValue();
}

TEST(AwsIamRoleTest, ParsesTheGoOriginalsObject) {
  auto doc = parse(R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole",
    "metadata":{"generation":1,"name":"my-app-iam-role","namespace":"demo","resourceVersion":"416",
                "uid":"2ab69168-9dd2-4aab-af7a-adeb6d046d70","labels":{"team":"a"}},
    "spec":{"roleReference":"team/app/my-role"},
    "status":{"expiration":"2026-11-23T16:44:56Z","observedGeneration":1,
              "roleARN":"arn:aws:iam::123456789012:role/team/app/my-role"}})");
  auto role = parse_awsiamrole(doc);
  ASSERT_TRUE(role.ok()) << role.status();
  EXPECT_EQ(role->key(), "demo/my-app-iam-role");
  EXPECT_EQ(role->uid, "2ab69168-9dd2-4aab-af7a-adeb6d046d70");
  EXPECT_EQ(role->generation, 1);
  EXPECT_EQ(role->labels.at("team"), "a");
  EXPECT_TRUE(role->spec_error.ok());
  EXPECT_EQ(role->spec.role_reference, "team/app/my-role");
  EXPECT_EQ(role->spec.session_duration_seconds, 3600);
  EXPECT_EQ(role->status.observed_generation, 1);
  EXPECT_EQ(role->status.role_arn, "arn:aws:iam::123456789012:role/team/app/my-role");
}

struct SpecCase {
  const char* name;
  const char* spec;
  const char* error;  // nullptr: valid
};

class AwsIamRoleSpecTest : public ::testing::TestWithParam<SpecCase> {};

TEST_P(AwsIamRoleSpecTest, ValidatesSpec) {
  const std::string json =
      std::string(R"({"metadata":{"name":"r","namespace":"n"})") +
      (GetParam().spec[0] != '\0' ? std::string(",\"spec\":") + GetParam().spec : "") + "}";
  auto doc = parse(json.c_str());
  auto role = parse_awsiamrole(doc);
  ASSERT_TRUE(role.ok());
  if (GetParam().error == nullptr) {
    EXPECT_TRUE(role->spec_error.ok()) << role->spec_error;
  } else {
    EXPECT_EQ(role->spec_error.code(), util::StatusCode::kInvalidArgument);
    EXPECT_EQ(role->spec_error.message(), GetParam().error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Specs, AwsIamRoleSpecTest,
    ::testing::Values(
        SpecCase{"name", R"({"roleReference":"my-role"})", nullptr},
        SpecCase{"duration", R"({"roleReference":"my-role","roleSessionDuration":43200})", nullptr},
        SpecCase{"zero_duration_means_default",
                 R"({"roleReference":"abc","roleSessionDuration":0})", nullptr},
        SpecCase{
            "policy",
            R"({"roleReference":"abc","policy":"{}","policyARNs":["arn:aws:iam::aws:policy/ReadOnlyAccess"]})",
            nullptr},
        SpecCase{"no_spec", "", "spec is missing"},
        SpecCase{"no_reference", R"({})", "spec.roleReference is missing"},
        SpecCase{"reference_not_string", R"({"roleReference":42})",
                 "spec.roleReference must be a string"},
        SpecCase{"reference_too_short", R"({"roleReference":"ab"})",
                 "spec.roleReference \"ab\" is shorter than 3 characters"},
        SpecCase{"duration_too_short", R"({"roleReference":"abc","roleSessionDuration":899})",
                 "spec.roleSessionDuration 899 is outside 900..43200 seconds"},
        SpecCase{"duration_too_long", R"({"roleReference":"abc","roleSessionDuration":43201})",
                 "spec.roleSessionDuration 43201 is outside 900..43200 seconds"},
        SpecCase{"duration_string", R"({"roleReference":"abc","roleSessionDuration":"1h"})",
                 "spec.roleSessionDuration must be an integer (seconds)"},
        SpecCase{"policy_arns_not_list", R"({"roleReference":"abc","policyARNs":"x"})",
                 "spec.policyARNs must be a list of ARNs"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(AwsIamRoleTest, RejectsObjectsWithoutIdentity) {
  auto doc = parse(R"({"spec":{"roleReference":"abc"}})");
  EXPECT_FALSE(parse_awsiamrole(doc).ok());
}

TEST(AwsIamRoleTest, ReadyStatusReadsOnlyTheReadyCondition) {
  // The role's view, as the informer keeps it, with `rest` after its metadata.
  auto ready = [](std::string_view rest) {
    const auto object =
        kube::Object::parse(util::cat(R"({"metadata":{"name":"r","namespace":"n"})", rest, "}"));
    return std::string(ready_status(parse_awsiamrole(object->json())->status));
  };
  EXPECT_EQ(ready(""), "Unknown");  // not reconciled
  EXPECT_EQ(ready(R"(,"status":{"conditions":[
      {"type":"Other","status":"True"},{"type":"Ready","status":"False"}]})"),
            "False");
  EXPECT_EQ(ready(R"(,"status":{"conditions":[{"type":"Ready","status":"True"}]})"), "True");
  EXPECT_EQ(ready(R"(,"status":{"conditions":[{"type":"Ready","status":"yes"}]})"), "Unknown");
  EXPECT_EQ(ready(R"(,"status":{"conditions":{"type":"Ready"}})"), "Unknown");
}

TEST(AwsIamRoleTest, StatusRoundTripsThroughJson) {
  AwsIamRoleStatus status{.observed_generation = 4,
                          .role_arn = "arn:aws:iam::1:role/x",
                          .expiration = "2026-01-02T03:04:05Z",
                          .conditions = {{.type = "Ready",
                                          .status = "True",
                                          .reason = "CredentialsIssued",
                                          .message = "ok",
                                          .last_transition_time = "2026-01-02T02:04:05Z",
                                          .observed_generation = 4}}};
  kube::JsonAllocator allocator;
  kube::JsonValue doc(rapidjson::kObjectType);
  kube::JsonValue metadata(rapidjson::kObjectType);
  metadata.AddMember("name", "r", allocator);
  metadata.AddMember("namespace", "n", allocator);
  doc.AddMember("metadata", metadata, allocator);
  doc.AddMember("status", status_to_json(status, allocator), allocator);
  auto role = parse_awsiamrole(doc);
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(role->status, status);
}

}  // namespace
}  // namespace controller
