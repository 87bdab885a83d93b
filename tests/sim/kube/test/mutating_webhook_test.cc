// The apiserver's mutating admission webhooks as kube-sim calls them: which
// writes reach a webhook (rules, namespaceSelector, objectSelector), what it
// is sent, how its patch, warnings and refusals come back, failurePolicy on
// a webhook that is down, distrusted or too slow, dry runs, Services, and
// the validation and defaults of MutatingWebhookConfiguration itself.
#include <httplib.h>

#include <future>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/base64.h"
#include "pkg/util/mutex.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"
#include "tests/sim/kube/tls_certificate.h"

namespace sim::kube {
namespace {

using ::testing::HasSubstr;
using testing::TestClient;

constexpr const char* kConfigurationsPath =
    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
constexpr const char* kWebhookSans = "IP:127.0.0.1,DNS:pod-webhook.tools.svc";

// An HTTPS admission webhook on 127.0.0.1 that records each review and
// answers with `respond` (the review's request in, the response object out).
class FakeWebhook {
 public:
  using Responder = std::function<std::string(const json::Value& request)>;

  explicit FakeWebhook(const TlsCertificate& certificate)
      : server_(certificate.certificate(), certificate.private_key()) {
    server_.Post("/mutate", [this](const httplib::Request& req, httplib::Response& res) {
      auto review = json::parse(req.body);
      Responder respond;
      {
        util::MutexLock lock(mu_);
        paths_.push_back(req.target);
        reviews_.push_back(req.body);
        respond = respond_;
      }
      res.set_content(respond(*json::find(*review, "request")), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");  // listening: connections queue
    thread_ =
        std::jthread([this](const std::stop_token& /*stop*/) { server_.listen_after_bind(); });
  }
  ~FakeWebhook() { server_.stop(); }

  int port() const { return port_; }
  void respond(Responder r) {
    util::MutexLock lock(mu_);
    respond_ = std::move(r);
  }
  std::vector<std::string> reviews() {
    util::MutexLock lock(mu_);
    return reviews_;
  }
  std::vector<std::string> paths() {
    util::MutexLock lock(mu_);
    return paths_;
  }

  // A response allowing the request with `patch` (JSON Patch text, "" none).
  static std::string allow(const json::Value& request, const std::string& patch,
                           const std::string& warnings_json = "[]") {
    std::string response = util::cat(R"({"uid":)", json::quoted(json::get_string(request, "uid")),
                                     R"(,"allowed":true,"warnings":)", warnings_json);
    if (!patch.empty()) {
      response +=
          util::cat(R"(,"patchType":"JSONPatch","patch":")", util::base64_encode(patch), "\"");
    }
    return util::cat(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":)",
                     response, "}}");
  }

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::jthread thread_;
  util::Mutex mu_;
  Responder respond_ ABSL_GUARDED_BY(mu_) = [](const json::Value& request) {
    return allow(request, "");
  };
  std::vector<std::string> reviews_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> paths_ ABSL_GUARDED_BY(mu_);
};

std::string pod(const std::string& name, const std::string& labels_json = "{}") {
  return util::cat(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":)", json::quoted(name),
                   R"(,"labels":)", labels_json,
                   R"(},"spec":{"containers":[{"name":"app","image":"busybox:1.36"}]}})");
}

std::string pods_path(const std::string& ns) {
  return "/api/v1/namespaces/" + ns + "/pods";
}

class MutatingWebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto certificate = TlsCertificate::generate_self_signed(absl::Now(), kWebhookSans);
    ASSERT_TRUE(certificate.ok()) << certificate.status();
    certificate_ = std::make_unique<TlsCertificate>(*certificate);
    webhook_ = std::make_unique<FakeWebhook>(*certificate_);
    ServerOptions options;
    options.service_addresses["tools/pod-webhook"] = util::cat("127.0.0.1:", webhook_->port());
    server_ = testing::start_server(std::move(options));
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_
                  ->post("/api/v1/namespaces",
                         R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"opted-in",)"
                         R"("labels":{"inject":"enabled"}}})")
                  .status,
              201);
    ASSERT_EQ(client_->post("/api/v1/namespaces", testing::namespace_object("plain")).status, 201);
  }

