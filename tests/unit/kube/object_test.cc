// Object, its metadata accessors and the Secret/Lease/Event views, read from
// verbatim apiserver output.
#include "pkg/kube/object.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/event.h"
#include "pkg/kube/lease.h"
#include "pkg/kube/resource.h"
#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(ObjectTest, ReadsMetadataOfARealSecret) {
  const Object o = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  EXPECT_EQ(o.api_version(), "v1");
  EXPECT_EQ(o.kind(), "Secret");
  EXPECT_EQ(o.name(), "s1");
  EXPECT_EQ(o.namespace_name(), "wire");
  EXPECT_EQ(o.uid(), "20001486-9112-4294-992f-5e8a53dcc8f8");
  EXPECT_EQ(o.resource_version(), "220");
  EXPECT_EQ(o.key(), "wire/s1");
  EXPECT_THAT(o.labels(), ElementsAre(Pair("heritage", "kube-aws-iam-controller")));
  EXPECT_EQ(o.label("heritage"), "kube-aws-iam-controller");
  EXPECT_EQ(o.label("absent"), std::nullopt);
  EXPECT_EQ(o.creation_timestamp(), util::parse_rfc3339("2026-11-23T15:41:19Z").value());
  EXPECT_EQ(o.deletion_timestamp(), std::nullopt);
  EXPECT_EQ(o.generation(), 0);
}

TEST(ObjectTest, ReadsOwnerReferencesAndGeneration) {
  const Object o = test::parse_or_die(test::data_file("go-original-output/secret.json"));
  ASSERT_EQ(o.owner_references().size(), 1u);
  EXPECT_EQ(o.owner_references()[0],
            (OwnerReference{"zalando.org/v1", "AWSIAMRole", "my-app-iam-role",
                            "2ab69168-9dd2-4aab-af7a-adeb6d046d70", false, false}));
  const Object role =
      test::parse_or_die(test::data_file("go-original-output/awsiamrole-with-status.json"));
  EXPECT_EQ(role.generation(), 1);
  EXPECT_TRUE(role.annotation("kubectl.kubernetes.io/last-applied-configuration").has_value());
}

TEST(ObjectTest, ClusterScopedKeyIsTheName) {
  Object o;
  o.set_name("kube-system");
  EXPECT_EQ(o.key(), "kube-system");
  EXPECT_EQ(object_key("", "n"), "n");
  EXPECT_EQ(object_key("ns", "n"), "ns/n");
}

TEST(ObjectTest, CopiesAreIndependent) {
  Object a = test::secret("ns", "a");
  a.set_label("x", "1");
  Object b = a;
  b.set_label("x", "2");
  b.set_name("b");
  EXPECT_EQ(a.label("x"), "1");
  EXPECT_EQ(a.name(), "a");
  EXPECT_EQ(b.label("x"), "2");
  EXPECT_FALSE(a == b);
  Object c = std::move(b);
  EXPECT_EQ(c.name(), "b");
}

TEST(ObjectTest, EditsSerializeBack) {
  Object o = test::secret("ns", "a");
  o.set_labels({{"b", "2"}, {"a", "1"}});
  o.set_owner_references({{"zalando.org/v1", "AWSIAMRole", "a", "u1", true, true}});
  o.set_resource_version("7");
  o.set_annotation("k", "v");
  o.remove_label("b");
  EXPECT_EQ(o.to_json(),
            R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","namespace":"ns",)"
            R"("labels":{"a":"1"},"ownerReferences":[{"apiVersion":"zalando.org/v1",)"
            R"("kind":"AWSIAMRole","name":"a","uid":"u1","controller":true,)"
            R"("blockOwnerDeletion":true}],"resourceVersion":"7","annotations":{"k":"v"}}})");
  auto round_trip = Object::parse(o.to_json());
  ASSERT_TRUE(round_trip.ok());
  EXPECT_EQ(*round_trip, o);
}

TEST(ObjectTest, StripsManagedFields) {
  Object o = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  ASSERT_NE(o.to_json().find("managedFields"), std::string::npos);
  o.strip_managed_fields();
  EXPECT_EQ(o.to_json().find("managedFields"), std::string::npos);
  EXPECT_EQ(o.name(), "s1");
}

TEST(ObjectTest, RejectsMalformedJson) {
  EXPECT_EQ(Object::parse("{").status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(Object::parse("[1]").status().code(), util::StatusCode::kInvalidArgument);
}

TEST(SecretTest, DecodesDataOfTheGoOriginalsSecret) {
  const Object o = test::parse_or_die(test::data_file("go-original-output/secret.json"));
  const SecretView secret(o);
  EXPECT_EQ(secret.type(), "Opaque");
  EXPECT_THAT(secret.data_keys(),
              ElementsAre("awsiamrole-generation", "credentials", "credentials.json",
                          "credentials.process", "expire", "role-arn"));
  EXPECT_EQ(secret.data("expire")->reveal(), "2026-11-23T16:44:56Z");
  EXPECT_EQ(secret.data("role-arn")->reveal(), "arn:aws:iam::123456789012:role/team/app/my-role");
  EXPECT_EQ(secret.data("nope").status().code(), util::StatusCode::kNotFound);
}

TEST(SecretTest, BadBase64NamesTheKeyNotTheValue) {
  const Object o = test::parse_or_die(
      R"({"kind":"Secret","metadata":{"name":"s","namespace":"n"},"data":{"k":"c2VjcmV0!!"}})");
  const auto data = SecretView(o).data("k");
  EXPECT_EQ(data.status().code(), util::StatusCode::kDataLoss);
  EXPECT_THAT(data.status().message(), ::testing::HasSubstr("\"k\""));
  EXPECT_THAT(data.status().message(), ::testing::Not(::testing::HasSubstr("c2VjcmV0")));
}

TEST(SecretTest, BuilderWritesBase64DataAndKeepsResourceVersionOnUpdate) {
  Object built = SecretBuilder("demo", "app")
                     .label("heritage", "kube-aws-iam-controller")
                     .data("expire", util::SecretString("2026-11-23T16:44:56Z"))
                     .build();
  EXPECT_EQ(built.to_json(),
            R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"app","namespace":"demo",)"
            R"("labels":{"heritage":"kube-aws-iam-controller"}},"type":"Opaque",)"
            R"("data":{"expire":"MjAyNi0xMS0yM1QxNjo0NDo1Nlo="}})");
  Object existing = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  Object updated =
      SecretBuilder(existing).remove_data("a").data("b", util::SecretString("x")).build();
  EXPECT_EQ(updated.resource_version(), "220");
  EXPECT_FALSE(SecretView(updated).has_data("a"));
  EXPECT_EQ(SecretView(updated).data("b")->reveal(), "x");
}

