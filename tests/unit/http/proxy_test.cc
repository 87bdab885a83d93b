// Proxies: which one the environment names for a URL (as libcurl reads it),
// and Http1Transport through them: a CONNECT tunnel carrying TLS to the
// server, a plain request in absolute form, credentials, a refusal.
#include "pkg/http/proxy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "pkg/http/http1_transport.h"
#include "pkg/util/strings.h"
#include "tests/unit/http/test_pki.h"
#include "tests/unit/http/test_servers.h"

namespace http {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

util::StatusOr<ProxySettings> settings(std::map<std::string, std::string> environment) {
  return ProxySettings::from_environment(
      [environment = std::move(environment)](const char* name) -> std::optional<std::string> {
        auto it = environment.find(name);
        if (it == environment.end()) return std::nullopt;
        return it->second;
      });
}

// "host:port" of the proxy for `url`, or "direct".
std::string route(const ProxySettings& proxies, std::string_view url) {
  const Proxy* proxy = proxies.proxy_for(*parse_url(url));
  return proxy == nullptr ? "direct" : proxy->host + ":" + proxy->port;
}

TEST(ProxySettingsTest, EachSchemeHasItsVariablesAsLibcurlReadsThem) {
  const auto lower = settings({{"https_proxy", "http://lower:3128"},
                               {"HTTPS_PROXY", "http://upper:3128"},
                               {"http_proxy", "plain:8080"}});
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_EQ(route(*lower, "https://sts.amazonaws.com/"), "lower:3128");
  EXPECT_EQ(route(*lower, "http://169.254.169.254/"), "plain:8080");

  // Upper-case HTTP_PROXY is ignored (a CGI client could set it); ALL_PROXY
  // serves what has no variable of its own.
  const auto upper = settings({{"HTTPS_PROXY", "http://[fd00::1]"},
                               {"HTTP_PROXY", "http://ignored:1"},
                               {"ALL_PROXY", "http://all:9"}});
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(route(*upper, "https://sts.amazonaws.com/"), "fd00::1:1080");  // libcurl's default port
  EXPECT_EQ(route(*upper, "http://169.254.169.254/"), "all:9");

  const auto none = settings({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(route(*none, "https://sts.amazonaws.com/"), "direct");
}

TEST(ProxySettingsTest, NoProxyNamesHostsDomainsAddressesAndRanges) {
  const auto proxies = settings({{"https_proxy", "http://proxy:3128"},
                                 {"NO_PROXY",
                                  " .svc.cluster.local, kubernetes,10.0.0.0/8 ,"
                                  "fd00:ec2::/32,[::1], 192.168.1.7"}});
  ASSERT_TRUE(proxies.ok()) << proxies.status();
  for (const char* direct :
       {"https://kubernetes.default.svc.cluster.local/", "https://svc.cluster.local/",
        "https://KUBERNETES:443/", "https://10.96.0.1/", "https://[fd00:ec2::23]/",
        "https://[::1]:6443/", "https://192.168.1.7/"}) {
    EXPECT_EQ(route(*proxies, direct), "direct") << direct;
  }
  for (const char* proxied : {"https://sts.amazonaws.com/", "https://notkubernetes/",
                              "https://11.0.0.1/", "https://192.168.1.70/"}) {
    EXPECT_EQ(route(*proxies, proxied), "proxy:3128") << proxied;
  }
  const auto everything = settings({{"https_proxy", "http://proxy:3128"}, {"no_proxy", "*"}});
  EXPECT_EQ(route(*everything, "https://sts.amazonaws.com/"), "direct");
}

TEST(ProxySettingsTest, UnsupportedProxiesFailNamingTheVariableButNoPassword) {
  for (const char* url : {"socks5://user:hunter2@proxy:1080", "https://user:hunter2@proxy:443",
                          "http://user:hunter2@"}) {
    const auto proxies = settings({{"HTTPS_PROXY", url}});
    ASSERT_FALSE(proxies.ok()) << url;
    EXPECT_EQ(proxies.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(proxies.status().message(),
                AllOf(HasSubstr("HTTPS_PROXY"), Not(HasSubstr("hunter2"))))
        << url;
    EXPECT_THAT(proxies.status().message(),
                HasSubstr(url[4] == ':' ? "URL has no host" : "only http:// proxies are supported"))
        << url;
  }
}

TEST(ProxySettingsTest, CredentialsInTheProxyUrlBecomeBasicAuthorization) {
  const auto proxies = settings({{"https_proxy", "http://svc%40corp:p%3Ass@proxy:3128"}});
  ASSERT_TRUE(proxies.ok()) << proxies.status();
  const Proxy* proxy = proxies->proxy_for(*parse_url("https://sts.amazonaws.com/"));
  ASSERT_NE(proxy, nullptr);
  // base64("svc@corp:p:ss")
  EXPECT_EQ(proxy->authorization.reveal(), "Basic c3ZjQGNvcnA6cDpzcw==");
}

class ThroughProxyTest : public ::testing::Test {
 protected:
  std::unique_ptr<Http1Transport> transport(const std::string& proxy_url, TlsOptions tls = {}) {
    auto proxies = settings({{"https_proxy", proxy_url}, {"http_proxy", proxy_url}});
    EXPECT_TRUE(proxies.ok()) << proxies.status();
    return test::make_transport({.tls = std::move(tls), .proxies = *proxies});
  }
  test::TestPki pki_;
};

TEST_F(ThroughProxyTest, HttpsGoesThroughATunnelAndIsVerifiedEndToEnd) {
  auto ssl = std::make_unique<httplib::SSLServer>(pki_.server_cert_file.c_str(),
                                                  pki_.server_key_file.c_str());
  test::HttpServer server(std::move(ssl), /*tls=*/true);
  server.server().Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("through the tunnel", "text/plain");
  });
  server.start();
  test::TunnelProxy proxy;
  auto client =
      transport(util::cat("http://user:pw@127.0.0.1:", proxy.port()), {.ca_pem = pki_.ca_pem});
  for (int i = 0; i < 3; ++i) {  // the tunnel is kept for the next request
    Request request;
    request.url = server.url("/");
    const util::StatusOr<Response> response = client->send(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->body, "through the tunnel");
  }
  const std::string target = util::cat("127.0.0.1:", server.port());
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0], util::cat("CONNECT ", target, " HTTP/1.1\r\nHost: ", target,
                                           "\r\nProxy-Authorization: Basic dXNlcjpwdw==\r\n\r\n"));
}

