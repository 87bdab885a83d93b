// The latency model: reads and writes wait their modelled latency on the
// server's clock (watches, discovery and the admin API do not), mutating
// requests beyond the in-flight limit get the apiserver's 429 at once, and
// POST/GET /_sim/latency-model set and show the model.
#include "tests/sim/kube/latency_model.h"

#include <chrono>
#include <future>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"
#include "tests/support/util/fake_clock.h"

namespace sim::kube {
namespace {

using testing::secret;
using testing::secrets_path;
using testing::TestClient;

// Every sample is `latency`, so the tests know how far to step the clock.
LatencyDistribution constant(absl::Duration latency) {
  return {.median = latency, .p99 = latency};
}

bool is_ready(const std::future<testing::Reply>& reply) {
  return reply.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

class LatencyModelTest : public ::testing::Test {
 protected:
  void start(LatencyModel model) {
    ServerOptions options;
    options.clock = &clock_;
    options.latency_model = model;
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
  }

  // `post` of a Secret named `name` on its own connection and thread.
  std::future<testing::Reply> post_async(const std::string& name) {
    return std::async(std::launch::async, [this, name] {
      return TestClient(*server_).post(secrets_path("default"), secret("default", name));
    });
  }

  util::testing::FakeClock clock_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(LatencyModelTest, ReadsAndWritesWaitTheirLatencyOnTheServerClock) {
  start({});
  server_->set_latency_model(
      {.read = constant(absl::Seconds(5)), .write = constant(absl::Seconds(7))});

  std::future<testing::Reply> got =
      std::async(std::launch::async, [this] { return client_->get("/api/v1/namespaces/default"); });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_FALSE(is_ready(got));
  clock_.step(absl::Seconds(5));
  EXPECT_EQ(got.get().status, 200);

  std::future<testing::Reply> created = post_async("s1");
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Seconds(5));
  ASSERT_TRUE(clock_.await_waiters(1)) << "a write waits longer than a read";
  EXPECT_FALSE(is_ready(created));
  clock_.step(absl::Seconds(2));
  EXPECT_EQ(created.get().status, 201);
}

TEST_F(LatencyModelTest, WatchesDiscoveryAndAdminAreNotDelayed) {
  start({.read = constant(absl::Hours(1)), .write = constant(absl::Hours(1))});
  EXPECT_EQ(client_->get("/api").status, 200);
  EXPECT_EQ(client_->get("/apis/apiextensions.k8s.io/v1").status, 200);
  EXPECT_EQ(client_->get("/version").status, 200);
  EXPECT_EQ(client_->get("/_sim/counters").status, 200);
  auto watch = client_->watch("/api/v1/namespaces?watch=1");
  std::optional<std::string> added = watch->next();
  ASSERT_TRUE(added.has_value()) << "the watch streams at once";
  EXPECT_THAT(*added, ::testing::HasSubstr(R"("type":"ADDED")"));
}

TEST_F(LatencyModelTest, MutatingRequestsBeyondTheInflightLimitGet429AtOnce) {
  start({.write = constant(absl::Seconds(10)), .max_mutating_inflight = 2});
  std::future<testing::Reply> first = post_async("s1");
  std::future<testing::Reply> second = post_async("s2");
  ASSERT_TRUE(clock_.await_waiters(2)) << "both writes are in their modelled latency";

  testing::Reply refused = client_->post(secrets_path("default"), secret("default", "s3"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("Retry-After"), "1");
  EXPECT_EQ(
      refused.body,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429})");
  EXPECT_EQ(client_->get(secrets_path("default")).status, 200) << "reads are not limited";
  EXPECT_EQ(server_->counters().inflight_limit_rejections(), 1);
  EXPECT_EQ(server_->counters().requests("create", "secrets", 429), 1);
  EXPECT_EQ(json::find(client_->get("/_sim/counters").json(), "inflightLimitRejections")->GetInt(),
            1);

  clock_.step(absl::Seconds(10));
  EXPECT_EQ(first.get().status, 201);
  EXPECT_EQ(second.get().status, 201);
  std::future<testing::Reply> third = post_async("s3");
  ASSERT_TRUE(clock_.await_waiters(1)) << "the finished writes gave their slots back";
  clock_.step(absl::Seconds(10));
  EXPECT_EQ(third.get().status, 201);
  EXPECT_EQ(server_->counters().inflight_limit_rejections(), 1);
}

TEST_F(LatencyModelTest, AdminApiSetsAndShowsTheModel) {
  start({});
  testing::Reply measured = client_->post("/_sim/latency-model", R"({"preset":"measured"})");
  ASSERT_EQ(measured.status, 200) << measured.body;
  EXPECT_EQ(
      measured.body,
      R"({"readMedianMs":1.0,"readP99Ms":5.0,"writeMedianMs":8.0,"writeP99Ms":40.0,"maxMutatingInflight":200})");
  EXPECT_EQ(latency_model_to_json(server_->latency_model()),
            latency_model_to_json(LatencyModel::measured()));

  ASSERT_EQ(client_->post("/_sim/latency-model", R"({"writeMedianMs":2.5,"maxMutatingInflight":5})")
                .status,
            200);
  EXPECT_EQ(server_->latency_model().write.median, absl::Microseconds(2500));
  EXPECT_EQ(server_->latency_model().write.p99, absl::Milliseconds(40)) << "other fields kept";
  EXPECT_EQ(server_->latency_model().max_mutating_inflight, 5);
  json::Document shown = client_->get("/_sim/latency-model").json();
  EXPECT_EQ(json::find(shown, "writeMedianMs")->GetDouble(), 2.5);
  EXPECT_EQ(json::find(shown, "readP99Ms")->GetDouble(), 5.0);

  for (const char* bad : {R"({"preset":"fast"})", R"({"readMedianMs":-1})",
                          R"({"maxMutatingInflight":1.5})", R"({"latencyMs":3})", "[]"}) {
    EXPECT_EQ(client_->post("/_sim/latency-model", bad).status, 400) << bad;
  }
  EXPECT_EQ(server_->latency_model().max_mutating_inflight, 5) << "a bad request changes nothing";

  ASSERT_EQ(client_->post("/_sim/latency-model", R"({"preset":"none","readP99Ms":3})").status, 200);
  EXPECT_EQ(server_->latency_model().write.median, absl::ZeroDuration());
  EXPECT_EQ(server_->latency_model().max_mutating_inflight, 0);
  EXPECT_EQ(server_->latency_model().read.p99, absl::Milliseconds(3)) << "fields after the preset";
}

TEST(LatencyModelOptionsTest, NegativeInflightLimitIsRejected) {
  ServerOptions options;
  options.schemas = testing::shared_schemas();
  options.latency_model.max_mutating_inflight = -1;
  EXPECT_EQ(Server::create(std::move(options)).status().code(), util::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sim::kube
