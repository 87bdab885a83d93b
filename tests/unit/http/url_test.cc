// http::parse_url: the one reading of a URL the transport, SigV4 and the
// container credentials check share.
#include "pkg/http/url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace http {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(UrlTest, SplitsWhatTheClientsRead) {
  struct Row {
    std::string url;
    std::string scheme, host, port, path, query;
  };
  const Row rows[] = {
      {"https://sts.amazonaws.com", "https", "sts.amazonaws.com", "", "", ""},
      {"HTTPS://Sts.Amazonaws.com:443/", "https", "Sts.Amazonaws.com", "443", "/", ""},
      {"http://127.0.0.1:8080/a/b?x=1&y", "http", "127.0.0.1", "8080", "/a/b", "x=1&y"},
      {"http://h:80?q", "http", "h", "80", "", "q"},
      {"http://[::1]:9000/p#frag", "http", "[::1]", "9000", "/p", ""},
      {"http://[fe80::1%25eth0]/", "http", "[fe80::1%25eth0]", "", "/", ""},
      {"https://user:pass@h/p?watch=1#f", "https", "h", "", "/p", "watch=1"},
      {"https://h:/k8s/clusters/c-1", "https", "h", "", "/k8s/clusters/c-1", ""},
  };
  for (const Row& row : rows) {
    const util::StatusOr<Url> url = parse_url(row.url);
    ASSERT_TRUE(url.ok()) << row.url << ": " << url.status();
    EXPECT_EQ(url->scheme, row.scheme) << row.url;
    EXPECT_EQ(url->host, row.host) << row.url;
    EXPECT_EQ(url->port, row.port) << row.url;
    EXPECT_EQ(url->path, row.path) << row.url;
    EXPECT_EQ(url->query, row.query) << row.url;
  }
}

TEST(UrlTest, PortsOriginsAndHostHeaders) {
  const Url plain = *parse_url("http://example.com/x");
  EXPECT_EQ(plain.effective_port(), "80");
  EXPECT_EQ(plain.origin(), "http://example.com:80");
  EXPECT_EQ(plain.host_header(), "example.com");
  const Url secure = *parse_url("https://[::1]:443/");
  EXPECT_EQ(secure.effective_port(), "443");
  EXPECT_EQ(secure.host_header(), "[::1]");
  EXPECT_EQ(secure.bare_host(), "::1");
  const Url other = *parse_url("https://LOCALHOST:6443/api");
  EXPECT_EQ(other.origin(), "https://LOCALHOST:6443");
  EXPECT_EQ(other.host_header(), "LOCALHOST:6443");
  EXPECT_EQ(other.bare_host(), "localhost");
}

TEST(UrlTest, RefusesWhatCannotBeRequestedAndSaysWhy) {
  struct Row {
    std::string url, why;
  };
  const Row rows[] = {
      {"/relative/path", "not an absolute URL"},
      {"not a url", "whitespace or a control character"},
      {"http://h/a\r\nHost: evil", "whitespace or a control character"},
      {"ftp://127.0.0.1/x", "unsupported URL scheme \"ftp\""},
      {"http://", "URL has no host"},
      {"http://:80/x", "URL has no host"},
      {"http://user@/x", "URL has no host"},
      {"http://h:0/", "port must be a number from 1 to 65535"},
      {"http://h:65536/", "port must be a number from 1 to 65535"},
      {"http://h:8o/", "port must be a number from 1 to 65535"},
      {"http://[::1/", "closing ']'"},
      {"http://[::1]x/", "after the IPv6 host"},
      {"http://[::g<]/", "invalid IPv6 host"},
      {"http://a<b/", "invalid character in the host"},
  };
  for (const Row& row : rows) {
    const util::StatusOr<Url> url = parse_url(row.url);
    ASSERT_FALSE(url.ok()) << row.url;
    EXPECT_EQ(url.status().code(), util::StatusCode::kInvalidArgument) << row.url;
    EXPECT_THAT(url.status().message(), HasSubstr(row.why)) << row.url;
  }
}

TEST(UrlTest, MessagesNeverQuoteQueriesOrUserinfo) {
  const util::StatusOr<Url> url = parse_url("http://user:hunter2@h:99999/p?X-Amz-Signature=abc");
  ASSERT_FALSE(url.ok());
  EXPECT_THAT(url.status().message(),
              AllOf(HasSubstr("http://h:99999/p"), Not(HasSubstr("hunter2")),
                    Not(HasSubstr("user")), Not(HasSubstr("Signature"))));
  EXPECT_EQ(url_for_messages("https://a@b/c/d@e?q"), "https://b/c/d@e");
  EXPECT_EQ(url_for_messages("/relative?q"), "/relative");
}

}  // namespace
}  // namespace http
