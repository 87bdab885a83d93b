#include "controller/process/health_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>

namespace controller {
namespace {

TEST(HealthServerTest, ServesHealthReadinessAndMetrics) {
  metrics::Registry registry;
  registry.counter("kaic_test_total", "A test counter.").inc();
  std::atomic<bool> ready = false;
  auto server = HealthServer::start("127.0.0.1", 0, registry, [&]() -> std::string {
    return ready ? "" : "informer caches not synced";
  });
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->port());

  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  auto not_ready = client.Get("/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_EQ(not_ready->body, "informer caches not synced\n");
  ready = true;
  auto is_ready = client.Get("/readyz");
  ASSERT_TRUE(is_ready);
  EXPECT_EQ(is_ready->status, 200);

  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_EQ(metrics->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics->body.find("kaic_test_total 1\n"), std::string::npos);
  (*server)->stop();
}

TEST(HealthServerTest, FailsClearlyWhenThePortIsTaken) {
  metrics::Registry registry;
  auto first = HealthServer::start("127.0.0.1", 0, registry, [] { return std::string(); });
  ASSERT_TRUE(first.ok());
  auto second =
      HealthServer::start("127.0.0.1", (*first)->port(), registry, [] { return std::string(); });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), util::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos);
}

}  // namespace
}  // namespace controller
