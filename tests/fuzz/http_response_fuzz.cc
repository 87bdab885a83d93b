// The HTTP/1.1 response parser on arbitrary bytes, as a server (or anything
// answering on the port) may send them: no crash, no undefined behaviour, and
// the same reading whatever the split — the bytes fed whole and fed in pieces
// of the size the first input byte picks give the same status, headers, body
// and verdict. Also http::parse_url on the bytes as text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pkg/http/http1_wire.h"
#include "pkg/http/url.h"

namespace {

struct Reading final : http::StreamConsumer {
  bool on_response(int s, const http::Headers& h) override {
    ++heads;
    status = s;
    headers = h.items().size();
    return true;
  }
  bool on_data(std::string_view piece) override {
    body.append(piece);
    return true;
  }
  int heads = 0;
  int status = 0;
  size_t headers = 0;
  std::string body;
};

// Feeds `wire` in pieces; the outcome as text (code or progress) and the reading.
std::string parse(std::string_view wire, size_t piece, Reading& reading) {
  http::internal::ResponseParser parser(/*head_request=*/false);
  for (size_t at = 0; at < wire.size(); at += piece) {
    const auto progress = parser.feed(wire.substr(at, piece), reading);
    if (!progress.ok()) return "error";
    if (*progress != http::internal::ResponseParser::Progress::kMore) return "done";
  }
  return parser.finish().ok() ? "ended" : "cut";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;
  const std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  Reading whole;
  Reading split;
  const std::string whole_outcome = parse(wire, wire.size() + 1, whole);
  const std::string split_outcome = parse(wire, piece, split);
  // An error may be found earlier or later in the stream, but the bytes
  // before it read the same; otherwise the outcome and reading agree.
  if (whole_outcome != "error" && split_outcome != "error" &&
      (whole_outcome != split_outcome || whole.heads != split.heads ||
       whole.status != split.status || whole.headers != split.headers ||
       whole.body != split.body)) {
    std::abort();
  }
  if (whole.heads > 1 || split.heads > 1) std::abort();
  (void)http::parse_url(wire);
  return 0;
}