  std::string ca_bundle() const { return util::base64_encode(certificate_->certificate_pem()); }

  // One webhook for pod CREATE in namespaces labelled inject=enabled.
  std::string configuration(const std::string& client_config, const std::string& extra = "") {
    return util::cat(
        R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",)",
        R"("metadata":{"name":"pods"},"webhooks":[{"name":"pods.example.com",)",
        R"("clientConfig":)", client_config,
        R"(,"rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],)",
        R"("resources":["pods"]}],"namespaceSelector":{"matchExpressions":[{"key":"inject",)",
        R"("operator":"In","values":["enabled"]}]},)",
        R"("objectSelector":{"matchExpressions":[{"key":"inject","operator":"NotIn",)",
        R"("values":["disabled"]}]},"sideEffects":"NoneOnDryRun",)",
        R"("admissionReviewVersions":["v1"])", extra, "}]}");
  }
  std::string url_config(int port) const {
    return util::cat(R"({"url":"https://127.0.0.1:)", port, R"(/mutate","caBundle":")", ca_bundle(),
                     "\"}");
  }
  void install(const std::string& config) {
    testing::Reply r = client_->post(kConfigurationsPath, config);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  std::unique_ptr<TlsCertificate> certificate_;
  std::unique_ptr<FakeWebhook> webhook_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(MutatingWebhookTest, APodInAnOptedInNamespaceIsSentAReviewAndStoredPatched) {
  install(configuration(url_config(webhook_->port())));
  webhook_->respond([](const json::Value& request) {
    return FakeWebhook::allow(
        request, R"([{"op":"add","path":"/metadata/annotations","value":{"wired":"yes"}}])",
        R"(["mounts the Secret by subPath"])");
  });

  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));

  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("Warning"), R"(299 - "mounts the Secret by subPath")");
  EXPECT_EQ(json::get_string_path(r.json(), {"metadata", "annotations", "wired"}), "yes");
  EXPECT_EQ(json::get_string_path(client_->get(pods_path("opted-in") + "/app").json(),
                                  {"metadata", "annotations", "wired"}),
            "yes");
  ASSERT_EQ(webhook_->reviews().size(), 1U);
  EXPECT_EQ(webhook_->paths()[0], "/mutate?timeout=10s") << "the default timeoutSeconds";
  auto review = json::parse(webhook_->reviews()[0]);
  ASSERT_TRUE(review.ok());
  const json::Value& request = *json::find(*review, "request");
  EXPECT_EQ(json::get_string(*review, "apiVersion"), "admission.k8s.io/v1");
  EXPECT_FALSE(json::get_string(request, "uid").empty());
  EXPECT_EQ(json::get_string(request, "operation"), "CREATE");
  EXPECT_EQ(json::get_string(request, "namespace"), "opted-in");
  EXPECT_EQ(json::get_string(request, "name"), "app");
  EXPECT_EQ(json::get_string_path(request, {"kind", "kind"}), "Pod");
  EXPECT_EQ(json::get_string_path(request, {"resource", "resource"}), "pods");
  EXPECT_NE(json::find_path(request, {"object", "spec", "containers"}), nullptr);
  EXPECT_EQ(json::get_string_path(request, {"object", "metadata", "uid"}), "")
      << "webhooks run before the system fields are set";
  const json::Value* dry_run = json::find(request, "dryRun");
  ASSERT_NE(dry_run, nullptr);
  EXPECT_FALSE(dry_run->GetBool());
}

