// Fault injection and the admin API: injected 429/5xx with Retry-After,
// latency on the fake clock, restarts with state kept or wiped, request and
// write counters, TLS.
#include <thread>

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

class FaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.clock = &clock_;
    options.keep_alive_timeout = absl::Seconds(1);  // restarts wait for idle connections
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
  }
  util::testing::FakeClock clock_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(FaultsTest, NextRequestsFailWithRetryAfterOnlyWhereTheyMatch) {
  server_->faults().fail_next(
      {.count = 2, .verb = "list", .resource = "secrets", .code = 429, .retry_after_seconds = 3});
  EXPECT_EQ(client_->get("/api/v1/namespaces").status, 200) << "other resources are unaffected";
  EXPECT_EQ(client_->get(secrets_path("default") + "/x").status, 404)
      << "other verbs are unaffected";
  testing::Reply r = client_->get(secrets_path("default"));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_EQ(
      r.body,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":3},"code":429})");
  EXPECT_EQ(client_->get("/api/v1/secrets").status, 429);
  EXPECT_EQ(client_->get(secrets_path("default")).status, 200);

  server_->faults().fail_next(
      {.count = 1, .verb = "", .resource = "", .code = 503, .retry_after_seconds = 1});
  testing::Reply unavailable = client_->post(secrets_path("default"), secret("default", "s"));
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(json::get_string(unavailable.json(), "reason"), "ServiceUnavailable");
  EXPECT_EQ(client_->get(secrets_path("default") + "/s").status, 404)
      << "the failed write did nothing";
}

TEST_F(FaultsTest, LatencyWaitsOnTheInjectedClock) {
  server_->faults().set_latency(absl::Seconds(5), "get", "namespaces");
  testing::Reply r;
  std::thread request([&] { r = client_->get("/api/v1/namespaces/default"); });
  ASSERT_TRUE(clock_.await_waiters(1));
  EXPECT_EQ(r.status, 0) << "still waiting";
  clock_.step(absl::Seconds(5));
  request.join();
  EXPECT_EQ(r.status, 200);
}

TEST_F(FaultsTest, CountersTellRequestsAndWrites) {
  server_->counters().reset();
  ASSERT_EQ(client_->post(secrets_path("default"), secret("default", "s1")).status, 201);
  ASSERT_EQ(client_->post(secrets_path("default"), secret("default", "s1")).status, 409);
  ASSERT_EQ(client_->get(secrets_path("default") + "/s1").status, 200);
  ASSERT_EQ(client_->post(secrets_path("default") + "?dryRun=All", secret("default", "s2")).status,
            201);
  EXPECT_EQ(server_->counters().requests("create", "secrets"), 3);
  EXPECT_EQ(server_->counters().requests("create", "secrets", 409), 1);
  EXPECT_EQ(server_->counters().requests("get", "secrets", 200), 1);
  EXPECT_EQ(server_->counters().writes("secrets"), 1) << "conflicts and dry runs are not writes";
  EXPECT_EQ(server_->counters().writes(), 1);
  testing::Reply admin = client_->get("/_sim/counters");
  ASSERT_EQ(admin.status, 200);
  json::Document doc = admin.json();
  EXPECT_EQ(json::find_path(doc, {"writes", "secrets"})->GetInt(), 1);
  EXPECT_EQ(json::find(doc, "totalWrites")->GetInt(), 1);
}

TEST_F(FaultsTest, AdminApiInjectsFaults) {
  testing::Reply set = client_->post(
      "/_sim/faults", R"({"fail":{"count":1,"verb":"get","resource":"namespaces","code":500}})");
  ASSERT_EQ(set.status, 200) << set.body;
  testing::Reply failed = client_->get("/api/v1/namespaces/default");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(json::get_string(failed.json(), "reason"), "InternalError");
  EXPECT_EQ(client_->get("/api/v1/namespaces/default").status, 200);
  ASSERT_EQ(client_->post("/_sim/faults", R"({"forceWatchExpired":1})").status, 200);
  auto w = client_->watch("/api/v1/namespaces?watch=1&resourceVersion=1");
  std::optional<std::string> line = w->next();
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, ::testing::HasSubstr(R"("type":"ERROR")"));
  EXPECT_EQ(client_->post("/_sim/faults", R"({"restart":"sideways"})").status, 400);
}

TEST_F(FaultsTest, RestartKeepingStateClosesConnectionsAndForgetsHistory) {
  testing::Reply created = client_->post(secrets_path("default"), secret("default", "s1"));
  std::string rv = json::get_string_path(created.json(), {"metadata", "resourceVersion"});
  ASSERT_EQ(client_->post(secrets_path("default"), secret("default", "s0")).status, 201);
  auto w = client_->watch(secrets_path("default") + "?watch=1&resourceVersion=" + rv);
  ASSERT_TRUE(w->next().has_value()) << "s0 ADDED";
  ASSERT_EQ(w->status(), 200);
  int port = server_->port();
  ASSERT_TRUE(server_->restart(RestartMode::kKeepState).ok());
  EXPECT_TRUE(w->wait_closed());
  EXPECT_FALSE(w->ended_cleanly());
  EXPECT_EQ(server_->port(), port);
  TestClient fresh(*server_);
  testing::Reply got = fresh.get(secrets_path("default") + "/s1");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, created.body);
  // Resuming below the restart point gets 410; from now on works.
  ASSERT_EQ(fresh.post(secrets_path("default"), secret("default", "s2")).status, 201);
  auto old = fresh.watch(secrets_path("default") + "?watch=1&resourceVersion=" + rv);
  std::optional<std::string> line = old->next();
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, ::testing::HasSubstr(R"("code":410)"));
}

TEST_F(FaultsTest, RestartWipingStateStartsOverWithNewUids) {
  std::string default_uid =
      json::get_string_path(client_->get("/api/v1/namespaces/default").json(), {"metadata", "uid"});
  ASSERT_EQ(client_->post(secrets_path("default"), secret("default", "s1")).status, 201);
  uint64_t before = server_->store().current_resource_version();
  ASSERT_TRUE(server_->restart(RestartMode::kWipeState).ok());
  TestClient fresh(*server_);
  EXPECT_EQ(fresh.get(secrets_path("default") + "/s1").status, 404);
  testing::Reply ns = fresh.get("/api/v1/namespaces/default");
  ASSERT_EQ(ns.status, 200);
  EXPECT_NE(json::get_string_path(ns.json(), {"metadata", "uid"}), default_uid);
  EXPECT_GT(server_->store().current_resource_version(), before) << "resourceVersion continues";
  ASSERT_TRUE(server_->restart(RestartMode::kWipeStateResetVersion).ok());
  EXPECT_LT(server_->store().current_resource_version(), before);
}

TEST(TlsTest, ServesHttpsWithTheGeneratedCertificate) {
  ServerOptions options;
  options.tls = true;
  auto server = testing::start_server(std::move(options));
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(server->url(), ::testing::StartsWith("https://127.0.0.1:"));
  EXPECT_THAT(server->ca_certificate_pem(), ::testing::StartsWith("-----BEGIN CERTIFICATE-----"));
  TestClient client(*server);
  testing::Reply r = client.get("/api/v1/namespaces/default");
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace sim::kube
