// Lists over HTTP: label and field selectors (what kubectl get -l and
// kubectl describe send), all-namespace lists, limit/continue pagination with
// consistent snapshots, resourceVersion semantics and their 410s.
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using testing::namespace_object;
using testing::secret;
using testing::secrets_path;
using testing::TestClient;

std::vector<std::string> names(const testing::Reply& reply) {
  std::vector<std::string> out;
  json::Document doc = reply.json();
  const json::Value* items = json::find(doc, "items");
  if (items == nullptr || !items->IsArray()) return out;
  for (const json::Value& item : items->GetArray()) {
    out.push_back(json::get_string_path(item, {"metadata", "name"}));
  }
  return out;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '=':
        out += "%3D";
        break;
      case ',':
        out += "%2C";
        break;
      case '!':
        out += "%21";
        break;
      case ' ':
        out += "%20";
        break;
      case '(':
        out += "%28";
        break;
      case ')':
        out += "%29";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class ListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    for (const char* ns : {"a", "b"})
      ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object(ns)).status, 201);
    create("a", "creds-1", R"({"heritage":"kube-aws-iam-controller","type":"awsiamrole"})");
    create("a", "creds-2", R"({"heritage":"kube-aws-iam-controller","tier":"gold"})");
    create("a", "other", R"({"heritage":"helm"})");
    create("b", "creds-3", R"({"heritage":"kube-aws-iam-controller"})");
    create("b", "plain", "{}");
  }
  void create(const std::string& ns, const std::string& name, const std::string& labels) {
    ASSERT_EQ(client_->post(secrets_path(ns), secret(ns, name, labels)).status, 201);
  }
  std::vector<std::string> select(const std::string& ns, const std::string& selector) {
    testing::Reply r = client_->get((ns.empty() ? "/api/v1/secrets" : secrets_path(ns)) +
                                    "?labelSelector=" + escape(selector));
    EXPECT_EQ(r.status, 200) << selector << ": " << r.body;
    return names(r);
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(ListTest, LabelSelectorOperators) {
  using ::testing::ElementsAre;
  EXPECT_THAT(select("a", "heritage=kube-aws-iam-controller"), ElementsAre("creds-1", "creds-2"));
  EXPECT_THAT(select("a", "heritage==kube-aws-iam-controller"), ElementsAre("creds-1", "creds-2"));
  EXPECT_THAT(select("a", "heritage!=kube-aws-iam-controller"), ElementsAre("other"));
  EXPECT_THAT(select("a", "heritage in (helm, kube-aws-iam-controller)"),
              ElementsAre("creds-1", "creds-2", "other"));
  EXPECT_THAT(select("a", "heritage notin (helm)"), ElementsAre("creds-1", "creds-2"));
  EXPECT_THAT(select("a", "tier"), ElementsAre("creds-2"));
  EXPECT_THAT(select("a", "!tier"), ElementsAre("creds-1", "other"));
  EXPECT_THAT(select("a", "heritage=kube-aws-iam-controller,type=awsiamrole"),
              ElementsAre("creds-1"));
  EXPECT_THAT(select("b", "!heritage"), ElementsAre("plain"));
  EXPECT_THAT(select("", "heritage=kube-aws-iam-controller"),
              ElementsAre("creds-1", "creds-2", "creds-3"));
}

TEST_F(ListTest, MalformedSelectorsAreBadRequests) {
  for (const std::string bad : {"a b", "heritage in helm", "=x", "a===b", "in (x)", "x=(y)"}) {
    testing::Reply r = client_->get(secrets_path("a") + "?labelSelector=" + escape(bad));
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
    EXPECT_EQ(json::get_string(r.json(), "reason"), "BadRequest");
  }
  testing::Reply field = client_->get(secrets_path("a") + "?fieldSelector=" + escape("spec.foo=x"));
  EXPECT_EQ(field.status, 400);
  EXPECT_EQ(json::get_string(field.json(), "message"), "field label not supported: spec.foo");
}

TEST_F(ListTest, FieldSelectorsOnNamesAndEvents) {
  testing::Reply by_name =
      client_->get("/api/v1/secrets?fieldSelector=" + escape("metadata.name=creds-3"));
  EXPECT_THAT(names(by_name), ::testing::ElementsAre("creds-3"));
  testing::Reply not_ns =
      client_->get("/api/v1/secrets?fieldSelector=" + escape("metadata.namespace!=a,type=Opaque"));
  EXPECT_THAT(names(not_ns), ::testing::ElementsAre("creds-3", "plain"));
  for (const char* name : {"r1", "r2"}) {
    std::string event =
        std::string(R"({"metadata":{"name":"ev-)") + name +
        R"("},"involvedObject":{"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","name":")" +
        name + R"(","namespace":"a","uid":"uid-)" + name +
        R"("},"reason":"CreateCredentials","type":"Normal","message":"m"})";
    ASSERT_EQ(client_->post("/api/v1/namespaces/a/events", event).status, 201);
  }
  // What kubectl describe sends.
  std::string describe =
      "involvedObject.name=r2,involvedObject.namespace=a,involvedObject.kind=AWSIAMRole,"
      "involvedObject.uid=uid-r2";
  testing::Reply events =
      client_->get("/api/v1/namespaces/a/events?fieldSelector=" + escape(describe) + "&limit=500");
  EXPECT_THAT(names(events), ::testing::ElementsAre("ev-r2"));
  testing::Reply typed = client_->get("/api/v1/events?fieldSelector=" + escape("type=Warning"));
  EXPECT_THAT(names(typed), ::testing::IsEmpty());
  testing::Reply v1 = client_->get("/apis/events.k8s.io/v1/namespaces/a/events?fieldSelector=" +
                                   escape("regarding.name=r1"));
  EXPECT_THAT(names(v1), ::testing::ElementsAre("ev-r1"));
}

