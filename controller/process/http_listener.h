// What the binary's two HTTP endpoints (health_server.h, webhook_server.h)
// share: an httplib server set up the same way — SO_REUSEADDR without
// httplib's SO_REUSEPORT (a second replica on the same host network must not
// silently share the port), a fixed pool of threads, TCP_NODELAY (an answer
// leaves in one write instead of waiting for the peer's delayed ACK) — bound
// to host:port and served on a thread of its own.
//
// Ownership: owns the server and its thread; stop() or the destructor ends
// both. Thread-safety: stop() from one thread.
// Errors: start() returns kUnavailable when the address cannot be bound,
// naming `what` the port is for.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "pkg/util/status.h"

namespace httplib {
class Server;
}

namespace controller {

class HttpListener {
 public:
  // Sets up `server` (before its routes are added) with `threads` workers.
  static void configure(httplib::Server& server, size_t threads);
  // Binds host:port (port 0: any free port; host "": every interface) and
  // serves `server` until stop(); listening once this returns.
  static util::StatusOr<std::unique_ptr<HttpListener>> start(
      std::unique_ptr<httplib::Server> server, const std::string& host, int port,
      std::string_view what);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  HttpListener() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace controller
