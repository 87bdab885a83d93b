// HTTP/1.1 responses as Http1Transport reads them: framing by Content-Length,
// chunks and the connection's end, split anywhere; interim responses; when a
// connection may carry the next request; what is malformed.
#include "pkg/http/http1_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace http::internal {
namespace {

using ::testing::HasSubstr;
using Progress = ResponseParser::Progress;

class Collect : public StreamConsumer {
 public:
  bool on_response(int s, const Headers& h) override {
    ++heads;
    status = s;
    headers = h;
    return !stop_at_head;
  }
  bool on_data(std::string_view piece) override {
    body.append(piece);
    return !stop_at_body;
  }
  int heads = 0;
  int status = 0;
  Headers headers;
  std::string body;
  bool stop_at_head = false;
  bool stop_at_body = false;
};

// Feeds `wire` in pieces of `piece` bytes; the progress after the last one.
util::StatusOr<Progress> feed_in_pieces(ResponseParser& parser, std::string_view wire, size_t piece,
                                        Collect& sink) {
  util::StatusOr<Progress> progress = Progress::kMore;
  for (size_t at = 0; at < wire.size() && progress.ok() && *progress == Progress::kMore;
       at += piece) {
    progress = parser.feed(wire.substr(at, piece), sink);
  }
  return progress;
}

TEST(ResponseParserTest, ReadsEveryFramingSplitAnywhere) {
  struct Case {
    const char* name;
    std::string wire;
    std::string body;
    bool reusable;
  };
  const Case cases[] = {
      {"content length",
       "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: "
       "7\r\n\r\n{\"a\":1}",
       "{\"a\":1}", true},
      {"chunked with extensions and trailers",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
       "5;ext=1\r\nhello\r\nA\r\n, watchers\r\n0\r\nX-Trailer: t\r\n\r\n",
       "hello, watchers", true},
      {"interim response first",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", true},
      {"empty body", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "", true},
      {"no content", "HTTP/1.1 204 No Content\r\n\r\n", "", true},
      {"connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
       "ok", false},
      {"HTTP/1.0 without keep-alive", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok",
       false},
      {"HTTP/1.0 with keep-alive",
       "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", "ok", true},
      {"bytes after the response", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP", "ok",
       false},
  };
  for (const Case& c : cases) {
    for (size_t piece = 1; piece <= c.wire.size(); ++piece) {
      ResponseParser parser(/*head_request=*/false);
      Collect sink;
      const util::StatusOr<Progress> progress = feed_in_pieces(parser, c.wire, piece, sink);
      ASSERT_TRUE(progress.ok()) << c.name << " in pieces of " << piece << ": "
                                 << progress.status();
      EXPECT_EQ(*progress, Progress::kDone) << c.name << " / " << piece;
      EXPECT_EQ(sink.heads, 1) << c.name << " / " << piece;
      EXPECT_EQ(sink.body, c.body) << c.name << " / " << piece;
    }
    ResponseParser whole(false);
    Collect sink;
    ASSERT_TRUE(whole.feed(c.wire, sink).ok()) << c.name;
    EXPECT_EQ(whole.reusable(), c.reusable) << c.name;
  }
}

TEST(ResponseParserTest, HeadersKeepTheirOrderAndValuesTrimmed) {
  ResponseParser parser(false);
  Collect sink;
  ASSERT_TRUE(parser
                  .feed("HTTP/1.1 503 Slow Down\r\nContent-Type:  text/xml \r\n"
                        "Retry-After: 1\r\nContent-Length: 0\r\n\r\n",
                        sink)
                  .ok());
  EXPECT_EQ(sink.status, 503);
  ASSERT_EQ(sink.headers.items().size(), 3u);
  EXPECT_EQ(sink.headers.get("content-type"), "text/xml");
  EXPECT_EQ(sink.headers.items()[1].first, "Retry-After");
}

TEST(ResponseParserTest, AResponseToHeadHasNoBody) {
  ResponseParser parser(/*head_request=*/true);
  Collect sink;
  const auto progress = parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", sink);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(*progress, Progress::kDone);
  EXPECT_TRUE(parser.reusable());
}

TEST(ResponseParserTest, ABodyUntilTheConnectionEndsIsCompleteOnlyThen) {
  ResponseParser parser(false);
  Collect sink;
  ASSERT_EQ(*parser.feed("HTTP/1.1 200 OK\r\n\r\nstreamed", sink), Progress::kMore);
  EXPECT_TRUE(parser.finish().ok());
  EXPECT_EQ(sink.body, "streamed");
  EXPECT_FALSE(parser.reusable());
}

TEST(ResponseParserTest, TheConnectionEndingEarlyIsALostConnection) {
  for (const std::string_view wire :
       {"", "HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}) {
    ResponseParser parser(false);
    Collect sink;
    ASSERT_TRUE(parser.feed(wire, sink).ok()) << wire;
    const util::Status ended = parser.finish();
    EXPECT_EQ(ended.code(), util::StatusCode::kUnavailable) << wire;
  }
}

TEST(ResponseParserTest, MalformedResponsesAreRefusedWithWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"SSH-2.0-OpenSSH\r\n\r\n", "no HTTP/1.x status line"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "bad status code"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", "folded header line"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "header without a name"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX", "not followed by CRLF"},
  };
  for (const auto& [wire, why] : cases) {
    ResponseParser parser(false);
    Collect sink;
    const util::StatusOr<Progress> progress = parser.feed(wire, sink);
    ASSERT_FALSE(progress.ok()) << wire;
    EXPECT_EQ(progress.status().code(), util::StatusCode::kUnavailable) << wire;
    EXPECT_THAT(progress.status().message(), HasSubstr(why)) << wire;
  }
}

TEST(ResponseParserTest, TheSinkCanStopAtTheHeadOrInTheBody) {
  Collect at_head;
  at_head.stop_at_head = true;
  ResponseParser first(false);
  EXPECT_EQ(*first.feed("HTTP/1.1 410 Gone\r\nContent-Length: 2\r\n\r\nok", at_head),
            Progress::kStopped);
  EXPECT_FALSE(first.reusable());
  Collect in_body;
  in_body.stop_at_body = true;
  ResponseParser second(false);
  EXPECT_EQ(
      *second.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", in_body),
      Progress::kStopped);
  EXPECT_EQ(in_body.body, "ok");
}

TEST(SerializeRequestTest, ThroughAProxyTheTargetIsTheWholeUrlWithTheProxysCredentials) {
  Request request;
  request.method = Method::kGet;
  request.headers.add("X-Trace", "1");
  EXPECT_EQ(serialize_request(request, "http://169.254.169.254/latest/meta-data/",
                              "169.254.169.254", "kaic/1", "Basic dTpw"),
            "GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\n"
            "Host: 169.254.169.254\r\nUser-Agent: kaic/1\r\n"
            "Proxy-Authorization: Basic dTpw\r\nX-Trace: 1\r\n\r\n");
}

}  // namespace
}  // namespace http::internal
