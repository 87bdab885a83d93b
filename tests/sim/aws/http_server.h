// A cpp-httplib server on 127.0.0.1 that hands every request, whatever its
// method and path, to one handler as a SimRequest. Port 0 picks a free port;
// port() reports the bound one. Keep-alive allows many requests per
// connection and a thread pool serves concurrent clients.
//
// Lifetime: serving from start() until stop() or destruction; stop() returns
// after in-flight requests finished (handlers must not block indefinitely) and
// after idle kept-alive connections closed: cpp-httplib checks for stop only
// between requests, so an idle client connection delays stop() by up to the
// keep-alive timeout (hence its short default; clients reconnect transparently).
// Thread-safety: the handler runs concurrently on pool threads; stop() may be
// called from any thread, once or more.
// Errors: start() returns kUnavailable when the address cannot be bound.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "pkg/util/status.h"
#include "tests/sim/aws/http_types.h"

namespace httplib {
class Server;
}

namespace sim::aws {

class HttpServer {
 public:
  using Handler = std::function<SimResponse(const SimRequest&)>;

  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port
    size_t threads = 32;
    size_t keep_alive_max_count = 1'000'000;  // requests per connection
    // How long an idle kept-alive connection stays open. It occupies a pool
    // thread meanwhile and delays stop() by up to this much.
    absl::Duration keep_alive_timeout = absl::Seconds(2);
  };

  static util::StatusOr<std::unique_ptr<HttpServer>> start(const Options& options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  HttpServer(std::unique_ptr<httplib::Server> server, int port);

  std::unique_ptr<httplib::Server> server_;
  const int port_;
  std::thread listener_;
  std::atomic<bool> stopped_{false};
};

}  // namespace sim::aws
