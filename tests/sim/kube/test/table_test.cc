// Server-side printing (what kubectl get asks for): meta.k8s.io/v1 Tables
// with the CRD's printer columns and built-in printers, compared with
// k8s-wire-samples/table-*.json; and the pieces (HumanDuration, JSONPath).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/json_path.h"
#include "tests/sim/kube/table_printer.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"
#include "tests/support/util/fake_clock.h"

namespace sim::kube {
namespace {

using testing::awsiamrole;
using testing::awsiamrole_crd;
using testing::kCrdPath;
using testing::namespace_object;
using testing::roles_path;
using testing::secrets_path;
using testing::TestClient;

// What kubectl get sends.
httplib::Headers table_accept() {
  return {{"Accept",
           "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
           "g=meta.k8s.io,application/json"}};
}

// Column definitions; the Name column's description is Kubernetes 1.36's
// ObjectMeta.name documentation (the 1.24 samples link an older page).
std::string column_definitions(const json::Value& table) {
  json::Document copy;
  copy.CopyFrom(*json::find(table, "columnDefinitions"), copy.GetAllocator());
  json::set_string(copy[0], "description", "<ObjectMeta.name>", copy.GetAllocator());
  return json::to_string(copy);
}

std::string columns_of(const json::Value& table) {
  std::string out;
  for (const json::Value& c : json::find(table, "columnDefinitions")->GetArray()) {
    out += json::get_string(c, "name") + "|";
  }
  return out;
}

class TableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.clock = &clock_;
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("demo")).status, 201);
    ASSERT_EQ(client_->post(kCrdPath, awsiamrole_crd()).status, 201);
  }
  util::testing::FakeClock clock_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(TableTest, CustomResourcesUseThePrinterColumnsOfTheSample) {
  ASSERT_EQ(client_->post(roles_path("demo"), awsiamrole("demo", "my-app-iam-role")).status, 201);
  ASSERT_EQ(client_
                ->patch(roles_path("demo") + "/my-app-iam-role/status",
                        R"({"status":{"roleARN":"arn:aws:iam::123456789012:role/team/app/my-role",
                               "expiration":"2026-11-23T16:44:56Z","observedGeneration":1}})",
                        "application/merge-patch+json")
                .status,
            200);
  ASSERT_EQ(client_->post(roles_path("demo"), awsiamrole("demo", "no-status")).status, 201);
  testing::Reply r = client_->get(roles_path("demo") + "?limit=500", table_accept());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "application/json;as=Table;v=v1;g=meta.k8s.io");
  json::Document got = r.json();
  json::Document want = testing::wire_sample("table-awsiamroles.json");
  EXPECT_EQ(column_definitions(got), column_definitions(want));
  const json::Value& rows = *json::find(got, "rows");
  ASSERT_EQ(rows.Size(), 2u);
  EXPECT_EQ(json::to_string(*json::find(rows[0], "cells")),
            json::to_string(*json::find((*json::find(want, "rows"))[0], "cells")));
  EXPECT_EQ(json::to_string(*json::find(rows[1], "cells")), R"(["no-status",null,null])");
  const json::Value& object = *json::find(rows[0], "object");
  EXPECT_EQ(json::get_string(object, "kind"), "PartialObjectMetadata");
  EXPECT_EQ(json::get_string(object, "apiVersion"), "meta.k8s.io/v1");
  EXPECT_EQ(json::get_string_path(object, {"metadata", "name"}), "my-app-iam-role");
  EXPECT_EQ(json::find(object, "spec"), nullptr);
  EXPECT_EQ(json::get_string_path(got, {"metadata", "resourceVersion"}),
            std::to_string(server_->store().current_resource_version()));
}

TEST_F(TableTest, SecretsPrintNameTypeDataAge) {
  ASSERT_EQ(
      client_
          ->post(
              secrets_path("demo"),
              R"({"metadata":{"name":"my-app-iam-role"},"stringData":{"credentials":"a","credentials.json":"b",
                              "credentials.process":"c","expire":"d","role-arn":"e","awsiamrole-generation":"1"}})")
          .status,
      201);
  clock_.step(absl::Seconds(186));
  testing::Reply r = client_->get(secrets_path("demo") + "?limit=500", table_accept());
  json::Document got = r.json();
  json::Document want = testing::wire_sample("table-secrets.json");
  EXPECT_EQ(column_definitions(got), column_definitions(want));
  EXPECT_EQ(json::to_string(*json::find((*json::find(got, "rows"))[0], "cells")),
            json::to_string(*json::find((*json::find(want, "rows"))[0], "cells")));
}

