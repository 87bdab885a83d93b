// The informer against a FakeTransport whose watch streams the test feeds from
// an in-memory apiserver (FakeApiServer): initial sync, watch, resume after
// drops, bookmarks, relist on 410, resync — and the handlers always end up
// seeing exactly the server's final state.
#include "pkg/kube/informer.h"

#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/mirror.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

constexpr char kSecrets[] = "/api/v1/secrets";
constexpr absl::Duration kBeyondBackoff = absl::Seconds(40);  // > max backoff (30 s + jitter)

std::string collection(std::string_view ns) {
  return util::cat("/api/v1/namespaces/", ns, "/secrets");
}

int64_t resource_version_of(const http::Request& request) {
  const size_t at = request.url.find("resourceVersion=");
  if (at == std::string::npos) return -1;
  return std::stoll(request.url.substr(at + 16));
}

class InformerTest : public ::testing::Test {
 protected:
  InformerTest() {
    config_.server = "https://k8s";
    fake_.set_handler(server_.handler());
    RestClientOptions options;
    options.qps = 0;
    client_ = std::make_unique<RestClient>(config_, fake_, clock_, options);
  }
  ~InformerTest() override { stop(); }

  void add_secret(std::string_view ns, std::string_view name, std::string_view label = "a") {
    Object o = test::secret(ns, name);
    o.set_label("type", label);
    server_.apply(collection(ns), std::move(o));
  }

  void start(InformerOptions options = {}) {
    informer_ = std::make_unique<Informer<Object>>(*client_, Resource::secrets(), clock_,
                                                   std::move(options));
    informer_->add_handlers(mirror_.handlers());
    thread_ = std::jthread([this](std::stop_token stop) { informer_->run(std::move(stop)); });
  }

  void stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

  // Waits for `live` to be opened by the informer's watch; returns the
  // resourceVersion it resumes from, and remembers it as fed.
  int64_t opened(const std::shared_ptr<http::testing::LiveStream>& live) {
    EXPECT_TRUE(live->await_opened());
    fed_ = resource_version_of(live->request());
    return fed_;
  }

  // Streams every server change since the last feed, and waits until the
  // informer has handled it.
  void feed(const std::shared_ptr<http::testing::LiveStream>& live, std::string_view ns = "") {
    const std::string lines = server_.watch_lines(ns.empty() ? kSecrets : collection(ns), fed_);
    fed_ = server_.resource_version();
    if (lines.empty()) return;
    live->push(lines);
    ASSERT_TRUE(live->await_delivered());
  }

  // Drops the connection; the informer then backs off (on the fake clock)
  // until reconnect().
  void disconnect(const std::shared_ptr<http::testing::LiveStream>& live) {
    live->end(util::unavailable_error("connection reset by peer"));
    ASSERT_TRUE(live->await_closed());
    ASSERT_TRUE(clock_.await_waiters(1));
  }
  void reconnect() { clock_.step(kBeyondBackoff); }
  void drop(const std::shared_ptr<http::testing::LiveStream>& live) {
    disconnect(live);
    reconnect();
  }

  std::map<std::string, std::string> server_state(std::string_view path = kSecrets) const {
    std::map<std::string, std::string> out;
    for (const Object& o : server_.list(path))
      out[o.key()] = std::string(o.resource_version());
    return out;
  }

  std::map<std::string, std::string> cache_state() const {
    std::map<std::string, std::string> out;
    for (const ObjectPtr& o : informer_->store().list())
      out[o->key()] = std::string(o->resource_version());
    return out;
  }

  void expect_in_step() {
    EXPECT_EQ(mirror_.state(), server_state());
    EXPECT_EQ(cache_state(), server_state());
    EXPECT_THAT(mirror_.violations(), IsEmpty());
  }

  Config config_;
  kube::testing::FakeApiServer server_;
  http::testing::FakeTransport fake_;
  util::testing::FakeClock clock_;
  std::unique_ptr<RestClient> client_;
  test::Mirror mirror_;
  std::unique_ptr<Informer<Object>> informer_;
  std::jthread thread_;
  int64_t fed_ = 0;
};

