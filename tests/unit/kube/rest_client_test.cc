// The REST client: exact request bytes, error mapping, retries, auth, limits.
#include "pkg/kube/rest_client.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/api_error.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

const Resource kRoles{"zalando.org", "v1", "awsiamroles", "AWSIAMRole", true};

http::Response ok(std::string body, int code = 200) {
  return {code, {{"Content-Type", "application/json"}}, std::move(body)};
}

class RestClientTest : public ::testing::Test {
 protected:
  RestClientTest() { config_.server = "https://10.96.0.1:443"; }

  RestClient& client(RestClientOptions options = {}) {
    if (options.qps == RestClientOptions().qps) options.qps = 0;  // unlimited unless a test says
    config_.token = token_;
    client_ = std::make_unique<RestClient>(config_, fake_, clock_, std::move(options));
    return *client_;
  }

  http::Request only_request() {
    const auto requests = fake_.requests();
    EXPECT_EQ(requests.size(), 1u);
    return requests.empty() ? http::Request{} : requests.back();
  }

  Config config_;
  std::shared_ptr<TokenSource> token_ =
      std::make_shared<StaticTokenSource>(util::SecretString("tkn"));
  http::testing::FakeTransport fake_;
  util::testing::FakeClock clock_;
  std::unique_ptr<RestClient> client_;
};

TEST_F(RestClientTest, GetSendsExactlyTheseBytes) {
  fake_.push_response(ok(test::wire_sample("secret-create-201.json")));
  auto secret = client().get(Resource::secrets(), "wire", "s1");
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(secret->name(), "s1");
  const http::Request r = only_request();
  EXPECT_EQ(r.method, http::Method::kGet);
  EXPECT_EQ(r.url, "https://10.96.0.1:443/api/v1/namespaces/wire/secrets/s1");
  EXPECT_THAT(r.headers.items(),
              ElementsAre(Pair("Accept", "application/json"),
                          Pair("User-Agent", "kube-aws-iam-controller/0.1.0 (linux/amd64)"),
                          Pair("Authorization", "Bearer tkn")));
  EXPECT_EQ(r.body, "");
}

TEST_F(RestClientTest, ListEscapesSelectorsAndFillsItemKinds) {
  fake_.push_response(ok(
      R"({"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"tok2"},)"
      R"("items":[{"metadata":{"name":"a","namespace":"n","resourceVersion":"40"}},)"
      R"({"metadata":{"name":"b","namespace":"n","resourceVersion":"41"}}]})"));
  ListOptions options;
  options.label_selector = "heritage=kube-aws-iam-controller,type in (awsiamrole)";
  options.field_selector = "metadata.name!=x";
  options.limit = 500;
  options.continue_token = "tok1";
  auto list = client().list(Resource::secrets(), "", options);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(
      only_request().url,
      "https://10.96.0.1:443/api/v1/secrets?labelSelector=heritage%3Dkube-aws-iam-controller%2C"
      "type%20in%20%28awsiamrole%29&fieldSelector=metadata.name%21%3Dx&limit=500&continue=tok1");
  EXPECT_EQ(list->resource_version, "42");
  EXPECT_EQ(list->continue_token, "tok2");
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[1].key(), "n/b");
  EXPECT_EQ(list->items[1].kind(), "Secret");
  EXPECT_EQ(list->items[1].api_version(), "v1");
}

TEST_F(RestClientTest, CreatePostsTheObjectToItsNamespace) {
  fake_.push_response(ok(test::wire_sample("secret-create-201.json"), 201));
  Object secret = test::secret("wire", "s1");
  WriteOptions options;
  options.dry_run = true;
  options.field_manager = "kube-aws-iam-controller";
  auto created = client().create(Resource::secrets(), secret, options);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->resource_version(), "220");
  const http::Request r = only_request();
  EXPECT_EQ(r.method, http::Method::kPost);
  EXPECT_EQ(r.url,
            "https://10.96.0.1:443/api/v1/namespaces/wire/"
            "secrets?dryRun=All&fieldManager=kube-aws-iam-controller");
  EXPECT_EQ(r.headers.get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","namespace":"wire"}})");
}

TEST_F(RestClientTest, UpdatePutsWithResourceVersionAndConflictIsAborted) {
  fake_.push_response(ok(test::wire_sample("status-409-conflict.json"), 409));
  Object secret = test::secret("wire", "s1");
  secret.set_resource_version("219");
  auto updated = client().update(Resource::secrets(), secret);
  EXPECT_EQ(updated.status().code(), util::StatusCode::kAborted);
  EXPECT_TRUE(is_conflict(updated.status()));
  const http::Request r = only_request();
  EXPECT_EQ(r.method, http::Method::kPut);
  EXPECT_EQ(r.url, "https://10.96.0.1:443/api/v1/namespaces/wire/secrets/s1");
  EXPECT_EQ(
      r.body,
      R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1","namespace":"wire","resourceVersion":"219"}})");
}

