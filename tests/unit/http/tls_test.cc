// Http1Transport over TLS against a cpp-httplib SSLServer with a CA, server and
// client certificates made at run time: trust from a file or memory, refusal
// without the CA, insecure mode, server-name override, client certificates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "pkg/http/http1_transport.h"
#include "pkg/http/system_roots.h"
#include "pkg/util/files.h"
#include "pkg/util/openssl_ptr.h"
#include "tests/unit/http/test_pki.h"
#include "tests/unit/http/test_servers.h"

namespace http {
namespace {

using test::HttpServer;
using test::TestPki;
using ::testing::AllOf;
using ::testing::HasSubstr;
using util::StatusCode;

class TlsTest : public ::testing::Test {
 protected:
  // Starts an HTTPS server; with `require_client_cert`, it demands a client
  // certificate from the test CA.
  void start(bool require_client_cert = false) {
    auto ssl = std::make_unique<httplib::SSLServer>(
        pki_.server_cert_file.c_str(), pki_.server_key_file.c_str(),
        require_client_cert ? pki_.ca_file.c_str() : nullptr);
    ASSERT_TRUE(ssl->is_valid());
    server_ = std::make_unique<HttpServer>(std::move(ssl), /*tls=*/true);
    server_->server().Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      util::MutexLock lock(mu_);
      host_header_ = req.get_header_value("Host");
      ports_.insert(req.remote_port);
      res.set_content("secure", "text/plain");
    });
    server_->start();
  }

  util::StatusOr<Response> get(TlsOptions tls) {
    util::StatusOr<std::unique_ptr<Http1Transport>> transport =
        Http1Transport::create({.tls = std::move(tls)});
    if (!transport.ok()) return transport.status();
    Request request;
    request.url = server_->url("/");
    return (*transport)->send(request);
  }

  std::string host_header() {
    util::MutexLock lock(mu_);
    return host_header_;
  }
  size_t connections() {
    util::MutexLock lock(mu_);
    return ports_.size();
  }

  TestPki pki_;
  util::Mutex mu_;
  std::string host_header_ ABSL_GUARDED_BY(mu_);
  std::set<int> ports_ ABSL_GUARDED_BY(mu_);  // client ports seen
  std::unique_ptr<HttpServer> server_;        // last: stopped before what handlers use
};

void expect_secure(const util::StatusOr<Response>& response) {
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "secure");
}

TEST_F(TlsTest, VerifiesTheServerWithACaFile) {
  start();
  expect_secure(get({.ca_file = pki_.ca_file}));
}

TEST_F(TlsTest, VerifiesTheServerWithACaInMemory) {
  start();
  expect_secure(get({.ca_pem = pki_.ca_pem}));
}

TEST_F(TlsTest, ReusesTheTlsConnectionAcrossRequests) {
  start(/*require_client_cert=*/true);
  util::StatusOr<std::unique_ptr<Http1Transport>> transport =
      Http1Transport::create({.tls = {.ca_pem = pki_.ca_pem,
                                      .client_cert_pem = pki_.client_cert_pem,
                                      .client_key_pem = util::SecretString(pki_.client_key_pem)}});
  ASSERT_TRUE(transport.ok()) << transport.status();
  Request request;
  request.url = server_->url("/");
  for (int i = 0; i < 3; ++i)
    expect_secure((*transport)->send(request));
  EXPECT_EQ(connections(), 1u);
}

// A server that stops reading and hangs up while a large body is still being
// written: the request fails as a lost connection (and the process lives on).
TEST_F(TlsTest, AServerHangingUpMidUploadIsUnavailable) {
  test::HangingUpTlsServer server(pki_.server_cert_file, pki_.server_key_file);
  auto transport = Http1Transport::create({.tls = {.ca_pem = pki_.ca_pem}});
  ASSERT_TRUE(transport.ok()) << transport.status();
  Request request;
  request.method = Method::kPost;
  request.url = server.url("/");
  request.body = std::string(size_t{64} << 20, 'x');  // more than the sockets buffer
  const util::StatusOr<Response> response = (*transport)->send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
}

