// HTTP/1.1 on the wire, for Http1Transport: the request's bytes, and a parser
// that reads a response as it arrives (head, then the body framed by
// Content-Length, chunked transfer coding, or the connection's end).
// Pure: no I/O, no clock; tested on its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "pkg/http/transport.h"
#include "pkg/http/url.h"
#include "pkg/util/status.h"

namespace http::internal {

// "METHOD target HTTP/1.1", Host, User-Agent (unless the caller set one), the
// caller's headers in order, Content-Length when there is a body (or for
// POST/PUT/PATCH), then the body. `target` is the path and query, or the
// absolute URL for a request through an HTTP proxy. The caller zeroes the
// string when done with it (it carries tokens and signatures).
std::string serialize_request(const Request& request, std::string_view target,
                              std::string_view host_header, std::string_view user_agent,
                              std::string_view proxy_authorization);

class ResponseParser {
 public:
  enum class Progress { kMore, kDone, kStopped };

  // `head_request`: the response to a HEAD has no body whatever it says.
  explicit ResponseParser(bool head_request) : head_request_(head_request) {}

  // Consumes `data` (any split), handing `sink` the head and the body's
  // pieces as they complete; returning false from either stops the parser.
  // Interim (1xx) responses are skipped.
  // kDone: the response is complete (bytes after it make the connection not
  // reusable); kStopped: the sink asked to stop. Errors: kUnavailable "malformed
  // response (why)".
  util::StatusOr<Progress> feed(std::string_view data, StreamConsumer& sink);

  // The connection ended. OK when that is how the body ends (no
  // Content-Length, not chunked); kUnavailable otherwise.
  util::Status finish();

  bool head_done() const { return state_ != State::kHead; }
  // Whether the connection may carry the next request: the response was
  // complete, nothing followed it, and the server did not say
  // "Connection: close" (or, in HTTP/1.0, did say "keep-alive").
  bool reusable() const { return state_ == State::kDone && keep_alive_ && !trailing_bytes_; }

 private:
  enum class State {
    kHead,
    kLength,
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kUntilClose,
    kDone
  };
  util::StatusOr<Progress> parse_head(StreamConsumer& sink);
  util::StatusOr<Progress> step(std::string_view& data, StreamConsumer& sink);

  const bool head_request_;
  State state_ = State::kHead;
  std::string buffer_;    // the head, a chunk-size line or trailers being gathered
  size_t remaining_ = 0;  // body bytes left: of the Content-Length or the chunk
  bool keep_alive_ = true;
  bool trailing_bytes_ = false;
};

}  // namespace http::internal
