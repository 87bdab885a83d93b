// SigV4 authentication of STS requests: which key, which secret, which token,
// which scope, which time.
#include <gtest/gtest.h>

#include "pkg/aws/sigv4.h"
#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

constexpr std::string_view kBadSignature =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

const ParamList kWhoAmI = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};

class StsAuthTest : public SimFixture {
 protected:
  StsAnswer send(const SimRequest& request) { return read_answer(sim_->sts().handle(request)); }
};

TEST_F(StsAuthTest, UserKeyGetsItsIdentity) {
  const StsAnswer a = caller_identity(alice());
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.root, "GetCallerIdentityResponse");
  EXPECT_EQ(a.xmlns, "https://sts.amazonaws.com/doc/2011-06-15/");
  EXPECT_EQ(a.get("Arn"), kAliceArn);
  EXPECT_EQ(a.get("Account"), kAccount);
  EXPECT_TRUE(a.get("UserId").starts_with("AIDA")) << a.get("UserId");
  EXPECT_EQ(a.get("UserId").size(), 21u);
  EXPECT_EQ(a.get("ResponseMetadata/RequestId").size(), 36u);
}

TEST_F(StsAuthTest, UnknownKeyIsInvalidClientTokenId) {
  const StsAnswer a = caller_identity(user_credentials("AKIANOBODY0000000000", kAliceSecret));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.root, "ErrorResponse");
  EXPECT_EQ(a.get("Error/Type"), "Sender");
  EXPECT_EQ(a.code(), "InvalidClientTokenId");
  EXPECT_EQ(a.message(), "The security token included in the request is invalid.");
  EXPECT_EQ(a.get("RequestId").size(), 36u);
}

TEST_F(StsAuthTest, WrongSecretIsSignatureDoesNotMatch) {
  const StsAnswer a = caller_identity(user_credentials(kAliceKeyId, kBobSecret));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(a.message(), kBadSignature);
}

TEST_F(StsAuthTest, TamperedBodyIsSignatureDoesNotMatch) {
  SimRequest r = signed_sts_request({{"Action", "AssumeRole"},
                                     {"Version", "2011-06-15"},
                                     {"RoleArn", std::string(kAppRole)},
                                     {"RoleSessionName", "honest"}},
                                    alice(), clock_.system_now());
  r.body.replace(r.body.find("honest"), 6, "forged");
  const StsAnswer a = send(r);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(sim_->calls().count("AssumeRole", "Success"), 0);
}

TEST_F(StsAuthTest, TamperedSignedHeaderIsSignatureDoesNotMatch) {
  SimRequest r = signed_sts_request(kWhoAmI, alice(), clock_.system_now());
  for (auto& [name, value] : r.headers) {
    if (name == "Host") value = "sts.eu-west-1.amazonaws.com";
  }
  EXPECT_EQ(send(r).code(), "SignatureDoesNotMatch");
}

TEST_F(StsAuthTest, UnsignedHeadersMayChange) {
  SimRequest r = signed_sts_request(kWhoAmI, alice(), clock_.system_now());
  r.headers.emplace_back("User-Agent", "aws-cli/2.9.19");  // not in SignedHeaders
  EXPECT_EQ(send(r).status, 200);
}

TEST_F(StsAuthTest, QueryStringRequestIsVerified) {
  // GET with the parameters in the query string: the canonical query counts.
  SimRequest r;
  r.method = "GET";
  r.raw_path = "/";
  r.raw_query = "Version=2011-06-15&Action=GetCallerIdentity";
  r.headers = {{"Host", "sts.amazonaws.com"}};
  ::aws::sigv4::SignableRequest s;
  s.method = "GET";
  s.query = r.raw_query;
  s.headers = r.headers;
  auto signed_result = ::aws::sigv4::sign(s, alice(), clock_.system_now(),
                                          {.region = "us-east-1", .service = "sts"});
  ASSERT_TRUE(signed_result.ok());
  for (auto& h : signed_result->headers)
    r.headers.push_back(h);
  EXPECT_EQ(send(r).get("Arn"), kAliceArn);
  r.raw_query = "Version=2011-06-15&Action=GetCallerIdentity&Extra=1";
  EXPECT_EQ(send(r).code(), "SignatureDoesNotMatch");
}

TEST_F(StsAuthTest, SignatureOlderThan15MinutesIsRejected) {
  const absl::Time now = clock_.system_now();  // 2027-01-15T08:00:00Z
  EXPECT_EQ(send(signed_sts_request(kWhoAmI, alice(), now - absl::Minutes(14))).status, 200);
  const StsAnswer a = send(signed_sts_request(kWhoAmI, alice(), now - absl::Minutes(16)));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(a.message(),
            "Signature expired: 20270115T074400Z is now earlier than 20270115T074500Z "
            "(20270115T080000Z - 15 min.)");
}

TEST_F(StsAuthTest, SignatureFromTheFutureIsRejected) {
  const absl::Time now = clock_.system_now();
  const StsAnswer a = send(signed_sts_request(kWhoAmI, alice(), now + absl::Minutes(16)));
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(a.message(),
            "Signature not yet current: 20270115T081600Z is still later than 20270115T081500Z "
            "(20270115T080000Z + 15 min.)");
}

