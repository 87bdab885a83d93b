// The webhook's own certificates against the Kubernetes API simulator: the
// first replica makes the CA Secret and sets the MutatingWebhookConfiguration's
// caBundle, every replica serves a certificate the apiserver would trust for
// the Service's name, and a CA rotation keeps every served certificate
// trusted at every step, with time driven by a fake clock.
#include "controller/loop/webhook_certificates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "absl/time/clock.h"
#include "pkg/http/http1_transport.h"
#include "pkg/kube/config.h"
#include "pkg/kube/secret.h"
#include "pkg/util/base64.h"
#include "pkg/util/openssl_ptr.h"
#include "tests/sim/kube/server.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

using ::testing::HasSubstr;
namespace json = kube::json;

constexpr absl::Duration kDays = absl::Hours(24);
constexpr std::string_view kHost = "kube-aws-iam-controller-webhook.iam.svc";

// "" when a TLS client trusting `bundle_pem` accepts `pair` for kHost at `at`.
std::string verify(const std::string& bundle_pem, const tls::KeyPair& pair, absl::Time at) {
  util::openssl::X509StorePtr store(X509_STORE_new());
  util::openssl::BioPtr bio(
      BIO_new_mem_buf(bundle_pem.data(), static_cast<int>(bundle_pem.size())));
  while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store.get(), ca);
    X509_free(ca);
  }
  util::openssl::X509StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), pair.chain.front().get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(param, absl::ToTimeT(at));
  X509_VERIFY_PARAM_set1_host(param, kHost.data(), kHost.size());
  if (X509_verify_cert(context.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

class WebhookCertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = sim::kube::Server::create({});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->start().ok());
    transport_ = *http::Http1Transport::create({});
    client_ =
        std::make_unique<kube::RestClient>(*kube::config_from_url(server_->url()), *transport_,
                                           real_clock_, kube::RestClientOptions{.qps = 0});
    ASSERT_TRUE(client_
                    ->create(kube::Resource::namespaces(),
                             *kube::Object::parse(R"({"metadata":{"name":"iam"}})"))
                    .ok());
  }

  void install_configuration() {
    auto created = client_->create(WebhookCertificates::configurations(), *kube::Object::parse(R"({
      "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
      "metadata": {"name": "kube-aws-iam-controller"},
      "webhooks": [
        {"name": "pods.kube-aws-iam-controller.zalando.org", "sideEffects": "NoneOnDryRun",
         "admissionReviewVersions": ["v1"], "failurePolicy": "Ignore",
         "clientConfig": {"service": {"namespace": "iam", "name": "kube-aws-iam-controller-webhook",
                                      "path": "/mutate-pods"}}},
        {"name": "other.kube-aws-iam-controller.zalando.org", "sideEffects": "None",
         "admissionReviewVersions": ["v1"],
         "clientConfig": {"service": {"namespace": "iam", "name": "kube-aws-iam-controller-webhook",
                                      "path": "/mutate-pods"}}}]})"));
    ASSERT_TRUE(created.ok()) << created.status();
  }

  std::unique_ptr<WebhookCertificates> replica() {
    return std::make_unique<WebhookCertificates>(
        *client_, clock_,
        WebhookCertificatesOptions{.namespace_ = "iam",
                                   .configuration = "kube-aws-iam-controller",
                                   .hosts = {std::string(kHost), "10.96.0.10"}});
  }

  // The caBundle of each webhook, decoded.
  std::vector<std::string> ca_bundles() {
    std::vector<std::string> out;
    auto configuration =
        client_->get(WebhookCertificates::configurations(), "", "kube-aws-iam-controller");
    EXPECT_TRUE(configuration.ok());
    for (const kube::JsonValue& webhook :
         json::find(configuration->json(), "webhooks")->GetArray()) {
      const kube::JsonValue* bundle = json::find_path(webhook, {"clientConfig", "caBundle"});
      out.push_back(bundle == nullptr
                        ? ""
                        : util::base64_decode(json::as_string(*bundle)).value_or("undecodable"));
    }
    return out;
  }

  std::string secret_key(std::string_view key) {
    auto secret =
        client_->get(kube::Resource::secrets(), "iam", "kube-aws-iam-controller-webhook-ca");
    if (!secret.ok()) return "";
    auto value = kube::SecretView(*secret).data(key);
    return value.ok() ? std::string(value->reveal()) : "";
  }

  util::RealClock real_clock_;  // the client's pacing
  util::testing::FakeClock clock_{absl::Now()};
  std::unique_ptr<sim::kube::Server> server_;
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<kube::RestClient> client_;
};

