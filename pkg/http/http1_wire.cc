#include "pkg/http/http1_wire.h"

#include <algorithm>
#include <charconv>

#include "pkg/util/strings.h"

namespace http::internal {
namespace {

// A head larger than this is refused rather than buffered without end.
constexpr size_t kMaxHead = size_t{256} << 10;

bool has_body(const Request& request) {
  return !request.body.empty() || request.method == Method::kPost ||
         request.method == Method::kPut || request.method == Method::kPatch;
}

util::Status malformed(std::string_view why) {
  return util::unavailable_error(util::cat("malformed response (", why, ")"));
}

// Whether a comma-separated header value lists `token` (case-insensitive).
bool lists_token(std::string_view value, std::string_view token) {
  for (std::string_view item : util::split(value, ',')) {
    if (util::equals_ignore_case(util::trim(item), token)) return true;
  }
  return false;
}

}  // namespace

std::string serialize_request(const Request& request, std::string_view target,
                              std::string_view host_header, std::string_view user_agent,
                              std::string_view proxy_authorization) {
  size_t size = 64 + target.size() + host_header.size() + user_agent.size() +
                proxy_authorization.size() + request.body.size();
  for (const auto& [name, value] : request.headers.items())
    size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  out.append(method_name(request.method)).append(" ").append(target).append(" HTTP/1.1\r\n");
  if (!request.headers.get("Host")) out.append("Host: ").append(host_header).append("\r\n");
  if (!user_agent.empty() && !request.headers.get("User-Agent")) {
    out.append("User-Agent: ").append(user_agent).append("\r\n");
  }
  if (!proxy_authorization.empty()) {
    out.append("Proxy-Authorization: ").append(proxy_authorization).append("\r\n");
  }
  for (const auto& [name, value] : request.headers.items()) {
    out.append(name).append(value.empty() ? ":" : ": ").append(value).append("\r\n");
  }
  if (has_body(request) && !request.headers.get("Content-Length")) {
    out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  out.append("\r\n").append(request.body);
  return out;
}

util::StatusOr<ResponseParser::Progress> ResponseParser::feed(std::string_view data,
                                                              StreamConsumer& sink) {
  while (!data.empty() || state_ == State::kDone) {
    if (state_ == State::kDone) {
      if (!data.empty()) trailing_bytes_ = true;
      return Progress::kDone;
    }
    ASSIGN_OR_RETURN(const Progress progress, step(data, sink));
    if (progress != Progress::kMore) {
      if (progress == Progress::kDone && !data.empty()) trailing_bytes_ = true;
      return progress;
    }
  }
  return Progress::kMore;
}

util::StatusOr<ResponseParser::Progress> ResponseParser::step(std::string_view& data,
                                                              StreamConsumer& sink) {
  switch (state_) {
    case State::kHead:
    case State::kChunkSize:
    case State::kTrailers: {
      // Gather one line (a chunk size, a trailer) or the whole head.
      const std::string_view end = state_ == State::kHead ? "\r\n\r\n" : "\r\n";
      const size_t before = buffer_.size();
      buffer_.append(data);
      const size_t found = buffer_.find(end, before >= end.size() ? before - end.size() + 1 : 0);
      if (found == std::string::npos) {
        data = {};
        if (buffer_.size() > kMaxHead) return malformed("head too large");
        return Progress::kMore;
      }
      const size_t used = found + end.size() - before;
      data.remove_prefix(used);
      std::string line = buffer_.substr(0, found);
      buffer_.clear();
      if (state_ == State::kHead) {
        buffer_ = std::move(line);
        return parse_head(sink);
      }
      if (state_ == State::kTrailers) {
        if (line.empty()) state_ = State::kDone;
        return state_ == State::kDone ? Progress::kDone : Progress::kMore;
      }
      // A chunk size in hex, perhaps with extensions after ';'.
      const std::string_view size = util::trim(std::string_view(line).substr(0, line.find(';')));
      size_t bytes = 0;
      const auto [ptr, error] = std::from_chars(size.data(), size.data() + size.size(), bytes, 16);
      if (size.empty() || error != std::errc() || ptr != size.data() + size.size()) {
        return malformed("bad chunk size");
      }
      remaining_ = bytes;
      state_ = bytes == 0 ? State::kTrailers : State::kChunkData;
      return Progress::kMore;
    }
    case State::kLength:
    case State::kChunkData:
    case State::kUntilClose: {
      const size_t take =
          state_ == State::kUntilClose ? data.size() : std::min(remaining_, data.size());
      const std::string_view piece = data.substr(0, take);
      data.remove_prefix(take);
      if (state_ != State::kUntilClose) remaining_ -= take;
      if (!piece.empty() && !sink.on_data(piece)) return Progress::kStopped;
      if (state_ == State::kLength && remaining_ == 0) {
        state_ = State::kDone;
        return Progress::kDone;
      }
      if (state_ == State::kChunkData && remaining_ == 0) state_ = State::kChunkEnd;
      return Progress::kMore;
    }
    case State::kChunkEnd: {
      // The CRLF after a chunk's data.
      const size_t take = std::min(2 - buffer_.size(), data.size());
      buffer_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (buffer_.size() < 2) return Progress::kMore;
      if (buffer_ != "\r\n") return malformed("chunk not followed by CRLF");
      buffer_.clear();
      state_ = State::kChunkSize;
      return Progress::kMore;
    }
    case State::kDone:
      return Progress::kDone;
  }
  return Progress::kMore;
}

util::StatusOr<ResponseParser::Progress> ResponseParser::parse_head(StreamConsumer& sink) {
  const std::string head = std::move(buffer_);
  buffer_.clear();
  const size_t line_end = head.find("\r\n");
  const std::string_view status_line = std::string_view(head).substr(0, line_end);
  // "HTTP/1.1 200 OK"
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    return malformed("no HTTP/1.x status line");
  }
  int status = 0;
  const std::string_view code = status_line.substr(9, 3);
  const auto [ptr, error] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (error != std::errc() || ptr != code.data() + 3 || status < 100 || status > 999) {
    return malformed("bad status code");
  }
  const bool http10 = status_line[7] == '0';
  Headers headers;
  std::string_view rest =
      line_end == std::string::npos ? "" : std::string_view(head).substr(line_end + 2);
  while (!rest.empty()) {
    const size_t end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? "" : rest.substr(end + 2);
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') return malformed("folded header line");
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return malformed("header without a name");
    headers.add(std::string(line.substr(0, colon)),
                std::string(util::trim(line.substr(colon + 1))));
  }
  if (status < 200 && status != 101) {
    state_ = State::kHead;  // an interim response: the real one follows
    return Progress::kMore;
  }
  const std::optional<std::string_view> connection = headers.get("Connection");
  keep_alive_ = connection ? !lists_token(*connection, "close") &&
                                 (!http10 || lists_token(*connection, "keep-alive"))
                           : !http10;
  const std::optional<std::string_view> encoding = headers.get("Transfer-Encoding");
  const std::optional<std::string_view> length = headers.get("Content-Length");
  if (head_request_ || status == 204 || status == 304 || status == 101) {
    state_ = State::kDone;
  } else if (encoding && lists_token(*encoding, "chunked")) {
    state_ = State::kChunkSize;
  } else if (length) {
    const std::string_view digits = util::trim(*length);
    const auto [end, bad] =
        std::from_chars(digits.data(), digits.data() + digits.size(), remaining_);
    if (digits.empty() || bad != std::errc() || end != digits.data() + digits.size()) {
      return malformed("bad Content-Length");
    }
    state_ = remaining_ == 0 ? State::kDone : State::kLength;
  } else {
    state_ = State::kUntilClose;
    keep_alive_ = false;
  }
  if (!sink.on_response(status, headers)) return Progress::kStopped;
  return state_ == State::kDone ? Progress::kDone : Progress::kMore;
}

util::Status ResponseParser::finish() {
  if (state_ == State::kUntilClose || state_ == State::kDone) {
    state_ = State::kDone;
    keep_alive_ = false;
    return util::Status();
  }
  return util::unavailable_error(state_ == State::kHead ? "connection closed before a response"
                                                        : "connection lost mid-body");
}

}  // namespace http::internal
