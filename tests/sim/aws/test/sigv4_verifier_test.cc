// The simulator's SigV4 verifier: Authorization parsing and signature
// recomputation, against requests pkg/aws's signer signed.
#include "tests/sim/aws/sigv4_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/aws/example_credentials.h"

namespace sim::aws {
namespace {

using ::aws::Credentials;
using ::aws::sigv4::sign_request;
using ::aws::sigv4::signable_request;
using ::aws::sigv4::SignableRequest;
using ::aws::testing::example_credentials;
using ::testing::HasSubstr;
using util::StatusCode;

constexpr absl::Time kTime = absl::FromUnixSeconds(1440938160);  // 2015-08-30T12:36:00Z

TEST(SigV4VerifierTest, ParsesAuthorization) {
  const util::StatusOr<Authorization> a = parse_authorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(a->date_stamp, "20150830");
  EXPECT_EQ(a->region, "us-east-1");
  EXPECT_EQ(a->service, "sts");
  EXPECT_EQ(a->signed_headers, (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_EQ(a->scope(), "20150830/us-east-1/sts/aws4_request");

  const std::string sig = "Signature=" + std::string(64, 'a');
  struct Row {
    std::string header;
    std::string want;
  };
  const Row rows[] = {
      {"AWS4-HMAC-SHA1 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, " + sig,
       "does not use AWS4-HMAC-SHA256"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s, SignedHeaders=host, " + sig,
       "Credential must be"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws5_request, SignedHeaders=host, " + sig,
       "must end in aws4_request"},
      {"AWS4-HMAC-SHA256 Credential=A/2015-08-30/r/s/aws4_request, SignedHeaders=host, " + sig,
       "is not YYYYMMDD"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=Host, " + sig,
       "must be lowercase"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=x;host, " + sig,
       "must be sorted"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, Signature=abc",
       "64 lowercase hex"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, " + sig, "no SignedHeaders"},
      {"AWS4-HMAC-SHA256 SignedHeaders=host, " + sig, "no Credential"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host",
       "no Signature"},
      {"AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host, " + sig +
           ", Extra=1",
       "unknown component 'Extra'"},
  };
  for (const Row& row : rows) {
    const util::Status status = parse_authorization(row.header).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << row.header;
    EXPECT_THAT(status.message(), HasSubstr(row.want)) << row.header;
  }
}

TEST(SigV4VerifierTest, RecomputesAndDetectsTampering) {
  http::Request r;
  r.method = http::Method::kPost;
  r.url = "http://127.0.0.1:4566/";
  r.body = "Action=AssumeRole&Version=2011-06-15&RoleArn=x";
  r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  const Credentials creds = example_credentials("session");
  ASSERT_TRUE(sign_request(r, creds, kTime, {.region = "us-east-1", .service = "sts"}).ok());

  // What the server sees: the headers as sent plus the Host curl adds.
  auto received = [](const http::Request& req) { return *signable_request(req); };
  const Authorization auth = *parse_authorization(*r.headers.get("Authorization"));
  const std::string amz_date(*r.headers.get("X-Amz-Date"));
  const util::StatusOr<Recomputed> same =
      recompute_signature(received(r), auth, amz_date, creds.secret_access_key);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(signatures_equal(same->signature, auth.signature));

  http::Request body_changed = r;
  body_changed.body += "&DurationSeconds=43200";
  EXPECT_FALSE(signatures_equal(
      recompute_signature(received(body_changed), auth, amz_date, creds.secret_access_key)
          ->signature,
      auth.signature));
  http::Request token_changed = r;
  token_changed.headers.set("X-Amz-Security-Token", "other");
  EXPECT_FALSE(signatures_equal(
      recompute_signature(received(token_changed), auth, amz_date, creds.secret_access_key)
          ->signature,
      auth.signature));
  EXPECT_FALSE(signatures_equal(
      recompute_signature(received(r), auth, amz_date, util::SecretString("wrong"))->signature,
      auth.signature));
  SignableRequest header_dropped = received(r);
  std::erase_if(header_dropped.headers, [](const auto& h) { return h.first == "Content-Type"; });
  EXPECT_EQ(
      recompute_signature(header_dropped, auth, amz_date, creds.secret_access_key).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_FALSE(signatures_equal("abc", "abcd"));
}

}  // namespace
}  // namespace sim::aws