TEST_F(TableTest, SingleObjectsEventsAndIncludeObject) {
  ASSERT_EQ(
      client_
          ->post(
              "/api/v1/namespaces/demo/events",
              R"({"metadata":{"name":"e1"},"involvedObject":{"kind":"AWSIAMRole","name":"r1","namespace":"demo"},
                              "reason":"CreateCredentials","message":"Created credentials","type":"Normal",
                              "source":{"component":"kube-aws-iam-controller"},"count":1})")
          .status,
      201);
  testing::Reply ev = client_->get("/api/v1/namespaces/demo/events", table_accept());
  json::Document table = ev.json();
  EXPECT_EQ(columns_of(table),
            "Last Seen|Type|Reason|Object|Subobject|Source|Message|First Seen|Count|Name|");
  EXPECT_EQ(
      json::to_string(*json::find((*json::find(table, "rows"))[0], "cells")),
      R"(["<unknown>","Normal","CreateCredentials","awsiamrole/r1","","kube-aws-iam-controller","Created credentials","<unknown>",1,"e1"])");
  testing::Reply ns = client_->get("/api/v1/namespaces/demo?includeObject=Object", table_accept());
  json::Document one = ns.json();
  EXPECT_EQ(columns_of(one), "Name|Status|Age|");
  EXPECT_EQ(json::get_string_path((*json::find(one, "rows"))[0], {"object", "kind"}), "Namespace");
  testing::Reply crd = client_->get(std::string(kCrdPath), table_accept());
  EXPECT_EQ(columns_of(crd.json()), "Name|Created At|");
}

TEST(HumanDurationTest, MatchesKubectlAges) {
  struct Case {
    absl::Duration d;
    const char* want;
  } cases[] = {{absl::Seconds(-5), "<invalid>"}, {absl::Seconds(-1), "0s"},
               {absl::Seconds(0), "0s"},         {absl::Seconds(119), "119s"},
               {absl::Seconds(186), "3m6s"},     {absl::Minutes(5), "5m"},
               {absl::Minutes(45), "45m"},       {absl::Minutes(200), "3h20m"},
               {absl::Hours(5), "5h"},           {absl::Hours(30), "30h"},
               {absl::Hours(50), "2d2h"},        {absl::Hours(24 * 30), "30d"},
               {absl::Hours(24 * 800), "2y70d"}, {absl::Hours(24 * 365 * 9), "9y"}};
  for (const Case& c : cases)
    EXPECT_EQ(human_duration(c.d), c.want) << absl::FormatDuration(c.d);
}

TEST(JsonPathTest, EvaluatesPrinterColumnExpressions) {
  auto doc =
      json::parse(R"({"status":{"roleARN":"arn","conditions":[{"type":"Other","status":"False"},
                             {"type":"Ready","status":"True","reason":"Ok"}],"n":3}})");
  ASSERT_TRUE(doc.ok());
  auto eval = [&](const char* expr) {
    auto path = JsonPath::parse(expr);
    EXPECT_TRUE(path.ok()) << expr;
    std::vector<const json::Value*> r = path->evaluate(*doc);
    return r.empty() ? std::string("<none>") : column_text(*r[0]);
  };
  EXPECT_EQ(eval(".status.roleARN"), "arn");
  EXPECT_EQ(eval("{.status.roleARN}"), "arn");
  EXPECT_EQ(eval(".status.conditions[?(@.type==\"Ready\")].status"), "True");
  EXPECT_EQ(eval(".status.conditions[?(@.type=='Ready')].reason"), "Ok");
  EXPECT_EQ(eval(".status.conditions[0].type"), "Other");
  EXPECT_EQ(eval(".status.conditions[-1].type"), "Ready");
  EXPECT_EQ(eval(".status.n"), "3");
  EXPECT_EQ(eval(".status.missing"), "<none>");
  EXPECT_FALSE(JsonPath::parse("..status").ok());
}

}  // namespace
}  // namespace sim::kube