TEST_F(StsAuthTest, ScopeMustNameStsAndAnAcceptedRegion) {
  const absl::Time now = clock_.system_now();
  StsAnswer a = send(signed_sts_request(kWhoAmI, alice(), now, "us-east-1", "iam"));
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(a.message(), "Credential should be scoped to correct service: 'sts'. ");
  a = send(signed_sts_request(kWhoAmI, alice(), now, "ap-south-1"));
  EXPECT_EQ(a.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(a.message(), "Credential should be scoped to a valid region. ");
  // Configured regions ("eu-*") are accepted.
  EXPECT_EQ(send(signed_sts_request(kWhoAmI, alice(), now, "eu-central-1")).status, 200);
}

TEST_F(StsAuthTest, MissingAuthorizationIsMissingAuthenticationToken) {
  const StsAnswer a = send(unsigned_sts_request(kWhoAmI));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.code(), "MissingAuthenticationToken");
  EXPECT_EQ(a.message(), "Request is missing Authentication Token");
}

TEST_F(StsAuthTest, MalformedAuthorizationIsIncompleteSignature) {
  SimRequest r = unsigned_sts_request(kWhoAmI);
  r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAALICE00000000001");
  r.headers.emplace_back("X-Amz-Date", "20270115T080000Z");
  EXPECT_EQ(send(r).code(), "IncompleteSignature");
}

TEST_F(StsAuthTest, MissingDateIsIncompleteSignature) {
  SimRequest r = signed_sts_request(kWhoAmI, alice(), clock_.system_now());
  std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
  const StsAnswer a = send(r);
  EXPECT_EQ(a.code(), "IncompleteSignature");
  EXPECT_EQ(a.message(),
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            "header.");
}

TEST_F(StsAuthTest, IssuedSessionCredentialsAreAccepted) {
  const StsAnswer assumed = assume(kAppRole, "my-session", alice());
  ASSERT_EQ(assumed.status, 200) << assumed.message();
  const StsAnswer a = caller_identity(credentials_from(assumed));
  ASSERT_EQ(a.status, 200) << a.message();
  EXPECT_EQ(a.get("Arn"), "arn:aws:sts::123456789012:assumed-role/app/my-session");
  EXPECT_EQ(a.get("UserId"), assumed.get("AssumedRoleUser/AssumedRoleId"));
  EXPECT_TRUE(a.get("UserId").starts_with("AROA"));
  EXPECT_TRUE(a.get("UserId").ends_with(":my-session"));
}

TEST_F(StsAuthTest, SessionNeedsItsOwnToken) {
  const ::aws::Credentials first = credentials_from(assume(kAppRole, "one", alice()));
  const ::aws::Credentials second = credentials_from(assume(kAppRole, "two", alice()));
  ::aws::Credentials no_token = first;
  no_token.session_token = util::SecretString();
  EXPECT_EQ(caller_identity(no_token).code(), "InvalidClientTokenId");
  ::aws::Credentials wrong_token = first;
  wrong_token.session_token = second.session_token;
  EXPECT_EQ(caller_identity(wrong_token).code(), "InvalidClientTokenId");
}

TEST_F(StsAuthTest, LongTermKeyWithATokenIsInvalid) {
  ::aws::Credentials creds = alice();
  creds.session_token = util::SecretString("not-a-session");
  EXPECT_EQ(caller_identity(creds).code(), "InvalidClientTokenId");
}

TEST_F(StsAuthTest, ExpiredSessionIsExpiredToken) {
  const StsAnswer assumed = assume(kAppRole, "short", alice(), {{"DurationSeconds", "900"}});
  ASSERT_EQ(assumed.status, 200);
  const ::aws::Credentials session = credentials_from(assumed);
  clock_.step(absl::Seconds(899));
  EXPECT_EQ(caller_identity(session).status, 200);
  clock_.step(absl::Seconds(1));
  const StsAnswer a = caller_identity(session);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "ExpiredToken");
  EXPECT_EQ(a.message(), "The security token included in the request is expired");
  // Long after expiry the session is forgotten, as STS forgets unknown keys.
  clock_.step(absl::Hours(2));
  EXPECT_EQ(caller_identity(session).code(), "InvalidClientTokenId");
}

TEST_F(StsAuthTest, CallLogHoldsKeyIdsNeverSecrets) {
  const StsAnswer assumed = assume(kAppRole, "s1", alice());
  const std::string secret = assumed.get("Credentials/SecretAccessKey");
  const std::string token = assumed.get("Credentials/SessionToken");
  ASSERT_FALSE(secret.empty());
  const std::string json = calls_to_json(sim_->calls());
  EXPECT_NE(json.find(assumed.get("Credentials/AccessKeyId")), std::string::npos);
  EXPECT_EQ(json.find(secret), std::string::npos);
  EXPECT_EQ(json.find(token), std::string::npos);
  EXPECT_EQ(json.find(kAliceSecret), std::string::npos);
}

}  // namespace
}  // namespace sim::aws::testing