TEST_F(RestClientTest, UpdateStatusUsesTheSubresource) {
  fake_.push_response(ok(test::data_file("go-original-output/awsiamrole-with-status.json")));
  Object role =
      test::parse_or_die(test::data_file("go-original-output/awsiamrole-with-status.json"));
  ASSERT_TRUE(client().update_status(kRoles, role).ok());
  EXPECT_EQ(only_request().url,
            "https://10.96.0.1:443/apis/zalando.org/v1/namespaces/demo/awsiamroles/my-app-iam-role/"
            "status");
}

TEST_F(RestClientTest, PatchTypesSetTheirContentType) {
  const std::pair<PatchType, const char*> cases[] = {
      {PatchType::kMerge, "application/merge-patch+json"},
      {PatchType::kJson, "application/json-patch+json"},
      {PatchType::kStrategicMerge, "application/strategic-merge-patch+json"}};
  RestClient& c = client();
  for (const auto& [type, content_type] : cases) {
    fake_.clear();
    fake_.push_response(ok(test::wire_sample("secret-create-201.json")));
    ASSERT_TRUE(c.patch(Resource::secrets(), "wire", "s1", type, R"({"a":1})").ok());
    const http::Request r = only_request();
    EXPECT_EQ(r.method, http::Method::kPatch);
    EXPECT_EQ(r.headers.get("Content-Type"), content_type);
    EXPECT_EQ(r.body, R"({"a":1})");
  }
}

TEST_F(RestClientTest, DeleteSendsPreconditionsAndMapsNotFound) {
  fake_.push_response(ok(test::wire_sample("secret-delete-200.json")));
  DeleteOptions options;
  options.propagation_policy = "Background";
  options.precondition_uid = "u-1";
  options.precondition_resource_version = "7";
  EXPECT_TRUE(client().remove(Resource::secrets(), "wire", "s1", options).ok());
  const http::Request r = only_request();
  EXPECT_EQ(r.method, http::Method::kDelete);
  EXPECT_EQ(r.url, "https://10.96.0.1:443/api/v1/namespaces/wire/secrets/s1");
  EXPECT_EQ(r.body, R"({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background",)"
                    R"("preconditions":{"uid":"u-1","resourceVersion":"7"}})");
  fake_.push_response(ok(test::wire_sample("status-404.json"), 404));
  const util::Status missing = client_->remove(Resource::secrets(), "wire", "nope");
  EXPECT_EQ(missing.code(), util::StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "secrets \"nope\" not found");
}

TEST_F(RestClientTest, MapsEveryVerbatimError) {
  const std::tuple<int, const char*, util::StatusCode> cases[] = {
      {404, "status-404.json", util::StatusCode::kNotFound},
      {409, "status-409-alreadyexists.json", util::StatusCode::kAlreadyExists},
      {409, "status-409-conflict.json", util::StatusCode::kAborted},
      {422, "status-422-invalid.json", util::StatusCode::kInvalidArgument},
      {410, "list-410-exact-rv.json", util::StatusCode::kOutOfRange}};
  RestClient& c = client();
  for (const auto& [code, sample, want] : cases) {
    fake_.push_response(ok(test::wire_sample(sample), code));
    EXPECT_EQ(c.create(kRoles, test::secret("n", "bad")).status().code(), want) << sample;
  }
  fake_.push_error(util::deadline_exceeded_error("timed out after 30s"));
  const auto timeout = c.get(Resource::secrets(), "n", "a");
  EXPECT_EQ(timeout.status().code(), util::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(timeout.status().message(), "get secrets a: timed out after 30s");
}

TEST_F(RestClientTest, HonoursRetryAfterThenSucceeds) {
  test::Counter sent;
  fake_.set_handler([&](const http::Request&) -> util::StatusOr<http::Response> {
    sent.increment();
    switch (sent.value()) {
      case 1:
        return http::Response{429, {{"Retry-After", "2"}}, "{}"};
      case 2:
        return http::Response{503, {{"Retry-After", "1"}}, ""};
      default:
        return ok(test::wire_sample("secret-create-201.json"));
    }
  });
  RestClient& c = client();
  util::StatusOr<Object> result = util::internal_error("not run");
  std::thread caller([&] { result = c.get(Resource::secrets(), "wire", "s1"); });
  ASSERT_TRUE(sent.await_at_least(1));
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Milliseconds(1999));
  EXPECT_EQ(sent.value(), 1);  // not before the server said
  clock_.step(absl::Milliseconds(1));
  // Once the second request went out, the first wait has ended: the waiter
  // seen next is the second wait.
  ASSERT_TRUE(sent.await_at_least(2));
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Seconds(1));
  caller.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(fake_.requests().size(), 3u);
}