TEST_F(MutatingWebhookTest, SelectorsKeepTheWebhookAwayFromOtherNamespacesAndOptedOutPods) {
  install(configuration(url_config(webhook_->port())));

  EXPECT_EQ(client_->post(pods_path("plain"), pod("app")).status, 201);
  EXPECT_EQ(client_->post(pods_path("opted-in"), pod("out", R"({"inject":"disabled"})")).status,
            201);
  EXPECT_EQ(client_
                ->post("/api/v1/namespaces/opted-in/configmaps",
                       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})")
                .status,
            201);

  EXPECT_TRUE(webhook_->reviews().empty());
}

TEST_F(MutatingWebhookTest, AWebhookThatIsDownFailsTheRequestUnlessItsPolicyIsIgnore) {
  int closed_port = webhook_->port();
  webhook_.reset();
  install(configuration(url_config(closed_port)));

  testing::Reply refused = client_->post(pods_path("opted-in"), pod("app"));

  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(json::get_string(refused.json(), "reason"), "InternalError");
  EXPECT_THAT(
      json::get_string(refused.json(), "message"),
      HasSubstr(util::cat(
          R"(Internal error occurred: failed calling webhook "pods.example.com": failed to call webhook: Post "https://127.0.0.1:)",
          closed_port, R"(/mutate?timeout=10s": dial tcp)")));
  EXPECT_EQ(client_->get(pods_path("opted-in") + "/app").status, 404);

  ASSERT_EQ(client_->del(std::string(kConfigurationsPath) + "/pods").status, 200);
  install(configuration(url_config(closed_port), R"(,"failurePolicy":"Ignore")"));
  testing::Reply admitted = client_->post(pods_path("opted-in"), pod("app"));
  EXPECT_EQ(admitted.status, 201) << admitted.body;
}

TEST_F(MutatingWebhookTest, ACertificateTheCaBundleDoesNotVouchForIsACallFailure) {
  auto other = TlsCertificate::generate_self_signed(absl::Now());
  ASSERT_TRUE(other.ok());
  install(configuration(util::cat(R"({"url":"https://127.0.0.1:)", webhook_->port(),
                                  R"(/mutate","caBundle":")",
                                  util::base64_encode(other->certificate_pem()), "\"}")));

  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));

  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(json::get_string(r.json(), "message"),
              HasSubstr("tls: failed to verify certificate"));
  EXPECT_TRUE(webhook_->reviews().empty());
}

TEST_F(MutatingWebhookTest, ARefusalFailsTheRequestWithTheWebhooksStatusAndKeepsItsWarnings) {
  install(configuration(url_config(webhook_->port())));
  webhook_->respond([](const json::Value& request) {
    return util::cat(
        R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":)",
        json::quoted(json::get_string(request, "uid")),
        R"(,"allowed":false,"warnings":["look here"],"status":{"code":403,"reason":"Forbidden",)",
        R"("message":"role team/app is not allowed in this namespace"}}})");
  });

  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));

  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(
      json::get_string(r.json(), "message"),
      R"(admission webhook "pods.example.com" denied the request: role team/app is not allowed in this namespace)");
  EXPECT_EQ(r.header("Warning"), R"(299 - "look here")");
}

TEST_F(MutatingWebhookTest, AnAnswerForAnotherReviewIsACallFailure) {
  install(configuration(url_config(webhook_->port())));
  webhook_->respond([](const json::Value& /*request*/) {
    return std::string(
        R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"other","allowed":true}})");
  });

  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));

  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(json::get_string(r.json(), "message"),
              HasSubstr(R"(received invalid webhook response: expected response.uid=)"));
}

TEST_F(MutatingWebhookTest, ADryRunIsSentAsOneAndStoresNothing) {
  install(configuration(url_config(webhook_->port())));
  webhook_->respond([](const json::Value& request) {
    return FakeWebhook::allow(
        request, R"([{"op":"add","path":"/metadata/annotations","value":{"wired":"yes"}}])");
  });

  testing::Reply r = client_->post(pods_path("opted-in") + "?dryRun=All", pod("app"));

  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::get_string_path(r.json(), {"metadata", "annotations", "wired"}), "yes");
  EXPECT_EQ(client_->get(pods_path("opted-in") + "/app").status, 404);
  auto review = json::parse(webhook_->reviews().at(0));
  ASSERT_TRUE(review.ok());
  EXPECT_TRUE(json::find_path(*review, {"request", "dryRun"})->GetBool());
}

