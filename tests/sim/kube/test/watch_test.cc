// Watches over HTTP: ordered events after a resourceVersion, BOOKMARKs on
// the fake clock, timeoutSeconds, the history window's 410 ERROR event,
// synthetic ADDED events, selector-filtered DELETED, dropped connections.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"
#include "tests/support/util/fake_clock.h"

namespace sim::kube {
namespace {

using testing::namespace_object;
using testing::secret;
using testing::secrets_path;
using testing::TestClient;

struct Event {
  std::string type;
  json::Document object;
};

std::optional<Event> next_event(testing::WatchStream& w) {
  std::optional<std::string> line = w.next();
  if (!line) return std::nullopt;
  auto doc = json::parse(*line);
  if (!doc.ok()) {
    ADD_FAILURE() << "not JSON: " << *line;
    return std::nullopt;
  }
  Event e;
  e.type = json::get_string(*doc, "type");
  e.object.CopyFrom(*json::find(*doc, "object"), e.object.GetAllocator());
  return e;
}

std::string rv_of(const json::Value& v) {
  return json::get_string_path(v, {"metadata", "resourceVersion"});
}

class WatchTest : public ::testing::Test {
 protected:
  void start(size_t history = 1000) {
    ServerOptions options;
    options.clock = &clock_;
    options.history_size = history;
    options.bookmark_interval = absl::Minutes(1);
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("wire")).status, 201);
  }
  void SetUp() override { start(); }
  std::string create(const std::string& name, const std::string& labels = "{}") {
    testing::Reply r = client_->post(secrets_path("wire"), secret("wire", name, labels));
    EXPECT_EQ(r.status, 201) << r.body;
    return rv_of(r.json());
  }
  std::string label(const std::string& name, const std::string& labels_json) {
    testing::Reply r = client_->patch(secrets_path("wire") + "/" + name,
                                      R"({"metadata":{"labels":)" + labels_json + "}}",
                                      "application/merge-patch+json");
    EXPECT_EQ(r.status, 200) << r.body;
    return rv_of(r.json());
  }

  util::testing::FakeClock clock_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(WatchTest, StreamsChangesAfterTheResourceVersionInOrder) {
  std::string rv = create("s1", R"({"heritage":"kube-aws-iam-controller"})");
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv +
                          "&allowWatchBookmarks=true");
  ASSERT_EQ(w->status(), 200);
  std::string modified_rv = label("s1", R"({"x":"y"})");
  ASSERT_EQ(client_->del(secrets_path("wire") + "/s1").status, 200);
  std::string added_rv = create("n1");

  auto e1 = next_event(*w);
  ASSERT_TRUE(e1);
  EXPECT_EQ(e1->type, "MODIFIED");
  EXPECT_EQ(json::get_string(e1->object, "kind"), "Secret");
  EXPECT_EQ(json::get_string(e1->object, "apiVersion"), "v1");
  EXPECT_EQ(rv_of(e1->object), modified_rv);
  auto e2 = next_event(*w);
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->type, "DELETED");
  EXPECT_GT(std::stoull(rv_of(e2->object)), std::stoull(modified_rv))
      << "DELETED carries the deletion's version";
  EXPECT_EQ(json::get_string_path(e2->object, {"metadata", "labels", "x"}), "y");
  auto e3 = next_event(*w);
  ASSERT_TRUE(e3);
  EXPECT_EQ(e3->type, "ADDED");
  EXPECT_EQ(rv_of(e3->object), added_rv);
}

TEST_F(WatchTest, BookmarksCarryOnlyTheResourceVersion) {
  std::string rv = create("s1");
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv +
                          "&allowWatchBookmarks=true");
  ASSERT_EQ(w->status(), 200);
  create("s2");  // a change in this resource
  ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("other")).status,
            201);  // and elsewhere
  auto added = next_event(*w);
  ASSERT_TRUE(added);
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Minutes(1));
  std::optional<std::string> line = w->next();
  ASSERT_TRUE(line);
  std::string current = std::to_string(server_->store().current_resource_version());
  EXPECT_EQ(
      *line,
      R"({"type":"BOOKMARK","object":{"kind":"Secret","apiVersion":"v1","metadata":{"resourceVersion":")" +
          current + R"(","creationTimestamp":null}}})");
}

TEST_F(WatchTest, NoBookmarksUnlessAllowed) {
  std::string rv = create("s1");
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv +
                          "&timeoutSeconds=120");
  ASSERT_EQ(w->status(), 200);
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Minutes(1));
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Minutes(1));
  EXPECT_TRUE(w->wait_closed());
  EXPECT_EQ(w->next(absl::ZeroDuration()), std::nullopt);
}

TEST_F(WatchTest, EndsCleanlyAtTimeoutSeconds) {
  std::string rv = create("s1");
  auto w =
      client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv + "&timeoutSeconds=5");
  ASSERT_EQ(w->status(), 200);
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Seconds(5));
  EXPECT_TRUE(w->wait_closed());
  EXPECT_TRUE(w->ended_cleanly());
}

TEST_F(WatchTest, ResourceVersionBelowTheHistoryWindowGetsAnExpiredErrorEvent) {
  start(/*history=*/3);
  std::string first = create("s1");
  for (int i = 0; i < 5; ++i)
    label("s1", util::cat(R"({"n":")", i, R"("})"));
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + first);
  EXPECT_EQ(w->status(), 200);
  std::optional<std::string> line = w->next();
  ASSERT_TRUE(line);
  // The oldest retained change is current-2; watching from current-3 still works.
  uint64_t current = server_->store().current_resource_version();
  EXPECT_EQ(
      *line,
      util::cat(R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},)",
                R"("status":"Failure","message":"too old resource version: )", first, " (",
                current - 3, R"x()","reason":"Expired","code":410}})x"));
  EXPECT_TRUE(w->wait_closed());
  auto ok = client_->watch(secrets_path("wire") +
                           "?watch=1&resourceVersion=" + std::to_string(current - 3));
  label("s1", R"({"n":"last"})");
  auto e = next_event(*ok);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "MODIFIED");
}

