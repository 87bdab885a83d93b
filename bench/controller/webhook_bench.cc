// The admission webhook under load, as the API server drives it: pod CREATE
// reviews over HTTPS (kept-alive connections, one per client thread) at a
// fixed rate against the binary's WebhookServer + PodWebhook, with the
// namespace's AWSIAMRoles and ServiceAccounts in the caches. Open loop: each
// request has a scheduled send time, and its latency runs from that time, so
// queueing behind a slow answer counts. Role creation goes to a writer that
// only counts (the apiserver is not what is measured here).
//
//   webhook_bench [rate per second = 200] [seconds = 10] [roles in the namespace = 1000]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "controller/loop/pod_webhook.h"
#include "controller/process/webhook_server.h"
#include "pkg/http/http1_transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/log.h"
#include "pkg/util/strings.h"

namespace {

using controller::AwsIamRole;
using SteadyClock = std::chrono::steady_clock;

// Counts creates; answers as an apiserver would.
class CountingWriter final : public controller::ObjectWriter {
 public:
  util::StatusOr<kube::Object> create(const kube::Resource&, const kube::Object& object,
                                      const std::stop_token&) override {
    creates.fetch_add(1);
    return object;
  }
  util::StatusOr<kube::Object> get(const kube::Resource&, std::string_view, std::string_view,
                                   const std::stop_token&) override {
    return util::not_found_error("not here");
  }
  util::StatusOr<kube::Object> merge_patch(const kube::Resource&, std::string_view,
                                           std::string_view, std::string_view, std::string_view,
                                           const std::stop_token&) override {
    return util::unimplemented_error("not here");
  }
  util::Status remove(const kube::Resource&, std::string_view, std::string_view, std::string_view,
                      const std::stop_token&) override {
    return util::unimplemented_error("not here");
  }
  std::atomic<int64_t> creates{0};
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1,
                         static_cast<size_t>(p * static_cast<double>(values.size())))];
}

std::string review(int n, int roles) {
  // Most pods name a role that has its AWSIAMRole; one in ten a new one.
  const std::string role =
      n % 10 == 0 ? util::cat("new/role-", n) : util::cat("team/role-", n % roles);
  return util::cat(
      R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u-)",
      n, R"(", "kind": {"group": "", "version": "v1", "kind": "Pod"},
      "resource": {"group": "", "version": "v1", "resource": "pods"},
      "namespace": "team", "operation": "CREATE", "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
      "object": {"apiVersion": "v1", "kind": "Pod",
        "metadata": {"generateName": "app-", "namespace": "team", "labels": {"app": "app"},
                     "annotations": {"iam.amazonaws.com/role": ")",
      role, R"("}},
        "spec": {"serviceAccountName": "app", "containers": [
          {"name": "app", "image": "registry.example/app:1.0", "env": [{"name": "LOG_LEVEL", "value": "info"}],
           "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]},
          {"name": "proxy", "image": "registry.example/proxy:1.0"}],
          "volumes": [{"name": "kube-api-access", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]}}}})");
}

}  // namespace