TEST_F(TlsTest, RefusesAServerItCannotVerify) {
  start();
  util::StatusOr<Response> response = get({});  // system CAs only
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("server certificate could not be verified"),
                    HasSubstr("127.0.0.1:" + std::to_string(server_->port()))));
}

TEST_F(TlsTest, InsecureSkipVerifyAcceptsAnyServer) {
  start();
  expect_secure(get({.insecure_skip_verify = true}));
}

TEST_F(TlsTest, ServerNameOverrideIsWhatGetsVerified) {
  start();
  // The certificate names apiserver.test; the URL says 127.0.0.1.
  expect_secure(get({.ca_pem = pki_.ca_pem, .server_name = "apiserver.test"}));
  EXPECT_EQ(host_header(), "127.0.0.1:" + std::to_string(server_->port()));

  util::StatusOr<Response> wrong = get({.ca_pem = pki_.ca_pem, .server_name = "other.test"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(wrong.status().message(), HasSubstr("certificate"));
}

TEST_F(TlsTest, ClientCertificateFromFilesIsAccepted) {
  start(/*require_client_cert=*/true);
  expect_secure(get({.ca_file = pki_.ca_file,
                     .client_cert_file = pki_.client_cert_file,
                     .client_key_file = pki_.client_key_file}));
}

TEST_F(TlsTest, ClientCertificateFromMemoryIsAccepted) {
  start(/*require_client_cert=*/true);
  expect_secure(get({.ca_pem = pki_.ca_pem,
                     .client_cert_pem = pki_.client_cert_pem,
                     .client_key_pem = util::SecretString(pki_.client_key_pem)}));
}

TEST_F(TlsTest, MissingClientCertificateIsRejected) {
  start(/*require_client_cert=*/true);
  util::StatusOr<Response> response = get({.ca_pem = pki_.ca_pem});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
}

TEST_F(TlsTest, ClientCertificateFromAnotherCaIsRejected) {
  start(/*require_client_cert=*/true);
  util::StatusOr<Response> response =
      get({.ca_pem = pki_.ca_pem,
           .client_cert_pem = pki_.rogue_client_cert_pem,
           .client_key_pem = util::SecretString(pki_.rogue_client_key_pem)});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
}

// A copy of the system's bundle (~140 real CAs) with the test CA appended.
std::string bundle_with(const std::string& dir, const std::string& ca_pem) {
  const SystemRoots system = find_system_roots();
  EXPECT_FALSE(system.file.empty()) << "no system CA bundle (ca-certificates)";
  auto pem = util::read_file(system.file);
  EXPECT_TRUE(pem.ok()) << pem.status();
  const std::string path = dir + "/bundle.crt";
  std::ofstream(path) << (pem.ok() ? *pem : "") << ca_pem;
  return path;
}

TEST_F(TlsTest, VerifiesTheServerWithTheSystemBundle) {
  start();
  auto transport = Http1Transport::create(
      {.system_roots = SystemRoots{.file = bundle_with(pki_.dir, pki_.ca_pem)}});
  ASSERT_TRUE(transport.ok()) << transport.status();
  Request request;
  request.url = server_->url("/");
  expect_secure((*transport)->send(request));
}

TEST_F(TlsTest, TheSystemBundleIsParsedOnlyForTheIssuerAVerificationNeeds) {
  const util::openssl::X509StorePtr store(X509_STORE_new());
  ASSERT_TRUE(trust_on_demand(store.get(), {.file = bundle_with(pki_.dir, pki_.ca_pem)}).ok());
  EXPECT_EQ(sk_X509_OBJECT_num(X509_STORE_get0_objects(store.get())), 0);

  auto server_pem = util::read_file(pki_.server_cert_file);
  ASSERT_TRUE(server_pem.ok());
  const util::openssl::BioPtr bio(
      BIO_new_mem_buf(server_pem->data(), static_cast<int>(server_pem->size())));
  const util::openssl::X509Ptr server(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(server, nullptr);
  const util::openssl::X509StoreCtxPtr verification(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(verification.get(), store.get(), server.get(), nullptr), 1);
  EXPECT_EQ(X509_verify_cert(verification.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(verification.get()));
  // The test CA, and none of the bundle's other certificates.
  EXPECT_EQ(sk_X509_OBJECT_num(X509_STORE_get0_objects(store.get())), 1);
}

TEST_F(TlsTest, AnUnreadableSystemBundleFailsAtCreate) {
  for (const std::string& file : {pki_.dir + "/missing.crt", pki_.server_key_file}) {
    util::Status status =
        Http1Transport::create({.system_roots = SystemRoots{.file = file}}).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << file;
    EXPECT_THAT(status.message(), HasSubstr(file));
  }
}

TEST(SystemRootsTest, TheEnvironmentThenOpenSslsDefaultsThenTheDistributionsPaths) {
  using Env = std::map<std::string, std::string>;
  auto find = [](const Env& env, const std::set<std::string>& files) {
    return find_system_roots(
        [&](const char* name) -> std::optional<std::string> {
          auto it = env.find(name);
          return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        },
        [&](const std::string& path) { return files.contains(path); });
  };
  const std::string openssl_file = X509_get_default_cert_file();
  const std::string openssl_dir = X509_get_default_cert_dir();
  EXPECT_EQ(find({{"SSL_CERT_FILE", "/x/ca.pem"}, {"SSL_CERT_DIR", "/x/certs"}},
                 {openssl_file, openssl_dir}),
            (SystemRoots{.file = "/x/ca.pem", .dir = "/x/certs"}));
  EXPECT_EQ(find({}, {openssl_file, openssl_dir, "/etc/ssl/certs/ca-certificates.crt"}),
            (SystemRoots{.file = openssl_file, .dir = openssl_dir}));
  // Our image (and the Go original's): only Debian's bundle, no OPENSSLDIR.
  EXPECT_EQ(find({}, {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs"}),
            (SystemRoots{.file = "/etc/ssl/certs/ca-certificates.crt", .dir = "/etc/ssl/certs"}));
  EXPECT_EQ(find({}, {"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/pki/tls/certs"}),
            (SystemRoots{.file = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                         .dir = "/etc/pki/tls/certs"}));
  EXPECT_TRUE(find({{"SSL_CERT_FILE", ""}}, {}).empty());
  EXPECT_EQ(describe(find({}, {})), "none found");
  EXPECT_EQ(describe({.file = "/etc/ssl/cert.pem", .dir = "/etc/ssl/certs"}),
            "/etc/ssl/cert.pem (on demand), /etc/ssl/certs");
}

TEST_F(TlsTest, CreateRejectsInconsistentTlsOptions) {
  struct Case {
    const char* name;
    TlsOptions tls;
    const char* want;
  };
  const Case cases[] = {
      {"unreadable CA file", {.ca_file = pki_.dir + "/missing.crt"}, "cannot be read"},
      {"CA that is not PEM", {.ca_pem = "not a certificate"}, "no PEM certificate"},
      {"CA with insecure", {.ca_pem = pki_.ca_pem, .insecure_skip_verify = true}, "insecure"},
      {"certificate without key", {.client_cert_pem = pki_.client_cert_pem}, "needs a client key"},
      {"key without certificate",
       {.client_key_pem = util::SecretString(pki_.client_key_pem)},
       "needs a client certificate"},
      {"key of another certificate",
       {.client_cert_pem = pki_.client_cert_pem,
        .client_key_pem = util::SecretString(pki_.rogue_client_key_pem)},
       "does not match"},
      {"server name with a port", {.server_name = "apiserver.test:443"}, "not a host name"},
  };
  for (const Case& c : cases) {
    util::Status status = Http1Transport::create({.tls = c.tls}).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.want)) << c.name;
    EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("PRIVATE KEY"))) << c.name;
  }
}

}  // namespace
}  // namespace http
