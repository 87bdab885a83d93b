// AssumeRoleWithWebIdentity: unsigned, token-authenticated, never chained.
#include <gtest/gtest.h>

#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

class WebIdentityTest : public SimFixture {
 protected:
  StsAnswer assume_web(std::string_view role, std::string_view token, ParamList extra = {}) {
    ParamList params = {{"Action", "AssumeRoleWithWebIdentity"},
                        {"Version", "2011-06-15"},
                        {"RoleArn", std::string(role)},
                        {"RoleSessionName", "irsa"},
                        {"WebIdentityToken", std::string(token)}};
    params.insert(params.end(), extra.begin(), extra.end());
    return read_answer(sim_->sts().handle(unsigned_sts_request(params)));
  }
};

TEST_F(WebIdentityTest, AcceptedTokenAssumesTrustingRole) {
  const StsAnswer a = assume_web(kWebRole, kWebToken, {{"DurationSeconds", "7200"}});
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.root, "AssumeRoleWithWebIdentityResponse");
  EXPECT_EQ(a.get("SubjectFromWebIdentityToken"), "system:serviceaccount:kube-system:kaic");
  EXPECT_EQ(a.get("Audience"), "sts.amazonaws.com");
  EXPECT_EQ(a.get("Provider"), "arn:aws:iam::123456789012:oidc-provider/oidc.sim.local");
  EXPECT_EQ(a.get("AssumedRoleUser/Arn"), "arn:aws:sts::123456789012:assumed-role/web/irsa");
  EXPECT_EQ(a.get("Credentials/Expiration"), "2027-01-15T10:00:00Z");
  // The session works for signed calls and counts as a role session (chaining).
  const ::aws::Credentials session = credentials_from(a);
  EXPECT_EQ(caller_identity(session).get("Arn"), "arn:aws:sts::123456789012:assumed-role/web/irsa");
}

TEST_F(WebIdentityTest, UnknownTokenIsInvalidIdentityToken) {
  const StsAnswer a = assume_web(kWebRole, "some-other-token");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "InvalidIdentityToken");
}

TEST_F(WebIdentityTest, RoleNotTrustingWebIdentityIsAccessDenied) {
  const StsAnswer a = assume_web(kAppRole, kWebToken);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "AccessDenied");
  EXPECT_EQ(a.message(), "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

TEST_F(WebIdentityTest, ValidationNeverEchoesTheToken) {
  const StsAnswer a = assume_web(kWebRole, "abc");
  EXPECT_EQ(a.code(), "ValidationError");
  EXPECT_EQ(a.message(),
            "1 validation error detected: Value at 'webIdentityToken' failed to satisfy "
            "constraint: Member must have length greater than or equal to 4");
}

TEST_F(WebIdentityTest, DurationAboveRoleMaxIsRejected) {
  EXPECT_EQ(assume_web(kWebRole, kWebToken, {{"DurationSeconds", "7201"}}).message(),
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

}  // namespace
}  // namespace sim::aws::testing