TEST_F(RestClientTest, RetriesAreBoundedAndCarryRetryAfter) {
  RestClientOptions options;
  options.max_retries = 0;
  fake_.push_response({429, {{"Retry-After", "7"}}, test::wire_sample("status-404.json")});
  const auto result = client(options).get(Resource::secrets(), "wire", "s1");
  EXPECT_EQ(fake_.requests().size(), 1u);
  // A NotFound reason wins over the HTTP code; throttling without Status:
  EXPECT_EQ(result.status().code(), util::StatusCode::kNotFound);
  fake_.push_response({429, {{"Retry-After", "7"}}, ""});
  const auto throttled = client(options).get(Resource::secrets(), "wire", "s1");
  EXPECT_EQ(throttled.status().code(), util::StatusCode::kUnavailable);
  EXPECT_EQ(retry_after(throttled.status()), absl::Seconds(7));
}

TEST_F(RestClientTest, UnauthorizedReReadsTheTokenOnce) {
  class RotatingToken : public TokenSource {
   public:
    util::StatusOr<util::SecretString> token() override {
      return util::SecretString(invalidated_ ? "new" : "old");
    }
    void invalidate() override { invalidated_ = true; }
    bool invalidated_ = false;
  };
  token_ = std::make_shared<RotatingToken>();
  const std::string unauthorized =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";
  fake_.push_response(ok(unauthorized, 401));
  fake_.push_response(ok(test::wire_sample("secret-create-201.json")));
  ASSERT_TRUE(client().get(Resource::secrets(), "wire", "s1").ok());
  const auto requests = fake_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].headers.get("Authorization"), "Bearer old");
  EXPECT_EQ(requests[1].headers.get("Authorization"), "Bearer new");
  fake_.push_response(ok(unauthorized, 401));
  fake_.push_response(ok(unauthorized, 401));
  const auto denied = client_->get(Resource::secrets(), "wire", "s1");
  EXPECT_EQ(denied.status().code(), util::StatusCode::kUnauthenticated);
  EXPECT_THAT(denied.status().message(), Not(HasSubstr("new")));
}

TEST_F(RestClientTest, ObserverSeesVerbResourceCodeAndLatency) {
  std::vector<std::string> seen;
  RestClientOptions options;
  options.observer = [&](const RequestInfo& info) {
    seen.push_back(util::cat(info.verb, " ", info.resource, " ", info.code, " ",
                             absl::FormatDuration(info.latency)));
  };
  fake_.set_handler([&](const http::Request&) -> util::StatusOr<http::Response> {
    clock_.step(absl::Milliseconds(15));
    return ok(test::wire_sample("status-404.json"), 404);
  });
  RestClient& c = client(options);
  (void)c.get(Resource::secrets(), "wire", "nope");
  fake_.set_handler(nullptr);
  fake_.push_error(util::unavailable_error("connection refused"));
  (void)c.list(kRoles, "");
  EXPECT_THAT(seen, ElementsAre("get secrets 404 15ms", "list awsiamroles 0 0"));
}

TEST_F(RestClientTest, NoClientSideLimitUntilThe429ThenItPaces) {
  RestClientOptions options;
  options.max_retries = 0;
  RestClient& c = client(options);  // no ceiling
  fake_.set_handler([&](const http::Request&) -> util::StatusOr<http::Response> {
    return fake_.requests().size() == 21 ? http::Response{429, {{"Retry-After", "1"}}, ""}
                                         : ok(test::wire_sample("secret-create-201.json"));
  });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(c.get(Resource::secrets(), "wire", "s1").ok());  // at one instant: no waiting
  }
  EXPECT_FALSE(c.get(Resource::secrets(), "wire", "s1").ok());  // API Priority and Fairness
  EXPECT_EQ(c.rate_limiter().allowed_rate(), 14);  // 0.7 × the 20 accepted in the last second
  std::atomic<bool> done{false};
  std::thread next([&] {
    EXPECT_TRUE(c.get(Resource::secrets(), "wire", "s1").ok());
    done = true;
  });
  ASSERT_TRUE(clock_.await_waiters(1));  // paced now, on the injected clock
  EXPECT_FALSE(done);
  clock_.step(absl::Milliseconds(1000 / 14 + 1));
  next.join();
  EXPECT_EQ(fake_.requests().size(), 22u);
}