TEST_F(InformerTest, InitialSyncIsPaginatedAndDropsManagedFields) {
  for (int i = 0; i < 12; ++i)
    add_secret(i % 2 ? "a" : "b", util::cat("s", i));
  Object with_fields = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  server_.apply(collection("wire"), with_fields);
  auto live = fake_.push_live_stream();
  InformerOptions options;
  options.reflector.page_size = 5;
  start(options);
  std::stop_source never;
  ASSERT_TRUE(informer_->wait_for_sync(never.get_token()));
  EXPECT_TRUE(informer_->has_synced());
  expect_in_step();
  EXPECT_EQ(mirror_.take_log().size(), 13u);
  EXPECT_EQ(informer_->store().get("wire/s1")->to_json().find("managedFields"), std::string::npos);
  const std::vector<std::string> log = server_.request_log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(log[0], "GET /api/v1/secrets?limit=5");
  EXPECT_THAT(log[1], HasSubstr("limit=5&continue="));
  EXPECT_THAT(log[2], HasSubstr("limit=5&continue="));
  // Then it watches from the list's version, with bookmarks and a server timeout.
  EXPECT_EQ(opened(live), server_.resource_version());
  EXPECT_THAT(live->request().url, HasSubstr("watch=true&resourceVersion="));
  EXPECT_THAT(live->request().url, HasSubstr("&allowWatchBookmarks=true&timeoutSeconds="));
}

TEST_F(InformerTest, WatchEventsReachTheHandlersInOrder) {
  add_secret("n", "a");
  auto live = fake_.push_live_stream();
  start();
  opened(live);
  add_secret("n", "b");
  add_secret("n", "a", "changed");
  server_.remove(collection("n"), "b");
  feed(live);
  EXPECT_THAT(mirror_.take_log(),
              ElementsAre("add n/a@101", "add n/b@102", "update n/a@101->103", "delete n/b"));
  expect_in_step();
  EXPECT_EQ(informer_->last_resource_version(), "104");
}

TEST_F(InformerTest, RestrictsToNamespaceAndSelectors) {
  add_secret("a", "match", "awsiamrole");
  add_secret("a", "other", "other");
  add_secret("b", "match", "awsiamrole");
  auto live = fake_.push_live_stream();
  InformerOptions options;
  options.namespace_name = "a";
  options.reflector.label_selector = "type=awsiamrole";
  options.reflector.field_selector = "metadata.name=match";
  start(options);
  opened(live);
  EXPECT_THAT(mirror_.take_log(), ElementsAre("add a/match@101"));
  EXPECT_EQ(server_.request_log()[0],
            "GET /api/v1/namespaces/a/secrets?labelSelector=type%3Dawsiamrole&fieldSelector="
            "metadata.name%3Dmatch&limit=500");
  EXPECT_THAT(live->request().url,
              HasSubstr("/api/v1/namespaces/a/secrets?watch=true&labelSelector="
                        "type%3Dawsiamrole&fieldSelector=metadata.name%3Dmatch&"));
}