TEST_F(MutatingWebhookTest, AServiceIsReachedWhereTheClusterRoutesItAndVerifiedByItsDnsName) {
  std::string service_config =
      util::cat(R"({"service":{"namespace":"tools","name":"pod-webhook","path":"/mutate"},)",
                R"("caBundle":")", ca_bundle(), "\"}");
  install(configuration(service_config));

  testing::Reply missing = client_->post(pods_path("opted-in"), pod("early"));
  EXPECT_EQ(missing.status, 500);
  EXPECT_THAT(
      json::get_string(missing.json(), "message"),
      HasSubstr(
          R"(Post "https://pod-webhook.tools.svc:443/mutate?timeout=10s": service "pod-webhook" not found)"));

  ASSERT_EQ(client_->post("/api/v1/namespaces", testing::namespace_object("tools")).status, 201);
  ASSERT_EQ(client_
                ->post("/api/v1/namespaces/tools/services",
                       R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"pod-webhook"},)"
                       R"("spec":{"ports":[{"port":443,"targetPort":9443}]}})")
                .status,
            201);
  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(webhook_->reviews().size(), 1U);
}

TEST_F(MutatingWebhookTest, AWebhookTooSlowForItsTimeoutIsACallFailure) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  install(configuration(url_config(webhook_->port()),
                        R"(,"timeoutSeconds":1,"failurePolicy":"Ignore")"));
  webhook_->respond([released](const json::Value& request) {
    released.wait();
    return FakeWebhook::allow(
        request, R"([{"op":"add","path":"/metadata/annotations","value":{"late":"yes"}}])");
  });

  testing::Reply r = client_->post(pods_path("opted-in"), pod("app"));
  release.set_value();

  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::get_string_path(r.json(), {"metadata", "annotations", "late"}), "")
      << "failurePolicy Ignore: admitted as it was";
  EXPECT_EQ(webhook_->paths().at(0), "/mutate?timeout=1s");
}

TEST_F(MutatingWebhookTest, ConfigurationsAreValidatedAndDefaultedAsTheApiserverDoes) {
  testing::Reply bad = client_->post(
      kConfigurationsPath,
      R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",)"
      R"("metadata":{"name":"bad"},"webhooks":[{"name":"pods.example","clientConfig":)"
      R"({"url":"http://127.0.0.1:1/mutate"},"admissionReviewVersions":["v1"],"timeoutSeconds":60}]})");
  EXPECT_EQ(bad.status, 422);
  std::string message = json::get_string(bad.json(), "message");
  EXPECT_THAT(message, HasSubstr("webhooks[0].name"));
  EXPECT_THAT(message, HasSubstr("webhooks[0].sideEffects: Required value"));
  EXPECT_THAT(message, HasSubstr("'https' is the only allowed URL scheme"));
  EXPECT_THAT(message, HasSubstr("the timeout value must be between 1 and 30 seconds"));

  install(configuration(url_config(webhook_->port())));
  json::Document stored = client_->get(std::string(kConfigurationsPath) + "/pods").json();
  const json::Value& webhook = (*json::find(stored, "webhooks"))[0];
  EXPECT_EQ(json::get_string(webhook, "failurePolicy"), "Fail");
  EXPECT_EQ(json::get_string(webhook, "matchPolicy"), "Equivalent");
  EXPECT_EQ(json::get_string(webhook, "reinvocationPolicy"), "Never");
  EXPECT_EQ(json::find(webhook, "timeoutSeconds")->GetInt(), 10);
  EXPECT_EQ(json::get_string((*json::find(webhook, "rules"))[0], "scope"), "*");
}

}  // namespace
}  // namespace sim::kube
