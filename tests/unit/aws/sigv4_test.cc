// The SigV4 stages one by one and the request adapter (the server side is
// the simulator's: tests/sim/aws/test/sigv4_verifier_test.cc).
#include "pkg/aws/sigv4.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/support/aws/example_credentials.h"

namespace aws::sigv4 {
namespace {

using aws::testing::example_credentials;
using ::testing::HasSubstr;
using util::StatusCode;

constexpr absl::Time kTime = absl::FromUnixSeconds(1440938160);  // 2015-08-30T12:36:00Z

TEST(SigV4Test, SigningKeyOfThePublishedExample) {
  // docs.aws.amazon.com "Examples of how to derive a signing key for Signature Version 4".
  const SigningKey key =
      derive_signing_key(util::SecretString("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "20120215",
                         "us-east-1", "iam");
  EXPECT_EQ(key.hex(), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

std::string hex(const std::array<unsigned char, 32>& bytes) {
  return util::to_hex(bytes.data(), bytes.size());
}

TEST(SigV4Test, HmacSha256OfRfc4231) {
  // RFC 4231 section 4: test cases 1, 2 and 6 (a key longer than SHA-256's
  // 64-byte block is hashed first); then an empty key and message.
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(SigV4Test, DatesAndScope) {
  EXPECT_EQ(format_amz_date(kTime), "20150830T123600Z");
  EXPECT_EQ(format_date_stamp(kTime), "20150830");
  EXPECT_EQ(parse_amz_date("20150830T123600Z").value_or(absl::InfinitePast()), kTime);
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z").ok());
  EXPECT_FALSE(parse_amz_date("20151330T123600Z").ok());
  EXPECT_EQ(credential_scope("20150830", "us-east-1", "sts"),
            "20150830/us-east-1/sts/aws4_request");
}

TEST(SigV4Test, NormalizesPaths) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/a/b/../../.."), "/");
  EXPECT_EQ(normalize_path("/a/./b//c/"), "/a/b/c/");
  EXPECT_EQ(normalize_path("/a/b/.."), "/a");
  // Non-S3 services encode the already-encoded path once more.
  EXPECT_EQ(canonical_uri("/a%20b", {}), "/a%2520b");
  EXPECT_EQ(canonical_uri("/a%20b//", {.normalize_path = false, .encode_path = false}), "/a%20b//");
}

TEST(SigV4Test, CanonicalQuery) {
  EXPECT_EQ(canonical_query(""), "");
  EXPECT_EQ(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(canonical_query("k=a%20b&k2=a+b&&"), "k=a%20b&k2=a%2Bb");
  EXPECT_EQ(canonical_query("X-Amz-Credential=AKID%2F2015"), "X-Amz-Credential=AKID%2F2015");
}

TEST(SigV4Test, CanonicalHeaders) {
  const HeaderList headers = {{"Host", "h"}, {"My-Header", "  a   b  "}, {"my-header", "c"}};
  const util::StatusOr<CanonicalHeaders> c = canonical_headers(headers, {"my-header", "HOST"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->block, "host:h\nmy-header:a b,c\n");
  EXPECT_EQ(c->signed_headers, "host;my-header");
  EXPECT_THAT(canonical_headers(headers, {"x-amz-date"}).status().message(),
              HasSubstr("signed header 'x-amz-date' is not present"));
  EXPECT_EQ(default_signed_header_names({{"User-Agent", "x"},
                                         {"Host", "h"},
                                         {"Expect", "100"},
                                         {"X-Amzn-Trace-Id", "t"},
                                         {"Content-Type", "c"}}),
            (std::vector<std::string>{"content-type", "host"}));
}

TEST(SigV4Test, SignableRequestFromUrl) {
  struct Row {
    std::string url;
    std::string host, path, query;
  };
  const Row rows[] = {
      {"https://sts.amazonaws.com", "sts.amazonaws.com", "/", ""},
      {"https://sts.amazonaws.com:443/", "sts.amazonaws.com", "/", ""},
      {"http://127.0.0.1:8080/a/b?x=1&y", "127.0.0.1:8080", "/a/b", "x=1&y"},
      {"http://h:80?q", "h", "/", "q"},
      {"http://[::1]:9000/p#frag", "[::1]:9000", "/p", ""},
      {"https://user@h/p", "h", "/p", ""},
  };
  for (const Row& row : rows) {
    http::Request r;
    r.url = row.url;
    const util::StatusOr<SignableRequest> s = signable_request(r);
    ASSERT_TRUE(s.ok()) << row.url << ": " << s.status();
    ASSERT_EQ(s->headers.size(), 1u);
    EXPECT_EQ(s->headers[0].second, row.host) << row.url;
    EXPECT_EQ(s->path, row.path) << row.url;
    EXPECT_EQ(s->query, row.query) << row.url;
    EXPECT_EQ(s->payload_hash, kEmptyPayloadHash);
  }
  http::Request relative;
  relative.url = "/path";
  EXPECT_EQ(signable_request(relative).status().code(), StatusCode::kInvalidArgument);
}

TEST(SigV4Test, SignReplacesStaleHeadersAndSignsTheToken) {
  SignableRequest request;
  request.method = "POST";
  request.headers = {{"Host", "sts.amazonaws.com"},
                     {"X-Amz-Date", "19990101T000000Z"},
                     {"Authorization", "stale"},
                     {"User-Agent", "not signed"}};
  const util::StatusOr<SigningResult> r =
      sign(request, example_credentials("tok"), kTime, {.region = "us-east-1", .service = "sts"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->signed_headers, "host;x-amz-date;x-amz-security-token");
  ASSERT_EQ(r->headers.size(), 3u);
  EXPECT_EQ(r->headers[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20150830T123600Z"}));
  EXPECT_EQ(r->headers[1], (std::pair<std::string, std::string>{"X-Amz-Security-Token", "tok"}));
  EXPECT_EQ(r->headers[2].first, "Authorization");
  EXPECT_THAT(r->canonical_request, HasSubstr("x-amz-date:20150830T123600Z\n"));
  EXPECT_THAT(r->canonical_request, ::testing::Not(HasSubstr("19990101")));
}

TEST(SigV4Test, SignErrors) {
  SignableRequest request;
  request.headers = {{"Host", "h"}};
  Credentials no_secret = example_credentials();
  no_secret.secret_access_key = util::SecretString();
  EXPECT_EQ(sign(request, no_secret, kTime, {.region = "r", .service = "s"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(sign(request, example_credentials(), kTime, {.service = "s"}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(SigV4Test, SignRequestSetsHeadersOnTheHttpRequest) {
  http::Request r;
  r.method = http::Method::kPost;
  r.url = "https://sts.us-west-2.amazonaws.com/";
  r.body = "Action=GetCallerIdentity&Version=2011-06-15";
  r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  ASSERT_TRUE(
      sign_request(r, example_credentials(), kTime, {.region = "us-west-2", .service = "sts"})
          .ok());
  EXPECT_EQ(r.headers.get("X-Amz-Date"), "20150830T123600Z");
  EXPECT_FALSE(r.headers.get("Host").has_value());  // the transport sends the same Host itself
  EXPECT_THAT(
      std::string(*r.headers.get("Authorization")),
      HasSubstr(
          "/20150830/us-west-2/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, "));
}

}  // namespace
}  // namespace aws::sigv4
