// X509Identity and SigV4-X509 against an independent implementation: the
// openssl CLI makes the PKI (tests/pki), reads serials and DER, signs and
// verifies; botocore canonicalizes. Nothing here is a value typed by hand
// that the code under test could have produced wrongly in the same way.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "pkg/aws/sigv4_x509.h"
#include "pkg/aws/x509_identity.h"
#include "pkg/util/strings.h"
#include "tests/pki/test_pki.h"
#include "tests/unit/aws/temp_dir.h"

namespace aws {
namespace {

using pki::testing::run;
using pki::testing::run_or_die;
using pki::testing::TestPki;

const TestPki& test_pki() {
  return TestPki::instance();
}

X509Pem pem(const std::string& certificate, const std::string& key, const std::string& chain = "") {
  return {.certificate = test_pki().read(certificate),
          .private_key = util::SecretString(test_pki().read(key)),
          .chain = chain.empty() ? "" : test_pki().read(chain)};
}

std::shared_ptr<const X509Identity> load_or_die(const X509Pem& files) {
  util::StatusOr<std::shared_ptr<const X509Identity>> identity =
      X509Identity::load(files, absl::Now());
  EXPECT_TRUE(identity.ok()) << identity.status();
  return identity.ok() ? *identity : nullptr;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

// Hex digits (openssl's serial=...) as a decimal number, by long multiplication.
std::string decimal_from_hex(std::string_view hex) {
  std::vector<int> digits = {0};  // little-endian decimal digits
  for (char c : hex) {
    int carry = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::toupper(c) - 'A' + 10;
    for (int& d : digits) {
      const int v = d * 16 + carry;
      d = v % 10;
      carry = v / 10;
    }
    for (; carry > 0; carry /= 10)
      digits.push_back(carry % 10);
  }
  std::string out;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it)
    out.push_back(static_cast<char>('0' + *it));
  return out;
}

std::string openssl_serial(const std::string& certificate) {
  const std::string out =
      trimmed(run_or_die("openssl x509 -noout -serial -in " + test_pki().path(certificate)));
  return decimal_from_hex(out.substr(out.find('=') + 1));
}

std::string openssl_subject(const std::string& certificate) {
  const std::string out = trimmed(run_or_die("openssl x509 -noout -subject -nameopt RFC2253 -in " +
                                             test_pki().path(certificate)));
  return out.substr(out.find('=') + 1);
}

std::string openssl_der_base64(const std::string& certificate) {
  return trimmed(run_or_die("openssl x509 -outform DER -in " + test_pki().path(certificate) +
                            " | base64 -w0"));
}

TEST(X509IdentityTest, LoadsEveryKeyFormatAndReportsWhatOpenSslReads) {
  struct Row {
    std::string certificate, key;
    std::string_view algorithm;
  };
  for (const Row& row : std::vector<Row>{{"rsa.pem", "rsa.key", kX509RsaAlgorithm},
                                         {"rsa.pem", "rsa-pkcs1.key", kX509RsaAlgorithm},
                                         {"ec.pem", "ec.key", kX509EcdsaAlgorithm},
                                         {"ec.pem", "ec-pkcs8.key", kX509EcdsaAlgorithm}}) {
    SCOPED_TRACE(row.certificate + " + " + row.key);
    const auto identity = load_or_die(pem(row.certificate, row.key));
    ASSERT_NE(identity, nullptr);
    EXPECT_EQ(identity->algorithm(), row.algorithm);
    EXPECT_EQ(identity->serial(), openssl_serial(row.certificate));
    EXPECT_EQ(identity->certificate_base64(), openssl_der_base64(row.certificate));
    EXPECT_EQ(identity->chain_base64(), "");
    EXPECT_EQ(identity->subject(), openssl_subject(row.certificate));
  }
}

TEST(X509IdentityTest, TheChainHeaderIsEachCertificateBase64CommaSeparated) {
  X509Pem files = pem("rsa.pem", "rsa.key");
  files.chain = test_pki().read("intermediate.pem") + test_pki().read("root.pem");
  const auto identity = load_or_die(files);
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->chain_base64(),
            openssl_der_base64("intermediate.pem") + "," + openssl_der_base64("root.pem"));
}

TEST(X509IdentityTest, IntermediatesBundledAfterTheCertificateJoinTheChain) {
  X509Pem files = pem("rsa.pem", "rsa.key");
  files.certificate += test_pki().read("intermediate.pem");  // cert-manager's tls.crt
  files.chain = test_pki().read("root.pem");
  const auto identity = load_or_die(files);
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(identity->certificate_base64(), openssl_der_base64("rsa.pem"));
  EXPECT_EQ(identity->chain_base64(),
            openssl_der_base64("intermediate.pem") + "," + openssl_der_base64("root.pem"));
}

TEST(X509IdentityTest, RefusesWhatRolesAnywhereRefusesAndSaysWhatToFix) {
  struct Row {
    std::string certificate, key, chain;
    util::StatusCode code;
    std::string says;
  };
  const std::string rsa =
      openssl_subject("rsa.pem") + " (serial " + openssl_serial("rsa.pem") + ")";
  const std::vector<Row> rows = {
      {"rsa.pem", "ec.key", "", util::StatusCode::kInvalidArgument,
       "the private key does not belong to certificate " + rsa},
      {"expired.pem", "expired.key", "", util::StatusCode::kFailedPrecondition, " expired at "},
      {"not-yet-valid.pem", "not-yet-valid.key", "", util::StatusCode::kFailedPrecondition,
       " is not valid before "},
      {"no-digital-signature.pem", "no-digital-signature.key", "",
       util::StatusCode::kInvalidArgument, "lacks the digitalSignature key usage"},
      {"intermediate.pem", "intermediate.key", "", util::StatusCode::kInvalidArgument,
       "is a CA certificate; use an end-entity certificate"},
      {"rsa1024.pem", "rsa1024.key", "", util::StatusCode::kInvalidArgument,
       "RSA key of 1024 bits; IAM Roles Anywhere needs 2048 or more"},
      {"p521.pem", "p521.key", "", util::StatusCode::kInvalidArgument,
       "unsupported curve 'secp521r1'; IAM Roles Anywhere signs with P-256 or P-384"},
      {"ed25519.pem", "ed25519.key", "", util::StatusCode::kInvalidArgument,
       "unsupported key type ED25519"},
      {"rsa.pem", "encrypted.key", "", util::StatusCode::kInvalidArgument,
       "encrypted keys are not supported"},
      {"rsa.key", "rsa.key", "", util::StatusCode::kInvalidArgument,
       "certificate: block 1 is a PRIVATE KEY, not a CERTIFICATE"},
      {"rsa.pem", "rsa.pem", "", util::StatusCode::kInvalidArgument,
       "private key: no PEM PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1) or EC PRIVATE KEY"},
      {"rsa.pem", "rsa.key", "rsa.key", util::StatusCode::kInvalidArgument,
       "certificate chain: block 1 is a PRIVATE KEY, not a CERTIFICATE"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.certificate + " + " + row.key + (row.chain.empty() ? "" : " + " + row.chain));
    const util::Status status =
        X509Identity::load(pem(row.certificate, row.key, row.chain), absl::Now()).status();
    EXPECT_EQ(status.code(), row.code) << status;
    EXPECT_NE(status.message().find(row.says), std::string::npos) << status;
    EXPECT_EQ(status.message().find("BEGIN"), std::string::npos) << "key material: " << status;
  }
}

TEST(X509IdentityTest, ValidityIsJudgedAtTheTimeGiven) {
  const auto identity = load_or_die(pem("rsa.pem", "rsa.key"));
  ASSERT_NE(identity, nullptr);
  EXPECT_EQ(X509Identity::load(pem("rsa.pem", "rsa.key"), identity->not_after() + absl::Seconds(1))
                .status()
                .code(),
            util::StatusCode::kFailedPrecondition);
  EXPECT_EQ(X509Identity::load(pem("rsa.pem", "rsa.key"), identity->not_before() - absl::Seconds(1))
                .status()
                .code(),
            util::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(X509Identity::load(pem("rsa.pem", "rsa.key"), identity->not_after()).ok());
}

// A CreateSession request as the client sends it.
sigv4::SignableRequest create_session_request() {
  const std::string body =
      R"({"durationSeconds":3600,"profileArn":"arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",)"
      R"("roleArn":"arn:aws:iam::123456789012:role/r","trustAnchorArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/t"})";
  return {.method = "POST",
          .path = "/sessions",
          .headers = {{"Host", "rolesanywhere.us-east-1.amazonaws.com"},
                      {"Content-Type", "application/json"},
                      {"User-Agent", "kube-aws-iam-controller"}},
          .payload_hash = sigv4::hex_sha256(body)};
}

const absl::Time kSigningTime =
    absl::FromCivil(absl::CivilSecond(2026, 1, 2, 3, 4, 5), absl::UTCTimeZone());

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(SigV4X509Test, TheRsaSignatureIsOpenSslsForTheSameStringToSign) {
  const auto identity = load_or_die(pem("rsa.pem", "rsa.key", "chain.pem"));
  ASSERT_NE(identity, nullptr);
  const sigv4::SignableRequest request = create_session_request();
  const util::StatusOr<sigv4::SigningResult> result =
      sigv4::sign_x509(request, *identity, kSigningTime, "us-east-1");
  ASSERT_TRUE(result.ok()) << result.status();

  const std::string certificate = openssl_der_base64("rsa.pem");
  const std::string chain = openssl_der_base64("intermediate.pem");
  EXPECT_EQ(result->canonical_request,
            "POST\n/sessions\n\n"
            "content-type:application/json\n"
            "host:rolesanywhere.us-east-1.amazonaws.com\n"
            "x-amz-date:20260102T030405Z\n"
            "x-amz-x509:" +
                certificate +
                "\n"
                "x-amz-x509-chain:" +
                chain +
                "\n\n"
                "content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain\n" +
                request.payload_hash);
  EXPECT_EQ(result->string_to_sign,
            "AWS4-X509-RSA-SHA256\n20260102T030405Z\n"
            "20260102/us-east-1/rolesanywhere/aws4_request\n" +
                sigv4::hex_sha256(result->canonical_request));

  // RSA PKCS#1 v1.5 is deterministic: openssl must produce the same bytes.
  testing::TempDir dir;
  const std::string data = dir.write("string-to-sign", result->string_to_sign);
  const std::string openssl = trimmed(
      run_or_die("openssl dgst -sha256 -hex -sign " + test_pki().path("rsa.key") + " " + data));
  const std::string expected_signature = openssl.substr(openssl.rfind(' ') + 1);
  EXPECT_EQ(result->signature, expected_signature);
  EXPECT_EQ(result->signature.size(), 512u);  // 2048 bits

  sigv4::HeaderList expected = {
      {"X-Amz-Date", "20260102T030405Z"},
      {"X-Amz-X509", certificate},
      {"X-Amz-X509-Chain", chain},
      {"Authorization",
       "AWS4-X509-RSA-SHA256 Credential=" + openssl_serial("rsa.pem") +
           "/20260102/us-east-1/rolesanywhere/aws4_request, "
           "SignedHeaders=content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain, "
           "Signature=" +
           expected_signature}};
  EXPECT_EQ(result->headers, expected);
}

TEST(SigV4X509Test, TheEcdsaSignatureVerifiesWithOpenSslAndOnlyForWhatWasSigned) {
  const auto identity = load_or_die(pem("ec.pem", "ec.key"));
  ASSERT_NE(identity, nullptr);
  const util::StatusOr<sigv4::SigningResult> result =
      sigv4::sign_x509(create_session_request(), *identity, kSigningTime, "eu-central-1");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->string_to_sign.starts_with("AWS4-X509-ECDSA-SHA256\n"));
  EXPECT_EQ(result->canonical_request.find("x-amz-x509-chain"), std::string::npos);

  testing::TempDir dir;
  const std::string data = dir.write("string-to-sign", result->string_to_sign);
  const std::string tampered = dir.write("tampered", result->string_to_sign + " ");
  const std::string signature = dir.write("signature.der", hex_to_bytes(result->signature));
  const std::string public_key = (dir.path() / "public.pem").string();
  run_or_die("openssl x509 -noout -pubkey -in " + test_pki().path("ec.pem") + " > " + public_key);
  const std::string verify =
      "openssl dgst -sha256 -verify " + public_key + " -signature " + signature + " ";
  EXPECT_EQ(trimmed(run(verify + data).out), "Verified OK");
  EXPECT_NE(run(verify + tampered + " 2>/dev/null").exit_code, 0);
}

// The canonical request is SigV4's: botocore's SigV4Auth makes the same one
// from the same request and headers.
TEST(SigV4X509Test, TheCanonicalRequestIsBotocoresSigV4Canonicalization) {
  if (run("/usr/bin/python3 -c 'import botocore' 2>/dev/null").exit_code != 0) {
    GTEST_SKIP() << "no botocore under /usr/bin/python3 (python3-boto3)";
  }
  const auto identity = load_or_die(pem("rsa.pem", "rsa.key", "chain.pem"));
  ASSERT_NE(identity, nullptr);
  const std::string body = R"({"roleArn":"arn:aws:iam::123456789012:role/r"})";
  sigv4::SignableRequest request = create_session_request();
  request.payload_hash = sigv4::hex_sha256(body);
  const util::StatusOr<sigv4::SigningResult> result =
      sigv4::sign_x509(request, *identity, kSigningTime, "us-east-1");
  ASSERT_TRUE(result.ok()) << result.status();

  testing::TempDir dir;
  std::string headers;
  for (const auto& [name, value] : result->headers) {
    if (name != "Authorization") headers += name + "\n" + value + "\n";
  }
  const std::string headers_file = dir.write("headers", headers);
  const std::string body_file = dir.write("body", body);
  const std::string script = dir.write("canonical.py", R"(
import sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
lines = open(sys.argv[1]).read().split("\n")
headers = {"Content-Type": "application/json", "User-Agent": "kube-aws-iam-controller"}
headers.update(dict(zip(lines[0:-1:2], lines[1::2])))
request = AWSRequest(method="POST", url="https://rolesanywhere.us-east-1.amazonaws.com/sessions",
                     data=open(sys.argv[2], "rb").read(), headers=headers)
sys.stdout.write(SigV4Auth(None, "rolesanywhere", "us-east-1").canonical_request(request))
)");
  EXPECT_EQ(run_or_die("/usr/bin/python3 " + script + " " + headers_file + " " + body_file),
            result->canonical_request);
}

}  // namespace
}  // namespace aws
