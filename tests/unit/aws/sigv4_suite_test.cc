// AWS's published SigV4 test vectors (third_party/aws-sigv4-test-suite): every
// case directory found at run time becomes its own test, named after the
// directory, asserting the canonical request, the string to sign, the
// signature and the Authorization header of header signing.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/sigv4.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"
#include "tests/sim/aws/sigv4_verifier.h"

namespace aws::sigv4 {
namespace {

namespace fs = std::filesystem;

fs::path suite_dir() {
  const char* env = std::getenv("KAIC_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe): no setenv
  const fs::path root =
      (env != nullptr && *env != '\0') ? fs::path(env) : fs::path(KAIC_SOURCE_DIR_FALLBACK);
  return root / "third_party" / "aws-sigv4-test-suite";
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(suite_dir(), ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "context.json")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool read_file(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The expected files end without a newline, or with one we drop.
std::string chomp(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  return s;
}

// An HTTP/1.1 request as written in request.txt: the request target may
// contain spaces and raw UTF-8, header names may repeat, a line starting with
// whitespace continues the previous header's value, the body follows a blank line.
struct RawRequest {
  std::string method;
  std::string path;
  std::string query;
  HeaderList headers;
  std::string body;
};

bool parse_request(const std::string& text, RawRequest& out, std::string& error) {
  size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos > text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    return true;
  };
  std::string line;
  if (!next_line(line)) {
    error = "empty request";
    return false;
  }
  const size_t first_space = line.find(' ');
  const size_t last_space = line.rfind(' ');
  if (first_space == std::string::npos || last_space == first_space ||
      line.substr(last_space + 1).rfind("HTTP/", 0) != 0) {
    error = "bad request line: " + line;
    return false;
  }
  out.method = line.substr(0, first_space);
  const std::string target = line.substr(first_space + 1, last_space - first_space - 1);
  const size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) out.query = target.substr(q + 1);
  while (pos <= text.size() && next_line(line)) {
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.headers.empty()) {
        error = "continuation line before any header";
        return false;
      }
      out.headers.back().second += "\n" + line;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      error = "header line without ':': " + line;
      return false;
    }
    out.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  out.body = pos < text.size() ? text.substr(pos) : "";
  return true;
}

// The Authorization header of header-signed-request.txt.
std::string authorization_of(const std::string& signed_request) {
  for (std::string_view line : util::split(signed_request, '\n')) {
    if (line.rfind("Authorization:", 0) == 0) return std::string(util::trim(line.substr(14)));
  }
  return "";
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, HeaderSigningMatchesPublishedVector) {
  const fs::path dir = suite_dir() / GetParam();
  std::string context_text;
  ASSERT_TRUE(read_file(dir / "context.json", context_text));
  rapidjson::Document context;
  context.Parse(context_text);
  ASSERT_FALSE(context.HasParseError()) << "context.json is not JSON";

  // Only SigV4 (HMAC) header signing is in scope. SigV4a cases (aws-c-auth's
  // v4a suite) carry a region set and ECDSA keys.
  const bool ecdsa =
      context.HasMember("algorithm") && context["algorithm"].IsString() &&
      std::string_view(context["algorithm"].GetString()).find("ECDSA") != std::string_view::npos;
  if (ecdsa || context.HasMember("region_set") || GetParam().find("sigv4a") != std::string::npos) {
    GTEST_SKIP() << GetParam() << ": SigV4a (ECDSA, region set) case, not SigV4 header signing";
  }
  for (const char* file :
       {"header-canonical-request.txt", "header-string-to-sign.txt", "header-signature.txt"}) {
    if (!fs::exists(dir / file)) {
      GTEST_SKIP() << GetParam() << ": no " << file << " (a query-signing-only case)";
    }
  }

  const auto& creds = context["credentials"];
  Credentials credentials;
  credentials.access_key_id = creds["access_key_id"].GetString();
  credentials.secret_access_key = util::SecretString(creds["secret_access_key"].GetString());
  if (creds.HasMember("token"))
    credentials.session_token = util::SecretString(creds["token"].GetString());
  credentials.source = "test suite";
  auto flag = [&](const char* key, bool fallback) {
    return context.HasMember(key) && context[key].IsBool() ? context[key].GetBool() : fallback;
  };
  SigningOptions options;
  options.region = context["region"].GetString();
  options.service = context["service"].GetString();
  options.canonical.normalize_path = flag("normalize", true);
  options.add_content_sha256_header = flag("sign_body", false);
  options.omit_session_token = flag("omit_session_token", false);
  const util::StatusOr<absl::Time> now = util::parse_rfc3339(context["timestamp"].GetString());
  ASSERT_TRUE(now.ok()) << now.status();

  std::string request_text;
  ASSERT_TRUE(read_file(dir / "request.txt", request_text));
  RawRequest raw;
  std::string error;
  ASSERT_TRUE(parse_request(request_text, raw, error)) << error;
  SignableRequest request;
  request.method = raw.method;
  request.path = raw.path;
  request.query = raw.query;
  request.headers = raw.headers;
  request.payload_hash = hex_sha256(raw.body);

  const util::StatusOr<SigningResult> result = sign(request, credentials, *now, options);
  ASSERT_TRUE(result.ok()) << result.status();

  std::string want_canonical, want_sts, want_signature, signed_request;
  ASSERT_TRUE(read_file(dir / "header-canonical-request.txt", want_canonical));
  ASSERT_TRUE(read_file(dir / "header-string-to-sign.txt", want_sts));
  ASSERT_TRUE(read_file(dir / "header-signature.txt", want_signature));
  EXPECT_EQ(result->canonical_request, chomp(want_canonical));
  EXPECT_EQ(result->string_to_sign, chomp(want_sts));
  EXPECT_EQ(result->signature, chomp(want_signature));

  if (read_file(dir / "header-signed-request.txt", signed_request)) {
    const std::string want_authorization = authorization_of(signed_request);
    std::string got_authorization;
    for (const auto& [name, value] : result->headers) {
      if (name == "Authorization") got_authorization = value;
    }
    EXPECT_EQ(got_authorization, want_authorization);

    // A server holding the secret recomputes the same signature from the
    // request as received (its headers plus the ones the signer added).
    const util::StatusOr<sim::aws::Authorization> auth =
        sim::aws::parse_authorization(want_authorization);
    ASSERT_TRUE(auth.ok()) << auth.status();
    SignableRequest received = request;
    for (const auto& header : result->headers) {
      if (header.first != "Authorization") received.headers.push_back(header);
    }
    const util::StatusOr<sim::aws::Recomputed> again = sim::aws::recompute_signature(
        received, *auth, format_amz_date(*now), credentials.secret_access_key, options.canonical);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_TRUE(sim::aws::signatures_equal(again->signature, auth->signature));
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, SigV4SuiteTest, ::testing::ValuesIn(case_names()), test_name);

// Guards against a silently empty suite (wrong source dir, missing checkout).
TEST(SigV4SuiteDiscovery, FindsThePublishedCases) {
  EXPECT_GE(case_names().size(), 30u) << "looked in " << suite_dir();
}

}  // namespace
}  // namespace aws::sigv4