TEST_F(ThroughProxyTest, ARefusedTunnelIsUnavailableAndSaysWhy) {
  test::TunnelProxy proxy(/*refuse=*/true);
  auto client = transport(util::cat("http://127.0.0.1:", proxy.port()), {.ca_pem = pki_.ca_pem});
  Request request;
  request.url = "https://127.0.0.1:1/secret?X-Amz-Signature=abc";
  const util::StatusOr<Response> response = client->send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("the proxy refused the tunnel (HTTP/1.1 407"),
                    HasSubstr("GET https://127.0.0.1:1/secret"), Not(HasSubstr("Signature"))));
}

TEST_F(ThroughProxyTest, PlainHttpNamesTheWholeUrlToTheProxy) {
  test::RawServer proxy("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied");
  auto client = transport(util::cat("http://u:p@127.0.0.1:", proxy.port()));
  Request request;
  request.url = "http://169.254.169.254/latest/api/token";
  request.headers.add("X-Trace", "1");
  const util::StatusOr<Response> response = client->send(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "proxied");
  client.reset();
  ASSERT_EQ(proxy.requests().size(), 1u);
  EXPECT_EQ(proxy.requests()[0],
            "GET http://169.254.169.254/latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\n"
            "User-Agent: kube-aws-iam-controller\r\nProxy-Authorization: Basic dTpw\r\n"
            "X-Trace: 1\r\n\r\n");
}

}  // namespace
}  // namespace http