TEST_F(WatchTest, ResourceVersionZeroStartsWithSyntheticAddedEvents) {
  create("s1");
  create("s2");
  auto w = client_->watch(secrets_path("wire") + "?watch=true&resourceVersion=0");
  auto e1 = next_event(*w);
  auto e2 = next_event(*w);
  ASSERT_TRUE(e1 && e2);
  EXPECT_EQ(e1->type, "ADDED");
  EXPECT_EQ(json::get_string_path(e1->object, {"metadata", "name"}), "s1");
  EXPECT_EQ(e2->type, "ADDED");
  create("s3");
  auto e3 = next_event(*w);
  ASSERT_TRUE(e3);
  EXPECT_EQ(json::get_string_path(e3->object, {"metadata", "name"}), "s3");
}

TEST_F(WatchTest, SelectorFilteredWatchSeesObjectsLeaveAndEnterTheSelection) {
  std::string rv = create("s1", R"({"heritage":"kube-aws-iam-controller"})");
  create("unrelated");
  auto w = client_->watch(
      secrets_path("wire") +
      "?watch=1&labelSelector=heritage%3Dkube-aws-iam-controller&resourceVersion=" + rv);
  ASSERT_EQ(w->status(), 200);
  std::string left = label("s1", R"({"heritage":null})");
  ASSERT_EQ(client_->del(secrets_path("wire") + "/unrelated").status, 200);
  label("s1", R"({"heritage":"kube-aws-iam-controller"})");
  create("s2", R"({"heritage":"kube-aws-iam-controller"})");
  ASSERT_EQ(client_->del(secrets_path("wire") + "/s2").status, 200);

  auto gone = next_event(*w);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->type, "DELETED");
  EXPECT_EQ(rv_of(gone->object), left)
      << "leaving the selection is DELETED at the change's version";
  EXPECT_EQ(json::get_string_path(gone->object, {"metadata", "labels", "heritage"}),
            "kube-aws-iam-controller");
  auto back = next_event(*w);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->type, "ADDED");
  EXPECT_EQ(json::get_string_path(back->object, {"metadata", "name"}), "s1");
  auto added = next_event(*w);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->type, "ADDED");
  auto deleted = next_event(*w);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->type, "DELETED");
  EXPECT_EQ(json::get_string_path(deleted->object, {"metadata", "name"}), "s2");
}

TEST_F(WatchTest, AllNamespacesAndNamespacedWatches) {
  ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("other")).status, 201);
  std::string rv = std::to_string(server_->store().current_resource_version());
  auto all = client_->watch("/api/v1/secrets?watch=1&resourceVersion=" + rv);
  auto mine = client_->watch(secrets_path("other") + "?watch=1&resourceVersion=" + rv);
  ASSERT_EQ(all->status(), 200);
  ASSERT_EQ(mine->status(), 200);
  create("in-wire");
  ASSERT_EQ(client_->post(secrets_path("other"), secret("other", "in-other")).status, 201);
  auto a1 = next_event(*all);
  auto a2 = next_event(*all);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(json::get_string_path(a1->object, {"metadata", "name"}), "in-wire");
  EXPECT_EQ(json::get_string_path(a2->object, {"metadata", "name"}), "in-other");
  auto m1 = next_event(*mine);
  ASSERT_TRUE(m1);
  EXPECT_EQ(json::get_string_path(m1->object, {"metadata", "name"}), "in-other");
}

TEST_F(WatchTest, DroppedWatchesEndWithoutTheFinalChunk) {
  std::string rv = create("s1");
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv);
  ASSERT_EQ(w->status(), 200);
  ASSERT_TRUE(clock_.await_waiters(1));
  server_->drop_watches();
  EXPECT_TRUE(w->wait_closed());
  EXPECT_FALSE(w->ended_cleanly());
  // A new watch works.
  auto again = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv);
  label("s1", R"({"a":"b"})");
  auto e = next_event(*again);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "MODIFIED");
}

TEST_F(WatchTest, ForcedExpiryAnswersTheNextWatchWith410) {
  std::string rv = create("s1");
  server_->faults().force_watch_expired(1);
  auto w = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv);
  auto e = next_event(*w);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "ERROR");
  const json::Value* code = json::find(e->object, "code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->GetInt(), 410);
  EXPECT_TRUE(w->wait_closed());
  auto next = client_->watch(secrets_path("wire") + "?watch=1&resourceVersion=" + rv);
  label("s1", R"({"a":"b"})");
  auto ok = next_event(*next);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->type, "MODIFIED");
}

TEST_F(WatchTest, SendInitialEventsEndsWithAnAnnotatedBookmark) {
  create("s1");
  auto w = client_->watch(
      secrets_path("wire") +
      "?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
  auto added = next_event(*w);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->type, "ADDED");
  auto bookmark = next_event(*w);
  ASSERT_TRUE(bookmark);
  EXPECT_EQ(bookmark->type, "BOOKMARK");
  EXPECT_EQ(json::get_string_path(bookmark->object,
                                  {"metadata", "annotations", "k8s.io/initial-events-end"}),
            "true");
}

}  // namespace
}  // namespace sim::kube
