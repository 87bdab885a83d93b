// When the webhook's own CA is made, rotated with overlap and forgotten, and
// when a serving certificate is renewed: the pure decisions, on certificates
// with real lifetimes.
#include "controller/domain/webhook_ca.h"

#include <gtest/gtest.h>

namespace controller {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kDay = absl::Hours(24);

class WebhookCaTest : public ::testing::Test {
 protected:
  static tls::Issued ca_made_at(absl::Time t) {
    return tls::make_certificate_authority("ca", t, WebhookCaPolicy().ca_lifetime).value();
  }
  WebhookCa created() { return apply_ca_step(std::nullopt, CaStep::kCreate, ca_made_at(kT0), kT0); }
  static std::set<std::string> fingerprints(const WebhookCa& ca) {
    std::set<std::string> out;
    for (const tls::Certificate& c : ca.trusted)
      out.insert(c.fingerprint);
    return out;
  }
  WebhookCaPolicy policy_;
};

TEST_F(WebhookCaTest, NoCaMakesOneThatIsTrustedAndSigns) {
  EXPECT_EQ(next_ca_step(nullptr, nullptr, kT0, policy_), CaStep::kCreate);
  const WebhookCa ca = created();
  ASSERT_EQ(ca.trusted.size(), 1U);
  EXPECT_EQ(ca.trusted[0].fingerprint, ca.signing.certificate.fingerprint);
  const std::set<std::string> trusted = fingerprints(ca);
  EXPECT_EQ(next_ca_step(&ca, &trusted, kT0 + 365 * kDay, policy_), CaStep::kNone);
}

TEST_F(WebhookCaTest, ARotationTrustsTheNextCaBeforeItSignsAndForgetsTheOldOneAtItsEnd) {
  WebhookCa ca = created();
  const std::string first = ca.signing.certificate.fingerprint;
  const absl::Time rotate =
      ca.signing.certificate.not_before +
      (ca.signing.certificate.not_after - ca.signing.certificate.not_before) * 2 / 3;
  std::set<std::string> in_bundle = fingerprints(ca);
  EXPECT_EQ(next_ca_step(&ca, &in_bundle, rotate - absl::Seconds(1), policy_), CaStep::kNone);
  ASSERT_EQ(next_ca_step(&ca, &in_bundle, rotate, policy_), CaStep::kAddNext);
  ca = apply_ca_step(ca, CaStep::kAddNext, ca_made_at(rotate), rotate);
  EXPECT_EQ(ca.signing.certificate.fingerprint, first) << "the old CA keeps signing";
  EXPECT_EQ(ca.trusted.size(), 2U);

  // Not yet in the apiserver's caBundle: never promoted, however long it waits.
  EXPECT_EQ(next_ca_step(&ca, &in_bundle, rotate + 30 * kDay, policy_), CaStep::kNone);
  EXPECT_EQ(next_ca_step(&ca, nullptr, rotate + 30 * kDay, policy_), CaStep::kNone)
      << "no configuration known";
  in_bundle = fingerprints(ca);
  EXPECT_EQ(next_ca_step(&ca, &in_bundle, rotate + absl::Hours(1), policy_), CaStep::kNone)
      << "in the caBundle, but not every apiserver may have seen it yet";
  ASSERT_EQ(next_ca_step(&ca, &in_bundle, rotate + kDay, policy_), CaStep::kPromoteNext);
  ca = apply_ca_step(ca, CaStep::kPromoteNext, std::nullopt, rotate + kDay);
  EXPECT_NE(ca.signing.certificate.fingerprint, first);
  EXPECT_FALSE(ca.next.has_value());
  EXPECT_EQ(ca.trusted.size(), 2U) << "the old CA stays trusted: replicas serve what it signed";

  const absl::Time old_end = ca.trusted[0].not_after;
  EXPECT_EQ(next_ca_step(&ca, &in_bundle, old_end - absl::Seconds(1), policy_), CaStep::kNone);
  ASSERT_EQ(next_ca_step(&ca, &in_bundle, old_end, policy_), CaStep::kForgetExpired);
  ca = apply_ca_step(ca, CaStep::kForgetExpired, std::nullopt, old_end);
  ASSERT_EQ(ca.trusted.size(), 1U);
  EXPECT_EQ(ca.trusted[0].fingerprint, ca.signing.certificate.fingerprint);
}

TEST_F(WebhookCaTest, AnExpiredSigningCaIsReplacedAtOnce) {
  const WebhookCa ca = created();
  const std::set<std::string> in_bundle = fingerprints(ca);
  EXPECT_EQ(next_ca_step(&ca, &in_bundle, ca.signing.certificate.not_after, policy_),
            CaStep::kCreate)
      << "a controller that was down past the end";
}

TEST_F(WebhookCaTest, AServingCertificateIsRenewedTwoThirdsInAndWhenItsCaChanged) {
  const WebhookCa ca = created();
  EXPECT_TRUE(serving_certificate_due(nullptr, "", ca, kT0));
  const std::vector<std::string> hosts = {"w.iam.svc"};
  const tls::Issued serving =
      tls::issue_serving_certificate(ca.signing, hosts, kT0, policy_.serving_lifetime).value();
  const std::string& by = ca.signing.certificate.fingerprint;
  EXPECT_FALSE(serving_certificate_due(&serving.certificate, by, ca, kT0 + 59 * kDay));
  EXPECT_TRUE(serving_certificate_due(&serving.certificate, by, ca, kT0 + 60 * kDay));
  EXPECT_TRUE(serving_certificate_due(&serving.certificate, "another CA", ca, kT0));
}

TEST_F(WebhookCaTest, TheSecretDataRoundTripsAndNamesWhatIsMissing) {
  WebhookCa ca = created();
  ca = apply_ca_step(ca, CaStep::kAddNext, ca_made_at(kT0), kT0);
  SecretData data = webhook_ca_data(ca);
  EXPECT_EQ(data.size(), 5U);
  auto parsed = parse_webhook_ca(data);
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(parsed->signing.certificate.fingerprint, ca.signing.certificate.fingerprint);
  EXPECT_EQ(parsed->next->certificate.fingerprint, ca.next->certificate.fingerprint);
  EXPECT_EQ(parsed->signing.key_pem.reveal(), ca.signing.key_pem.reveal());
  EXPECT_EQ(parsed->trusted.size(), 2U);
  data.erase(std::string(kSigningKeyKey));
  EXPECT_EQ(parse_webhook_ca(data).status().message(), "no tls.key");
}

}  // namespace
}  // namespace controller
