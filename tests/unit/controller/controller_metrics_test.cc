#include "controller/loop/controller_metrics.h"

#include <gtest/gtest.h>

#include "pkg/tls/certificates.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// Dashboards for Kubernetes controllers query these names and labels.
TEST(ControllerMetricsTest, ExportsClientGoAndControllerRuntimeNames) {
  metrics::Registry registry;
  ControllerMetrics m(registry, {.version = "1.2.3", .revision = "abc"});
  m.queue.on_add();
  m.queue.on_get(absl::Milliseconds(3));
  m.queue.on_done(absl::Milliseconds(40));
  m.queue.on_retry();
  m.reconciled({Effect::kIssued, Done{.look_again_at = absl::FromUnixSeconds(1'800'000'000)}},
               absl::Milliseconds(40));
  m.reconciled({Effect::kFailed, Retry{.error = util::unavailable_error("throttled")}},
               absl::Milliseconds(2));
  m.reconciled({Effect::kInvalid, Blocked{.error = util::invalid_argument_error("no spec")}},
               absl::Milliseconds(1));
  const std::string text = registry.render();
  for (
      const char* line : {
          R"(workqueue_adds_total{name="awsiamrole",controller="awsiamrole"} 1)",
          R"(workqueue_retries_total{name="awsiamrole",controller="awsiamrole"} 1)",
          R"(workqueue_queue_duration_seconds_bucket{name="awsiamrole",controller="awsiamrole",le="0.01"} 1)",
          R"(workqueue_queue_duration_seconds_bucket{name="awsiamrole",controller="awsiamrole",le="0.001"} 0)",
          R"(workqueue_work_duration_seconds_count{name="awsiamrole",controller="awsiamrole"} 1)",
          R"(controller_runtime_reconcile_total{controller="awsiamrole",result="requeue_after"} 1)",
          R"(controller_runtime_reconcile_total{controller="awsiamrole",result="error"} 2)",
          R"(controller_runtime_reconcile_errors_total{controller="awsiamrole"} 2)",
          R"(controller_runtime_terminal_reconcile_errors_total{controller="awsiamrole"} 1)",
          R"(controller_runtime_reconcile_time_seconds_count{controller="awsiamrole"} 3)",
          R"(kube_aws_iam_controller_build_info{version="1.2.3",revision="abc"} 1)",
          R"(kube_aws_iam_controller_reconciles_total{result="issued"} 1)",
          R"(kube_aws_iam_controller_reconciles_total{result="invalid"} 1)",
          R"(kube_aws_iam_controller_leader 0)",
      }) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
  }
}

TEST(ControllerMetricsTest, CountsAdmissionReviewsByResultAndTheirWarnings) {
  metrics::Registry registry;
  ControllerMetrics m(registry, {.version = "1.2.3", .revision = "abc"});
  m.admitted(AdmissionResult::kWired, 2, absl::Microseconds(300));
  m.admitted(AdmissionResult::kWired, 0, absl::Microseconds(200));
  m.admitted(AdmissionResult::kNotSynced, 0, absl::Microseconds(1));
  const std::string text = registry.render();
  for (const char* line : {
           R"(kube_aws_iam_controller_admission_reviews_total{result="wired"} 2)",
           R"(kube_aws_iam_controller_admission_reviews_total{result="not_synced"} 1)",
           R"(kube_aws_iam_controller_admission_warnings_total 2)",
           R"(kube_aws_iam_controller_admission_duration_seconds_count 3)",
       }) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
  }
}

TEST(ControllerMetricsTest, ExportsTheServedWebhookCertificatesValidity) {
  metrics::Registry registry;
  ControllerMetrics m(registry, {.version = "1.2.3", .revision = "abc"});
  std::shared_ptr<const tls::KeyPair> served;
  m.observe_webhook_certificate([&] { return served; }, nullptr);
  EXPECT_NE(registry.render().find(
                "kube_aws_iam_controller_webhook_certificate_not_after_timestamp_seconds 0\n"),
            std::string::npos)
      << "none served yet";

  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  const tls::Issued ca = tls::make_certificate_authority("ca", now, absl::Hours(24)).value();
  const tls::Issued issued =
      tls::issue_serving_certificate(ca, std::vector<std::string>{"w.iam.svc"}, now, absl::Hours(2))
          .value();
  served = tls::parse_key_pair(issued.certificate.pem, issued.key_pem).value();
  const std::string text = registry.render();
  for (const std::string& line :
       {util::cat("kube_aws_iam_controller_webhook_certificate_not_after_timestamp_seconds ",
                  absl::ToUnixSeconds(now + absl::Hours(2))),
        util::cat("kube_aws_iam_controller_webhook_certificate_not_before_timestamp_seconds ",
                  absl::ToUnixSeconds(now - absl::Hours(1)))}) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("kube_aws_iam_controller_webhook_ca_bundle_current"), std::string::npos)
      << "only with the controller's own certificates";
}

}  // namespace
}  // namespace controller
