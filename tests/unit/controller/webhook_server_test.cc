// The webhook's HTTPS endpoint, with curl as the apiserver: AdmissionReviews
// reach the handler and its answer comes back; the serving certificate is
// rotated in place without a restart, and a half-written rotation (a key that
// does not match) never fails a handshake.
#include "controller/process/webhook_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pkg/http/http1_transport.h"
#include "pkg/util/files.h"
#include "pkg/util/strings.h"
#include "tests/unit/http/test_pki.h"

namespace controller {
namespace {

using ::testing::HasSubstr;

void copy(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

class WebhookServerTest : public ::testing::Test {
 protected:
  WebhookServerTest() {
    cert_ = pki_.dir + "/serving.crt";
    key_ = pki_.dir + "/serving.key";
    copy(pki_.server_cert_file, cert_);
    copy(pki_.server_key_file, key_);
  }

  void start() {
    auto files = tls::KeyPairFiles::load(cert_, key_, absl::ZeroDuration(), clock_);
    ASSERT_TRUE(files.ok()) << files.status().to_string();
    files_ = *std::move(files);
    start_with([files = files_.get()] { return files->current(); });
  }

  void start_with(WebhookServer::KeyPairSource key_pair) {
    auto server = WebhookServer::start(
        {.host = "127.0.0.1", .port = 0, .threads = 2}, std::move(key_pair),
        [](std::string_view body) {
          if (body.empty()) return WebhookServer::Answer{400, "empty"};
          return WebhookServer::Answer{200, util::cat(R"({"echo":)", body, "}")};
        });
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    server_ = *std::move(server);
  }

  util::StatusOr<http::Response> post(const std::string& ca_file, std::string body) {
    // A new connection each time: every request is a handshake.
    auto transport = http::Http1Transport::create({.tls = {.ca_file = ca_file}});
    if (!transport.ok()) return transport.status();
    http::Request request;
    request.method = http::Method::kPost;
    request.url = util::cat("https://127.0.0.1:", server_->port(), "/mutate-pods");
    request.headers.add("Content-Type", "application/json");
    request.body = std::move(body);
    return (*transport)->send(request);
  }

  util::RealClock clock_;
  http::test::TestPki pki_;
  std::string cert_, key_;
  std::unique_ptr<tls::KeyPairFiles> files_;
  std::unique_ptr<WebhookServer> server_;
};

TEST_F(WebhookServerTest, AnAdmissionReviewReachesTheHandlerOverTls) {
  start();
  const auto answered = post(pki_.ca_file, R"({"kind":"AdmissionReview"})");
  ASSERT_TRUE(answered.ok()) << answered.status().to_string();
  EXPECT_EQ(answered->status, 200);
  EXPECT_EQ(answered->body, R"({"echo":{"kind":"AdmissionReview"}})");
  EXPECT_EQ(post(pki_.ca_file, "")->status, 400);
}

TEST_F(WebhookServerTest, ARotatedCertificateIsServedWithoutARestartAndAHalfRotationIsNot) {
  start();
  ASSERT_TRUE(post(pki_.ca_file, "{}").ok());

  // Half-way: a key that is not the certificate's. The old pair keeps serving.
  copy(pki_.client_key_file, key_);
  const auto during = post(pki_.ca_file, "{}");
  ASSERT_TRUE(during.ok()) << during.status().to_string();

  // Done: a new self-signed certificate and its key, from the openssl CLI.
  const std::string next_cert = pki_.dir + "/next.crt";
  const std::string next_key = pki_.dir + "/next.key";
  const std::string command = util::cat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=webhook -addext subjectAltName=IP:127.0.0.1 -keyout ",
      next_key, " -out ", next_cert, " 2>/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0);
  copy(next_key, key_);
  copy(next_cert, cert_);
  const auto after = post(next_cert, "{}");
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ(after->status, 200);
  EXPECT_FALSE(post(pki_.ca_file, "{}").ok()) << "the old certificate is no longer served";
}

TEST_F(WebhookServerTest, FilesThatMakeNoPairRefuseToLoad) {
  copy(pki_.client_key_file, key_);
  const auto files = tls::KeyPairFiles::load(cert_, key_, absl::ZeroDuration(), clock_);
  EXPECT_EQ(files.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_THAT(files.status().message(), HasSubstr("the key is not the certificate's"));
}

TEST_F(WebhookServerTest, WithoutAKeyPairYetHandshakesFailUntilOneArrives) {
  util::Mutex mu;
  std::shared_ptr<const tls::KeyPair> served;
  start_with([&] {
    util::MutexLock lock(mu);
    return served;
  });
  EXPECT_FALSE(post(pki_.ca_file, "{}").ok()) << "no certificate: the handshake fails";

  auto cert_pem = util::read_file(cert_);
  auto key_pem = util::read_file(key_);
  ASSERT_TRUE(cert_pem.ok() && key_pem.ok());
  auto pair = tls::parse_key_pair(*cert_pem, util::SecretString(*std::move(key_pem)));
  ASSERT_TRUE(pair.ok()) << pair.status().to_string();
  {
    util::MutexLock lock(mu);
    served = *pair;
  }
  const auto answered = post(pki_.ca_file, "{}");
  ASSERT_TRUE(answered.ok()) << answered.status().to_string();
  EXPECT_EQ(answered->status, 200);
}

}  // namespace
}  // namespace controller
