#include "pkg/metrics/registry.h"

#include <gtest/gtest.h>

namespace metrics {
namespace {

TEST(MetricsTest, RendersPrometheusTextFormat) {
  Registry registry;
  Counter& reconciles =
      registry.counter("kaic_reconciles_total", "Reconciles by result.", {"result"});
  reconciles.inc({"success"});
  reconciles.inc({"success"});
  reconciles.inc({"error"});
  Gauge& leader = registry.gauge("kaic_leader", "1 when leading.");
  leader.set(1);
  registry.callback_gauge("kaic_queue_depth", "Keys waiting.", [] { return 7.0; });
  Histogram& latency =
      registry.histogram("kaic_sts_seconds", "STS latency.", {"op"}, {0.01, 0.1, 1});
  latency.observe({"AssumeRole"}, 0.05);
  latency.observe({"AssumeRole"}, 0.5);
  latency.observe({"AssumeRole"}, 5);

  EXPECT_EQ(registry.render(),
            "# HELP kaic_reconciles_total Reconciles by result.\n"
            "# TYPE kaic_reconciles_total counter\n"
            "kaic_reconciles_total{result=\"error\"} 1\n"
            "kaic_reconciles_total{result=\"success\"} 2\n"
            "# HELP kaic_leader 1 when leading.\n"
            "# TYPE kaic_leader gauge\n"
            "kaic_leader 1\n"
            "# HELP kaic_queue_depth Keys waiting.\n"
            "# TYPE kaic_queue_depth gauge\n"
            "kaic_queue_depth 7\n"
            "# HELP kaic_sts_seconds STS latency.\n"
            "# TYPE kaic_sts_seconds histogram\n"
            "kaic_sts_seconds_bucket{op=\"AssumeRole\",le=\"0.01\"} 0\n"
            "kaic_sts_seconds_bucket{op=\"AssumeRole\",le=\"0.1\"} 1\n"
            "kaic_sts_seconds_bucket{op=\"AssumeRole\",le=\"1\"} 2\n"
            "kaic_sts_seconds_bucket{op=\"AssumeRole\",le=\"+Inf\"} 3\n"
            "kaic_sts_seconds_sum{op=\"AssumeRole\"} 5.55\n"
            "kaic_sts_seconds_count{op=\"AssumeRole\"} 3\n");
}

// A standby replica never sets its leader gauge: it must still read 0, or
// max(kube_aws_iam_controller_leader) has nothing to compare when none leads.
TEST(MetricsTest, AFamilyWithoutLabelsIsExportedAtZeroFromRegistration) {
  Registry registry;
  registry.gauge("kaic_leader", "1 when leading.");
  registry.counter("kaic_errors_total", "Errors.");
  registry.histogram("kaic_seconds", "Latency.", {}, {0.1});
  registry.gauge("kaic_validity", "Per role.", {"name"});
  EXPECT_EQ(registry.render(),
            "# HELP kaic_leader 1 when leading.\n"
            "# TYPE kaic_leader gauge\n"
            "kaic_leader 0\n"
            "# HELP kaic_errors_total Errors.\n"
            "# TYPE kaic_errors_total counter\n"
            "kaic_errors_total 0\n"
            "# HELP kaic_seconds Latency.\n"
            "# TYPE kaic_seconds histogram\n"
            "kaic_seconds_bucket{le=\"0.1\"} 0\n"
            "kaic_seconds_bucket{le=\"+Inf\"} 0\n"
            "kaic_seconds_sum 0\n"
            "kaic_seconds_count 0\n"
            "# HELP kaic_validity Per role.\n"
            "# TYPE kaic_validity gauge\n");
}

TEST(MetricsTest, EscapesLabelValues) {
  Registry registry;
  registry.gauge("g", "h", {"name"}).set({"a\"b\\c\nd"}, 2);
  EXPECT_NE(registry.render().find("g{name=\"a\\\"b\\\\c\\nd\"} 2\n"), std::string::npos);
}

TEST(MetricsTest, GaugeSeriesCanBeRemoved) {
  Registry registry;
  Gauge& g = registry.gauge("validity", "h", {"namespace", "name"});
  g.set({"ns", "a"}, 10);
  g.erase({"ns", "a"});
  EXPECT_EQ(registry.render().find("validity{"), std::string::npos);
}

}  // namespace
}  // namespace metrics