// The fake apiserver under these tests parses selectors with the simulator's
// grammar: set-based label selectors, 400 for a malformed one, and watches
// filtered as lists are.
TEST_F(InformerTest, TheFakeServerSelectsWithTheApiserversGrammar) {
  add_secret("n", "a", "x");
  add_secret("n", "b", "y");
  add_secret("n", "c", "z");
  auto listed = client_->list(Resource::secrets(), "n", {.label_selector = "type in (x,z)"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::vector<std::string> names;
  for (const Object& item : listed->items)
    names.emplace_back(item.name());
  EXPECT_THAT(names, ElementsAre("a", "c"));

  const util::Status malformed =
      client_->list(Resource::secrets(), "n", {.label_selector = "type in (x"}).status();
  EXPECT_EQ(malformed.code(), util::StatusCode::kInvalidArgument);

  std::vector<std::string> watched;
  const util::Status watch = client_->watch(
      Resource::secrets(), "n", {.field_selector = "metadata.name!=b", .resource_version = "100"},
      [&](WatchEvent&& event) {
        watched.emplace_back(event.object.name());
        return true;
      },
      {});
  EXPECT_TRUE(watch.ok()) << watch;
  EXPECT_THAT(watched, ElementsAre("a", "c"));
}

TEST_F(InformerTest, BookmarksAdvanceTheResumeVersion) {
  add_secret("n", "a");
  auto first = fake_.push_live_stream();
  auto second = fake_.push_live_stream();
  start();
  EXPECT_EQ(opened(first), 101);
  for (int i = 0; i < 5; ++i)
    server_.apply("/api/v1/namespaces/n/configmaps", test::secret("n", util::cat("cm", i)));
  first->push(server_.bookmark_line("Secret"));
  ASSERT_TRUE(first->await_delivered());
  EXPECT_EQ(informer_->last_resource_version(), "106");
  drop(first);
  EXPECT_EQ(opened(second), 106);
  EXPECT_THAT(mirror_.take_log(), ElementsAre("add n/a@101"));  // a bookmark is not an event
  EXPECT_EQ(informer_->reflector().list_count(), 1);
}

TEST_F(InformerTest, DroppedWatchResumesWithoutRelisting) {
  add_secret("n", "a");
  auto first = fake_.push_live_stream();
  auto second = fake_.push_live_stream();
  start();
  opened(first);
  add_secret("n", "b");
  feed(first);
  disconnect(first);
  // Written while disconnected: the resumed watch delivers them.
  add_secret("n", "c");
  add_secret("n", "a", "changed");
  reconnect();
  EXPECT_EQ(opened(second), 102);
  feed(second);
  EXPECT_THAT(mirror_.take_log(),
              ElementsAre("add n/a@101", "add n/b@102", "add n/c@103", "update n/a@101->104"));
  EXPECT_EQ(informer_->reflector().list_count(), 1);
  expect_in_step();
}

TEST_F(InformerTest, RelistAfterExpiredEmitsDeletesForObjectsGoneWhileDisconnected) {
  for (const char* name : {"keep", "change", "gone1", "gone2"})
    add_secret("n", name);
  auto first = fake_.push_live_stream();
  start();
  opened(first);
  mirror_.take_log();
  disconnect(first);
  server_.remove(collection("n"), "gone1");
  server_.remove(collection("n"), "gone2");
  add_secret("n", "change", "changed");
  add_secret("n", "new");
  server_.compact();
  // The resumed watch is too old: HTTP 200, then ERROR 410 Expired in-stream.
  http::testing::ScriptedStream expired;
  expired.chunks = {server_.watch_lines(kSecrets, fed_)};
  ASSERT_THAT(expired.chunks[0], HasSubstr(R"("type":"ERROR")"));
  fake_.push_stream(expired);
  auto after_relist = fake_.push_live_stream();
  reconnect();
  EXPECT_EQ(opened(after_relist), server_.resource_version());
  // The list's pages as they come, then what the list no longer has.
  EXPECT_THAT(mirror_.take_log(), ElementsAre("update n/change@102->107", "add n/new@108",
                                              "delete n/gone1 (final state unknown)",
                                              "delete n/gone2 (final state unknown)"));
  EXPECT_EQ(informer_->reflector().list_count(), 2);
  expect_in_step();
}

TEST_F(InformerTest, HttpGoneOnReconnectRelists) {
  add_secret("n", "a");
  auto first = fake_.push_live_stream();
  http::testing::ScriptedStream gone;
  gone.status = 410;
  gone.chunks = {test::wire_sample("list-410-exact-rv.json")};
  start();
  opened(first);
  disconnect(first);
  server_.remove(collection("n"), "a");
  fake_.push_stream(gone);
  auto second = fake_.push_live_stream();
  reconnect();
  opened(second);
  EXPECT_THAT(mirror_.take_log(), ElementsAre("add n/a@101", "delete n/a (final state unknown)"));
  EXPECT_EQ(informer_->reflector().list_count(), 2);
  expect_in_step();
}

// The acceptance test: a burst of writes while the watch drops again and again
// and is once forced to relist (in-stream 410) and once answered 410 on
// reconnect. The handlers end with the server's final state, and every call
// they got followed from the previous ones.
TEST_F(InformerTest, BurstWithDropsAndForcedRelistEndsEqualToTheServer) {
  std::mt19937 rng(20261123);  // fixed: the test is deterministic
  for (int i = 0; i < 20; ++i)
    add_secret(i % 3 ? "a" : "b", util::cat("s", i));
  auto live = fake_.push_live_stream();
  InformerOptions options;
  options.reflector.page_size = 7;
  start(options);
  opened(live);
  int drops = 0;
  int relists = 0;
  for (int round = 0; round < 12; ++round) {
    // A burst of 25 random writes, streamed as they happen.
    for (int i = 0; i < 25; ++i) {
      const std::string ns = rng() % 3 ? "a" : "b";
      const std::string name = util::cat("s", rng() % 40);
      if (rng() % 4 == 0) {
        server_.remove(collection(ns), name);
      } else {
        add_secret(ns, name, util::cat("v", rng()));
      }
      if (i % 5 == 4) feed(live);
    }
    feed(live);
    std::shared_ptr<http::testing::LiveStream> next;
    if (round == 4) {
      // Forced relist mid-stream: history compacted, then an in-stream ERROR.
      for (int i = 0; i < 5; ++i)
        add_secret("a", util::cat("late", i));
      server_.remove(collection("a"), "late0");
      server_.compact();
      next = fake_.push_live_stream();
      live->push(server_.watch_lines(kSecrets, 0));  // ERROR 410 Expired
      ++relists;
    } else {
      disconnect(live);
      ++drops;
      // Written while disconnected.
      for (int i = 0; i < 3; ++i)
        add_secret("b", util::cat("s", rng() % 40), util::cat("d", rng()));
      server_.remove(collection("a"), util::cat("s", rng() % 40));
      if (round == 8) {
        // ... and compacted: the reconnect is answered HTTP 410.
        server_.compact();
        http::testing::ScriptedStream gone;
        gone.status = 410;
        gone.chunks = {test::wire_sample("list-410-exact-rv.json")};
        fake_.push_stream(gone);
        ++relists;
      }
      next = fake_.push_live_stream();
      reconnect();
    }
    live = next;
    opened(live);
    feed(live);
    expect_in_step();
  }
  EXPECT_EQ(informer_->reflector().list_count(), 1 + relists);
  EXPECT_GE(drops, 10);
}

TEST_F(InformerTest, ResyncRedeliversEveryCachedObject) {
  for (int i = 0; i < 3; ++i)
    add_secret("n", util::cat("s", i));
  auto live = fake_.push_live_stream();
  InformerOptions options;
  options.resync = absl::Seconds(30);
  start(options);
  opened(live);
  ASSERT_TRUE(mirror_.calls().await_at_least(3));
  ASSERT_TRUE(clock_.await_waiters(1));  // the resync timer
  clock_.step(absl::Seconds(29));
  EXPECT_EQ(mirror_.resyncs(), 0);
  clock_.step(absl::Seconds(1));
  ASSERT_TRUE(mirror_.calls().await_at_least(6));
  EXPECT_EQ(mirror_.resyncs(), 3);
  EXPECT_THAT(mirror_.violations(), IsEmpty());
}

TEST_F(InformerTest, LateHandlersGetTheCacheAsAddsAndStopIsPrompt) {
  add_secret("n", "a");
  add_secret("n", "b");
  auto live = fake_.push_live_stream();
  start();
  opened(live);
  test::Mirror late;
  informer_->add_handlers(late.handlers());
  EXPECT_THAT(late.take_log(), ElementsAre("add n/a@101", "add n/b@102"));
  stop();  // the live watch is cancelled and run() returns
  EXPECT_TRUE(live->closed());
  EXPECT_EQ(live->close_status().code(), util::StatusCode::kCancelled);
}

TEST_F(InformerTest, WaitForSyncGivesUpOnStopWhileListingFails) {
  server_.fail_next(1000, 503, "ServiceUnavailable");
  start();
  std::stop_source stop;
  std::thread waiter([&] { EXPECT_FALSE(informer_->wait_for_sync(stop.get_token())); });
  ASSERT_TRUE(clock_.await_waiters(1));  // backing off after the failed list
  EXPECT_FALSE(informer_->has_synced());
  stop.request_stop();
  waiter.join();
}

}  // namespace
}  // namespace kube