TEST(LeaseTest, RecordRoundTripsWithMicroTime) {
  LeaseRecord record;
  record.holder_identity = "pod-a";
  record.lease_duration_seconds = 15;
  record.acquire_time = absl::FromUnixSeconds(1'800'000'000);
  record.renew_time = absl::FromUnixMicros(1'800'000'010'500'000);
  record.lease_transitions = 3;
  const Object lease = make_lease("kube-system", "kaic", record);
  EXPECT_EQ(
      lease.to_json(),
      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"kaic",)"
      R"("namespace":"kube-system"},"spec":{"holderIdentity":"pod-a","leaseDurationSeconds":15,)"
      R"("acquireTime":"2027-01-15T08:00:00.000000Z","renewTime":"2027-01-15T08:00:10.500000Z",)"
      R"("leaseTransitions":3}})");
  EXPECT_EQ(read_lease_record(lease), record);
  EXPECT_EQ(read_lease_record(Object()), LeaseRecord());
}

TEST(EventTest, ReadsTheGoOriginalsEvent) {
  const Object list = test::parse_or_die(test::data_file("go-original-output/events.json"));
  const JsonValue& item = (*json::find(list.json(), "items"))[0];
  JsonValue copy;
  JsonAllocator alloc;
  copy.CopyFrom(item, alloc);
  auto event = event_from_object(Object(std::move(copy)));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->name, "my-app-iam-role.18eab713b99d77e7");
  EXPECT_EQ(event->involved.kind, "AWSIAMRole");
  EXPECT_EQ(event->involved.uid, "2ab69168-9dd2-4aab-af7a-adeb6d046d70");
  EXPECT_EQ(event->type, EventType::kNormal);
  EXPECT_EQ(event->reason, "CreateCredentials");
  EXPECT_EQ(event->count, 1);
  EXPECT_EQ(event->component, "kube-aws-iam-controller");
  EXPECT_EQ(event->first_timestamp, util::parse_rfc3339("2026-11-23T15:44:56Z").value());
}

TEST(EventTest, WritesTheFieldsKubectlDescribeShows) {
  Event e;
  e.name = "r.1";
  e.namespace_name = "demo";
  e.involved = {"zalando.org/v1", "AWSIAMRole", "r", "demo", "u1", "5"};
  e.type = EventType::kWarning;
  e.reason = "GetCredentialsFailed";
  e.message = "denied";
  e.count = 2;
  e.first_timestamp = absl::FromUnixSeconds(1'800'000'000);
  e.last_timestamp = absl::FromUnixSeconds(1'800'000'060);
  e.component = "kube-aws-iam-controller";
  e.reporting_instance = "pod-1";
  const Object o = event_to_object(e);
  EXPECT_EQ(
      o.to_json(),
      R"({"apiVersion":"v1","kind":"Event","metadata":{"name":"r.1","namespace":"demo"},)"
      R"("involvedObject":{"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":"r",)"
      R"("namespace":"demo","uid":"u1","resourceVersion":"5"},"reason":"GetCredentialsFailed",)"
      R"("message":"denied","source":{"component":"kube-aws-iam-controller"},)"
      R"("firstTimestamp":"2027-01-15T08:00:00Z","lastTimestamp":"2027-01-15T08:01:00Z",)"
      R"("count":2,"type":"Warning","eventTime":null,)"
      R"("reportingComponent":"kube-aws-iam-controller","reportingInstance":"pod-1"})");
  EXPECT_EQ(event_from_object(o).value(), e);
}

TEST(ResourceTest, BuildsCoreAndGroupPaths) {
  const Resource roles{"zalando.org", "v1", "awsiamroles", "AWSIAMRole", true};
  EXPECT_EQ(roles.collection_path(""), "/apis/zalando.org/v1/awsiamroles");
  EXPECT_EQ(roles.object_path("ns", "r", "status"),
            "/apis/zalando.org/v1/namespaces/ns/awsiamroles/r/status");
  EXPECT_EQ(Resource::secrets().collection_path("ns"), "/api/v1/namespaces/ns/secrets");
  EXPECT_EQ(Resource::namespaces().object_path("ignored", "kube-system"),
            "/api/v1/namespaces/kube-system");
  EXPECT_EQ(Resource::leases().api_version(), "coordination.k8s.io/v1");
}

}  // namespace
}  // namespace kube
