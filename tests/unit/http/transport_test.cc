// Http1Transport::send() against in-process servers: exact request bytes,
// response parsing, keep-alive, concurrency, timeouts and error mapping.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "pkg/http/http1_transport.h"
#include "tests/unit/http/test_servers.h"

namespace http {
namespace {

using test::Event;
using test::HttpServer;
using test::make_transport;
using test::RawServer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

Request request(Method method, std::string url, std::string body = "") {
  Request r;
  r.method = method;
  r.url = std::move(url);
  r.body = std::move(body);
  return r;
}

// ---- What goes on the wire ----

struct WireCase {
  const char* name;
  Method method;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string want;  // with PORT standing for the server's port
};

class WireTest : public ::testing::TestWithParam<WireCase> {};

TEST_P(WireTest, SendsExactlyTheCallersMethodHeadersAndBody) {
  const WireCase& c = GetParam();
  RawServer server;
  auto transport = make_transport({.user_agent = "kaic-test/1"});
  Request r = request(c.method, server.url("/p/a%20th?q=1&x=y"), c.body);
  for (const auto& [name, value] : c.headers)
    r.headers.add(name, value);

  util::StatusOr<Response> response = transport->send(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  std::string want = c.want;
  want.replace(want.find("PORT"), 4, std::to_string(server.port()));
  transport.reset();  // closes the connection, so the server has finished reading
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0], want);
}

INSTANTIATE_TEST_SUITE_P(
    AllMethods, WireTest,
    ::testing::Values(
        WireCase{"GetHasNoBodyNoAcceptNoContentType",
                 Method::kGet,
                 {{"X-Trace", "1"}},
                 "",
                 "GET /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\nX-Trace: 1\r\n\r\n"},
        WireCase{"HeadSendsOnlyHeaders",
                 Method::kHead,
                 {},
                 "",
                 "HEAD /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\n\r\n"},
        WireCase{"PostFormWithoutExpectContinue",
                 Method::kPost,
                 {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc"}},
                 std::string(2000, 'a'),
                 "POST /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\n"
                 "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                 "Authorization: AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc\r\n"
                 "Content-Length: 2000\r\n\r\n" +
                     std::string(2000, 'a')},
        WireCase{"PostWithoutContentTypeSendsNone",
                 Method::kPost,
                 {},
                 "a=b",
                 "POST /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\nContent-Length: 3\r\n\r\na=b"},
        WireCase{"PutWithJsonBody",
                 Method::kPut,
                 {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                 "{\"a\":1}",
                 "PUT /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\nContent-Type: application/json\r\n"
                 "Accept: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"},
        WireCase{"PatchWithMergePatchAndBinaryBody",
                 Method::kPatch,
                 {{"Content-Type", "application/merge-patch+json"}},
                 std::string("{\0}", 3),
                 "PATCH /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\nContent-Type: application/merge-patch+json\r\n"
                 "Content-Length: 3\r\n\r\n" +
                     std::string("{\0}", 3)},
        WireCase{"DeleteWithBody",
                 Method::kDelete,
                 {{"Content-Type", "application/json"}},
                 "{\"kind\":\"DeleteOptions\"}",
                 "DELETE /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\nContent-Type: application/json\r\n"
                 "Content-Length: 24\r\n\r\n{\"kind\":\"DeleteOptions\"}"},
        WireCase{"DeleteWithoutBodyHasNoContentLength",
                 Method::kDelete,
                 {},
                 "",
                 "DELETE /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: kaic-test/1\r\n\r\n"},
        WireCase{"CallerUserAgentAndEmptyHeaderWin",
                 Method::kGet,
                 {{"User-Agent", "aws-cli/2"}, {"X-Empty", ""}},
                 "",
                 "GET /p/a%20th?q=1&x=y HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n"
                 "User-Agent: aws-cli/2\r\nX-Empty:\r\n\r\n"}),
    [](const ::testing::TestParamInfo<WireCase>& row) { return std::string(row.param.name); });

// ---- Responses ----

TEST(TransportTest, ReturnsStatusHeadersAndBodyWithoutFollowingRedirects) {
  RawServer server(
      "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nX-Amzn-RequestId: r-1\r\n"
      "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\nmoved");
  auto transport = make_transport();
  util::StatusOr<Response> response = transport->send(request(Method::kGet, server.url("/")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->body, "moved");
  EXPECT_EQ(response->headers.get("location"), "/elsewhere");
  EXPECT_EQ(response->headers.get("X-AMZN-REQUESTID"), "r-1");
  EXPECT_EQ(response->headers.items().size(), 5u);  // both Set-Cookie kept
  EXPECT_EQ(server.requests().size(), 1u);          // nothing followed
}

TEST(TransportTest, ErrorStatusesAreSuccessfulExchanges) {
  HttpServer server;
  server.server().Post("/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content("<Error><Code>Throttling</Code></Error>", "text/xml");
  });
  server.start();
  auto transport = make_transport();
  util::StatusOr<Response> response =
      transport->send(request(Method::kPost, server.url("/"), "Action=AssumeRole"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 503);
  EXPECT_EQ(response->headers.get("content-type"), "text/xml");
  EXPECT_EQ(response->body, "<Error><Code>Throttling</Code></Error>");
}

// ---- Connections ----

TEST(TransportTest, SequentialRequestsReuseOneConnection) {
  util::Mutex mu;
  std::vector<int> ports;
  HttpServer server;
  server.server().Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    util::MutexLock lock(mu);
    ports.push_back(req.remote_port);
    res.set_content("ok", "text/plain");
  });
  server.start();
  auto transport = make_transport();
  for (int i = 0; i < 5; ++i) {
    util::StatusOr<Response> response = transport->send(request(Method::kGet, server.url("/")));
    ASSERT_TRUE(response.ok()) << response.status();
  }
  util::MutexLock lock(mu);
  ASSERT_EQ(ports.size(), 5u);
  EXPECT_EQ(std::set<int>(ports.begin(), ports.end()).size(), 1u) << "connection not reused";
}

TEST(TransportTest, ConcurrentSendsFromEightThreadsAllSucceed) {
  HttpServer server;
  server.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.body, "text/plain");
  });
  server.start();
  auto transport = make_transport();
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::atomic<int> ok = 0;
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          const std::string body = "thread " + std::to_string(t) + " request " + std::to_string(i);
          util::StatusOr<Response> response =
              transport->send(request(Method::kPost, server.url("/echo"), body));
          if (response.ok() && response->status == 200 && response->body == body) ++ok;
        }
      });
    }
  }
  EXPECT_EQ(ok, kThreads * kEach);
}