TEST_F(WebhookCertificatesTest, TheFirstRoundMakesTheCaAndEveryReplicaServesWhatTheCaBundleTrusts) {
  install_configuration();
  auto first = replica();
  ASSERT_EQ(first->current(), nullptr);
  EXPECT_FALSE(first->ca_bundle_current());

  const util::Status synced = first->sync();

  ASSERT_TRUE(synced.ok()) << synced;
  EXPECT_TRUE(first->ca_bundle_current());
  const std::string bundle = secret_key("ca.crt");
  ASSERT_FALSE(bundle.empty());
  EXPECT_THAT(ca_bundles(), ::testing::Each(bundle)) << "every webhook of the configuration";
  ASSERT_NE(first->current(), nullptr);
  EXPECT_EQ(verify(bundle, *first->current(), clock_.system_now()), "");

  const std::string version_before = std::string(
      client_->get(kube::Resource::secrets(), "iam", "kube-aws-iam-controller-webhook-ca")
          ->resource_version());
  auto second = replica();
  ASSERT_TRUE(second->sync().ok());
  EXPECT_EQ(client_->get(kube::Resource::secrets(), "iam", "kube-aws-iam-controller-webhook-ca")
                ->resource_version(),
            version_before)
      << "the second replica uses the CA as it is";
  EXPECT_EQ(verify(bundle, *second->current(), clock_.system_now()), "");
}

TEST_F(WebhookCertificatesTest, ACaRotationKeepsEveryServedCertificateTrustedAtEveryStep) {
  install_configuration();
  auto replica_a = replica();
  ASSERT_TRUE(replica_a->sync().ok());
  const std::string first_ca = secret_key("tls.crt");
  const std::string first_bundle = ca_bundles()[0];

  // Two thirds into the CA's five years: the next CA is trusted, not used.
  clock_.step(3 * 365 * kDays + 135 * kDays);
  ASSERT_TRUE(replica_a->sync().ok());
  EXPECT_EQ(secret_key("tls.crt"), first_ca);
  EXPECT_FALSE(secret_key("next.crt").empty());
  const std::string overlap_bundle = ca_bundles()[0];
  EXPECT_NE(overlap_bundle, first_bundle);
  EXPECT_EQ(verify(first_bundle, *replica_a->current(), clock_.system_now()), "")
      << "an apiserver that has not seen the new caBundle still trusts what is served";

  // A day later the next CA signs; a replica that has not renewed yet still
  // serves a certificate of the old CA, which the caBundle still trusts.
  auto replica_b = replica();
  ASSERT_TRUE(replica_b->sync().ok());
  const std::shared_ptr<const tls::KeyPair> before_promotion = replica_b->current();
  clock_.step(kDays);
  ASSERT_TRUE(replica_a->sync().ok());
  EXPECT_NE(secret_key("tls.crt"), first_ca);
  EXPECT_TRUE(secret_key("next.crt").empty());
  const std::string promoted_bundle = ca_bundles()[0];
  EXPECT_EQ(verify(promoted_bundle, *replica_a->current(), clock_.system_now()), "");
  EXPECT_EQ(verify(overlap_bundle, *replica_a->current(), clock_.system_now()), "")
      << "the new CA was in the caBundle a day before it signed";
  EXPECT_NE(verify(first_bundle, *replica_a->current(), clock_.system_now()), "")
      << "which is why the overlap is needed";
  EXPECT_EQ(verify(promoted_bundle, *before_promotion, clock_.system_now()), "");

  // The old CA's end: it leaves the bundle.
  clock_.step(2 * 365 * kDays);
  ASSERT_TRUE(replica_a->sync().ok());
  EXPECT_EQ(tls::parse_certificates(ca_bundles()[0])->size(), 1U);
  EXPECT_EQ(verify(ca_bundles()[0], *replica_a->current(), clock_.system_now()), "");
}

TEST_F(WebhookCertificatesTest, WithoutTheConfigurationTheWebhookStillServesAndTheRoundSaysWhy) {
  auto only = replica();
  const util::Status synced = only->sync();
  EXPECT_EQ(synced.code(), util::StatusCode::kNotFound);
  EXPECT_THAT(synced.message(),
              HasSubstr("MutatingWebhookConfiguration kube-aws-iam-controller not found"));
  EXPECT_FALSE(only->ca_bundle_current()) << "the metric the alert reads";
  ASSERT_NE(only->current(), nullptr);
  EXPECT_EQ(verify(secret_key("ca.crt"), *only->current(), clock_.system_now()), "");

  install_configuration();
  ASSERT_TRUE(only->sync().ok());
  EXPECT_THAT(ca_bundles(), ::testing::Each(secret_key("ca.crt")));
}

TEST_F(WebhookCertificatesTest, AnUnreadableCaSecretIsReplaced) {
  install_configuration();
  ASSERT_TRUE(client_
                  ->create(kube::Resource::secrets(),
                           kube::SecretBuilder("iam", "kube-aws-iam-controller-webhook-ca")
                               .data("ca.crt", util::SecretString("not a certificate"))
                               .build())
                  .ok());
  auto only = replica();
  ASSERT_TRUE(only->sync().ok());
  EXPECT_EQ(verify(secret_key("ca.crt"), *only->current(), clock_.system_now()), "");
}

}  // namespace
}  // namespace controller
