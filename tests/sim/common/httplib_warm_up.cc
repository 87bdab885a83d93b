#include "tests/sim/common/httplib_warm_up.h"

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>

namespace sim {
namespace {

// A request held in memory; the response is discarded.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string input) : input_(std::move(input)) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, input_.size() - position_);
    std::memcpy(ptr, input_.data() + position_, n);
    position_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* /*ptr*/, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string input_;
  size_t position_ = 0;
};

// process_request is protected: a subclass reaches it without a socket.
class WarmUpServer final : public httplib::Server {
 public:
  void serve_one_request() {
    // A routed request with a query, headers and a form body, answered with
    // content: the parse, query/form decoding, routing and write paths.
    Post("/warm-up", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"warm":true})", "application/json");
    });
    MemoryStream stream(
        "POST /warm-up?a=1&b=%20 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
        "Connection: close\r\n\r\nc=2");
    bool connection_closed = false;
    process_request(stream, /*close_connection=*/true, connection_closed, [](httplib::Request&) {});
  }
};

}  // namespace

void warm_up_httplib() {
  static std::once_flag once;
  std::call_once(once, [] { WarmUpServer().serve_one_request(); });
}

}  // namespace sim
