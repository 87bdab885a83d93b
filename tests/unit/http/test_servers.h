// Servers and synchronisation helpers for the Http1Transport tests: a
// cpp-httplib server on 127.0.0.1 (plain or TLS) run on its own thread, a raw
// TCP server that records the exact bytes of each request, and Event, a
// one-shot signal with bounded waits; and the Http1Transport under test.
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "pkg/http/http1_transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace http::test {

// How long any test waits for something that should happen at once.
inline constexpr absl::Duration kWait = absl::Seconds(10);

// A one-shot signal between threads. Thread-safe.
class Event {
 public:
  void notify();
  // True once notified; false if `timeout` passed first.
  bool wait(absl::Duration timeout = kWait) const;
  bool notified() const;

 private:
  mutable util::Mutex mu_;
  mutable util::CondVar cv_;
  mutable util::RealClock clock_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
};

// Runs an httplib::Server (or SSLServer) on 127.0.0.1, an OS-chosen port, on
// its own thread. Register handlers through server() before start(). Declare
// what the handlers use before the server, so the server stops first.
class HttpServer {
 public:
  explicit HttpServer(std::unique_ptr<httplib::Server> server = nullptr, bool tls = false);
  ~HttpServer();  // stop()

  httplib::Server& server() { return *server_; }
  void start();
  void stop();
  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>" (https for TLS).
  std::string url(std::string_view path) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  const bool tls_;
  int port_ = 0;
  std::thread thread_;
};

// Accepts connections on 127.0.0.1 (an OS-chosen port), one at a time, on its
// own thread, and hands each to `serve`, closing it when `serve` returns. The
// destructor shuts the listening socket and the connection being served down
// (so blocked accept(), recv() and poll() return) and joins the thread:
// declare the acceptor after what `serve` uses.
class LoopbackAcceptor {
 public:
  explicit LoopbackAcceptor(std::function<void(int fd)> serve);
  ~LoopbackAcceptor();
  LoopbackAcceptor(const LoopbackAcceptor&) = delete;
  LoopbackAcceptor& operator=(const LoopbackAcceptor&) = delete;
  int port() const { return port_; }

 private:
  void run();

  const std::function<void(int fd)> serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  util::Mutex mu_;
  int connection_fd_ ABSL_GUARDED_BY(mu_) = -1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// Answers every request on 127.0.0.1 with `response` and records each request's
// exact bytes (header block plus Content-Length body). One connection at a
// time, kept alive.
class RawServer {
 public:
  explicit RawServer(std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

  int port() const { return acceptor_.port(); }
  std::string url(std::string_view path) const;
  std::vector<std::string> requests() const;

 private:
  void serve_connection(int fd);

  const std::string response_;
  mutable util::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
  LoopbackAcceptor acceptor_;  // last: stopped first
};

// An HTTP proxy on 127.0.0.1 that opens CONNECT tunnels (one at a time) and
// records each CONNECT request's exact head; with `refuse`, answers 407.
class TunnelProxy {
 public:
  explicit TunnelProxy(bool refuse = false);

  int port() const { return acceptor_.port(); }
  std::vector<std::string> requests() const;

 private:
  void tunnel(int client);

  const bool refuse_;
  mutable util::Mutex mu_;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
  LoopbackAcceptor acceptor_;  // last: stopped first
};

// Accepts one TLS connection on 127.0.0.1, reads a little of the request and
// hangs up with the rest unread (so the kernel resets the connection).
class HangingUpTlsServer {
 public:
  HangingUpTlsServer(const std::string& cert_file, const std::string& key_file);
  ~HangingUpTlsServer();
  std::string url(std::string_view path) const;

 private:
  void hang_up(int fd);

  SSL_CTX* ctx_ = nullptr;
  LoopbackAcceptor acceptor_;  // last: stopped first
};

// A port on 127.0.0.1 that refuses connections: bound, never listening, held
// until destroyed so no one else can take it.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A Http1Transport with `options`; fails the test (and is nullptr) when it
// cannot be created.
std::unique_ptr<Http1Transport> make_transport(Http1TransportOptions options = {});

}  // namespace http::test