TEST_F(ListTest, ListItemsOfBuiltinsCarryNoTypeMeta) {
  testing::Reply r = client_->get(secrets_path("b"));
  json::Document doc = r.json();
  EXPECT_EQ(json::get_string(doc, "kind"), "SecretList");
  EXPECT_EQ(json::get_string(doc, "apiVersion"), "v1");
  const json::Value& first = (*json::find(doc, "items"))[0];
  EXPECT_EQ(json::find(first, "kind"), nullptr);
  EXPECT_EQ(json::find(first, "apiVersion"), nullptr);
  EXPECT_EQ(json::get_string(first, "type"), "Opaque");
}

TEST_F(ListTest, PaginationIsAConsistentSnapshot) {
  testing::Reply page1 = client_->get("/api/v1/secrets?limit=2");
  ASSERT_EQ(page1.status, 200);
  json::Document p1 = page1.json();
  EXPECT_THAT(names(page1), ::testing::ElementsAre("creds-1", "creds-2"));
  std::string token = json::get_string_path(p1, {"metadata", "continue"});
  ASSERT_FALSE(token.empty());
  const json::Value* remaining = json::find_path(p1, {"metadata", "remainingItemCount"});
  ASSERT_NE(remaining, nullptr);
  EXPECT_EQ(remaining->GetInt(), 3);
  std::string rv = json::get_string_path(p1, {"metadata", "resourceVersion"});

  // Changes after the first page do not show in later pages.
  create("b", "added-later", "{}");
  ASSERT_EQ(client_->del(secrets_path("b") + "/creds-3").status, 200);

  testing::Reply page2 = client_->get("/api/v1/secrets?limit=2&continue=" + token);
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_THAT(names(page2), ::testing::ElementsAre("other", "creds-3"));
  EXPECT_EQ(json::get_string_path(page2.json(), {"metadata", "resourceVersion"}), rv);
  std::string token2 = json::get_string_path(page2.json(), {"metadata", "continue"});
  testing::Reply page3 = client_->get("/api/v1/secrets?limit=2&continue=" + token2);
  EXPECT_THAT(names(page3), ::testing::ElementsAre("plain"));
  EXPECT_EQ(json::get_string_path(page3.json(), {"metadata", "continue"}), "");
}

TEST_F(ListTest, PaginationWithSelectorsFillsPages) {
  testing::Reply page1 = client_->get("/api/v1/secrets?limit=1&labelSelector=" +
                                      escape("heritage=kube-aws-iam-controller"));
  EXPECT_THAT(names(page1), ::testing::ElementsAre("creds-1"));
  EXPECT_EQ(json::find_path(page1.json(), {"metadata", "remainingItemCount"}), nullptr);
  std::string token = json::get_string_path(page1.json(), {"metadata", "continue"});
  std::vector<std::string> all = names(page1);
  while (!token.empty()) {
    testing::Reply next =
        client_->get("/api/v1/secrets?limit=1&continue=" + token +
                     "&labelSelector=" + escape("heritage=kube-aws-iam-controller"));
    for (const std::string& n : names(next))
      all.push_back(n);
    token = json::get_string_path(next.json(), {"metadata", "continue"});
  }
  EXPECT_THAT(all, ::testing::ElementsAre("creds-1", "creds-2", "creds-3"));
}

TEST_F(ListTest, ContinueTokenOlderThanTheHistoryIsExpired) {
  testing::Reply page1 = client_->get("/api/v1/secrets?limit=2");
  std::string token = json::get_string_path(page1.json(), {"metadata", "continue"});
  create("a", "x", "{}");
  server_->compact();
  testing::Reply expired = client_->get("/api/v1/secrets?limit=2&continue=" + token);
  EXPECT_EQ(expired.status, 410);
  EXPECT_EQ(json::get_string(expired.json(), "reason"), "Expired");
  EXPECT_EQ(client_->get("/api/v1/secrets?limit=2&continue=bogus").status, 400);
}

TEST_F(ListTest, ExactResourceVersionBelowTheHistoryIsGone) {
  create("a", "x", "{}");
  server_->compact();
  create("a", "y", "{}");
  testing::Reply r =
      client_->get(secrets_path("a") + "?resourceVersion=5&resourceVersionMatch=Exact");
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(r.body, json::to_string(testing::wire_sample("list-410-exact-rv.json")));
  EXPECT_EQ(client_->get(secrets_path("a") + "?resourceVersionMatch=Exact").status, 422);
  testing::Reply any = client_->get(secrets_path("a") + "?resourceVersion=0");
  EXPECT_EQ(any.status, 200);
}

TEST_F(ListTest, ExactResourceVersionInTheHistoryShowsThatState) {
  std::string rv = json::get_string_path(client_->get(secrets_path("b")).json(),
                                         {"metadata", "resourceVersion"});
  create("b", "later", "{}");
  testing::Reply then =
      client_->get(secrets_path("b") + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact");
  EXPECT_EQ(then.status, 200);
  EXPECT_THAT(names(then), ::testing::ElementsAre("creds-3", "plain"));
}

}  // namespace
}  // namespace sim::kube