int main(int argc, char** argv) {
  // The webhook's INFO lines are not the subject.
  util::log::configure({.min_severity = util::log::Severity::kWarning});
  const int rate = argc > 1 ? std::atoi(argv[1]) : 200;    // NOLINT(cert-err34-c)
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;  // NOLINT(cert-err34-c)
  const int roles = argc > 3 ? std::atoi(argv[3]) : 1000;  // NOLINT(cert-err34-c)
  if (rate < 1 || seconds < 1 || roles < 1) {
    std::fprintf(stderr, "usage: webhook_bench [rate/s] [seconds] [roles]\n");
    return 2;
  }

  // A serving certificate, as cert-manager would mount it.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / util::cat("kaic-webhook-bench-", getpid());
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "tls.crt").string();
  const std::string key = (dir / "tls.key").string();
  const std::string openssl = util::cat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
      "-subj /CN=webhook -addext subjectAltName=IP:127.0.0.1 -keyout ",
      key, " -out ", cert, " 2>/dev/null");
  if (std::system(openssl.c_str()) != 0) {  // NOLINT(concurrency-mt-unsafe)
    std::fprintf(stderr, "webhook_bench: openssl failed\n");
    return 1;
  }

  // The caches: the namespace's AWSIAMRoles and its ServiceAccount.
  kube::Store<AwsIamRole> role_cache;
  for (int i = 0; i < roles; ++i) {
    AwsIamRole role{.name = util::cat("role-", i), .namespace_ = "team", .uid = util::cat("u", i)};
    role.spec.role_reference = util::cat("team/role-", i);
    role_cache.upsert(std::make_shared<const AwsIamRole>(std::move(role)));
  }
  kube::Store<controller::ServiceAccountView> accounts;
  accounts.upsert(std::make_shared<const controller::ServiceAccountView>(
      controller::ServiceAccountView{.namespace_ = "team", .name = "app"}));
  kube::Store<controller::NamespaceView> namespaces;
  util::RealClock clock;
  CountingWriter writer;
  controller::RoleCreator creator(writer, clock);
  const aws::BaseRoleArn base = aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/").value();
  controller::PodWebhookOptions options;
  options.wiring.base_role_arn = &base;
  const controller::PodWebhook webhook(role_cache, accounts, namespaces, creator, options);
  auto files = tls::KeyPairFiles::load(cert, key, absl::Seconds(10), clock);
  if (!files.ok()) {
    std::fprintf(stderr, "webhook_bench: %s\n", files.status().to_string().c_str());
    return 1;
  }
  auto server = controller::WebhookServer::start(
      {.host = "127.0.0.1", .port = 0}, [&files] { return (*files)->current(); },
      [&](std::string_view body) -> controller::WebhookServer::Answer {
        controller::PodWebhook::Answer answer = webhook.review(body);
        return {.http_status = answer.http_status, .body = std::move(answer.body)};
      });
  if (!server.ok()) {
    std::fprintf(stderr, "webhook_bench: %s\n", server.status().to_string().c_str());
    return 1;
  }
  std::jthread creating([&](const std::stop_token& stop) { creator.run(stop); });
  const std::string url = util::cat("https://127.0.0.1:", (*server)->port(), "/mutate-pods");

  // Open loop: request n is due at start + n / rate, on one of the clients.
  const int total = rate * seconds;
  const int clients = 8;
  std::vector<double> latency_ms(static_cast<size_t>(total), 0);
  std::atomic<int> errors{0};
  const SteadyClock::time_point start = SteadyClock::now() + std::chrono::milliseconds(200);
  const double cpu_before = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  std::vector<std::jthread> threads;
  threads.reserve(clients);
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto transport = http::Http1Transport::create({.tls = {.ca_file = cert}});
      if (!transport.ok()) {
        errors.fetch_add(1);
        return;
      }
      for (int n = c; n < total; n += clients) {
        const SteadyClock::time_point due =
            start + std::chrono::microseconds(static_cast<int64_t>(1e6 * n / rate));
        std::this_thread::sleep_until(due);
        http::Request request{.method = http::Method::kPost, .url = url};
        request.headers.add("Content-Type", "application/json");
        request.body = review(n, roles);
        const auto answer = (*transport)->send(request);
        latency_ms[static_cast<size_t>(n)] =
            std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count();
        if (!answer.ok() || answer->status != 200) errors.fetch_add(1);
      }
    });
  }
  threads.clear();
  const double cpu_s = static_cast<double>(std::clock()) / CLOCKS_PER_SEC - cpu_before;
  (*server)->stop();

  std::printf(
      "admission webhook, %d pod creates/s for %d s over HTTPS (%d kept-alive clients), "
      "%d AWSIAMRoles in the namespace, 1 in 10 pods naming a new role\n",
      rate, seconds, clients, roles);
  std::printf(
      "  latency from the scheduled send: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      percentile(latency_ms, 0.50), percentile(latency_ms, 0.90), percentile(latency_ms, 0.99),
      percentile(latency_ms, 1.0));
  std::printf(
      "  errors %d; AWSIAMRoles queued for creation %lld; process CPU %.1f us per review "
      "(clients included)\n",
      errors.load(),
      static_cast<long long>(writer.creates.load()) + static_cast<long long>(creator.pending()),
      1e6 * cpu_s / total);
  std::filesystem::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