TEST(TransportTest, MaxConnectionsPerHostBoundsConcurrentConnections) {
  util::Mutex mu;
  int active = 0;
  int max_active = 0;
  std::set<int> ports;
  HttpServer server;
  server.server().Get("/", [&](const httplib::Request& req, httplib::Response& res) {
    {
      util::MutexLock lock(mu);
      max_active = std::max(max_active, ++active);
      ports.insert(req.remote_port);
    }
    res.set_content("ok", "text/plain");
    util::MutexLock lock(mu);
    --active;
  });
  server.start();
  auto transport = make_transport({.max_connections_per_host = 2});
  std::atomic<int> ok = 0;
  {
    std::vector<std::jthread> threads;
    threads.reserve(6);
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 10; ++i) {
          if (transport->send(request(Method::kGet, server.url("/"))).ok()) ++ok;
        }
      });
    }
  }
  EXPECT_EQ(ok, 60);
  util::MutexLock lock(mu);
  EXPECT_LE(max_active, 2);
  EXPECT_LE(ports.size(), 2u);
}

// ---- Failures ----

TEST(TransportTest, SendTimesOutWhenTheServerDoesNotAnswer) {
  Event release;
  HttpServer server;
  server.server().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    release.wait();
    res.set_content("late", "text/plain");
  });
  server.start();
  auto transport = make_transport();
  Request r = request(Method::kGet, server.url("/slow"));
  r.timeout = absl::Milliseconds(200);
  util::StatusOr<Response> response = transport->send(r);
  release.notify();
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("GET http://127.0.0.1:" + std::to_string(server.port()) + "/slow"),
                    HasSubstr("timed out (no complete answer within 200ms)")));
}

TEST(TransportTest, ConnectionRefusedIsUnavailableAndNamesTheHostButNoSecrets) {
  test::RefusingPort refusing;
  auto transport = make_transport();
  Request r = request(
      Method::kPost,
      "http://127.0.0.1:" + std::to_string(refusing.port()) + "/path?X-Amz-Signature=querysecret",
      "SecretAccessKey=bodysecret");
  r.headers.add("Authorization", "Bearer headersecret");
  util::StatusOr<Response> response = transport->send(r);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
  EXPECT_THAT(response.status().message(),
              AllOf(HasSubstr("127.0.0.1:" + std::to_string(refusing.port())),
                    Not(HasSubstr("querysecret")), Not(HasSubstr("bodysecret")),
                    Not(HasSubstr("headersecret"))));
}

TEST(TransportTest, UnresolvableHostIsUnavailable) {
  auto transport = make_transport();
  util::StatusOr<Response> response =
      transport->send(request(Method::kGet, "http://kaic-no-such-host.invalid/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kUnavailable) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("kaic-no-such-host.invalid:80"));
}

TEST(TransportTest, MalformedUrlsAndHeadersAreInvalidArguments) {
  auto transport = make_transport();
  for (const char* url : {"not a url", "ftp://127.0.0.1/x", "http://", "/relative/path"}) {
    util::StatusOr<Response> response = transport->send(request(Method::kGet, url));
    EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument) << url;
  }
  Request injected = request(Method::kGet, "http://127.0.0.1:1/");
  injected.headers.add("X-Token", "secret\r\nX-Injected: 1");
  util::StatusOr<Response> response = transport->send(injected);
  EXPECT_EQ(response.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), AllOf(HasSubstr("X-Token"), Not(HasSubstr("secret"))));
}

TEST(TransportTest, CreateRejectsInvalidOptions) {
  EXPECT_EQ(Http1Transport::create({.connect_timeout = absl::ZeroDuration()}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Http1Transport::create({.max_connections_per_host = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Http1Transport::create({.user_agent = "a\r\nb"}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace http