TEST_F(RestClientTest, ClientSideRateLimitWaitsOnTheClock) {
  RestClientOptions options;
  options.qps = 1;
  options.burst = 1;
  fake_.set_handler([](const http::Request&) -> util::StatusOr<http::Response> {
    return ok(test::wire_sample("secret-create-201.json"));
  });
  RestClient& c = client(options);
  ASSERT_TRUE(c.get(Resource::secrets(), "wire", "s1").ok());  // the burst
  std::atomic<bool> done{false};
  std::thread second([&] {
    EXPECT_TRUE(c.get(Resource::secrets(), "wire", "s1").ok());
    done = true;
  });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_FALSE(done);
  EXPECT_EQ(fake_.requests().size(), 1u);
  clock_.step(absl::Seconds(1));
  second.join();
  EXPECT_EQ(fake_.requests().size(), 2u);
  std::stop_source stop;
  GetOptions get;
  get.stop = stop.get_token();
  std::thread third([&] {
    EXPECT_EQ(c.get(Resource::secrets(), "wire", "s1", get).status().code(),
              util::StatusCode::kCancelled);
  });
  ASSERT_TRUE(clock_.await_waiters(1));
  stop.request_stop();
  third.join();
}

TEST_F(RestClientTest, WatchParsesTheVerbatimStreamAcrossChunkBoundaries) {
  const std::string body = test::wire_sample("watch-stream-with-bookmark.jsonl");
  http::testing::ScriptedStream stream;
  stream.chunks = {body.substr(0, 17), body.substr(17, 900), body.substr(917)};
  fake_.push_stream(stream);
  WatchOptions options;
  options.resource_version = "221";
  options.label_selector = "heritage=kube-aws-iam-controller";
  options.timeout_seconds = 317;
  std::vector<std::string> events;
  const util::Status status = client().watch(
      Resource::secrets(), "wire", options,
      [&](WatchEvent&& e) {
        events.push_back(util::cat(watch_event_type_name(e.type), " ", e.object.key(), " ",
                                   e.object.resource_version()));
        return true;
      },
      {});
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(events, ElementsAre("MODIFIED wire/s1 222", "DELETED wire/s1 223",
                                  "ADDED wire/n1 224", "BOOKMARK  373", "BOOKMARK  373"));
  EXPECT_EQ(only_request().url,
            "https://10.96.0.1:443/api/v1/namespaces/wire/secrets?watch=true&labelSelector="
            "heritage%3Dkube-aws-iam-controller&resourceVersion=221&allowWatchBookmarks=true&"
            "timeoutSeconds=317");
}

TEST_F(RestClientTest, WatchGoneInStreamAndAsHttpStatus) {
  http::testing::ScriptedStream in_stream;
  in_stream.chunks = {
      R"j({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (380)","reason":"Expired","code":410}})j"
      "\n"};
  fake_.push_stream(in_stream);
  http::testing::ScriptedStream http_410;
  http_410.status = 410;
  http_410.chunks = {test::wire_sample("list-410-exact-rv.json")};
  fake_.push_stream(http_410);
  auto ignore = [](WatchEvent&&) { return true; };
  RestClient& c = client();
  const util::Status first = c.watch(Resource::secrets(), "", {}, ignore, {});
  EXPECT_TRUE(is_gone(first)) << first;
  EXPECT_EQ(first.message(), "too old resource version: 5 (380)");
  const util::Status second = c.watch(Resource::secrets(), "", {}, ignore, {});
  EXPECT_TRUE(is_gone(second)) << second;
}

TEST_F(RestClientTest, WatchReportsDroppedConnectionsAndStops) {
  http::testing::ScriptedStream dropped;
  dropped.chunks = {
      R"({"type":"ADDED","object":{"metadata":{"name":"a","namespace":"n","resourceVersion":"5"}}})"
      "\n"};
  dropped.end = util::unavailable_error("connection reset by peer");
  fake_.push_stream(dropped);
  int events = 0;
  const util::Status status =
      client().watch(Resource::secrets(), "", {}, [&](WatchEvent&&) { return ++events, true; }, {});
  EXPECT_EQ(events, 1);
  EXPECT_EQ(status.code(), util::StatusCode::kUnavailable);
  auto live = fake_.push_live_stream();
  std::stop_source stop;
  std::thread watcher([&] {
    EXPECT_EQ(
        client_
            ->watch(
                Resource::secrets(), "", {}, [](WatchEvent&&) { return true; }, stop.get_token())
            .code(),
        util::StatusCode::kCancelled);
  });
  ASSERT_TRUE(live->await_opened());
  stop.request_stop();
  watcher.join();
}

}  // namespace
}  // namespace kube
