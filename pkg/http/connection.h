// Internal to Http1Transport: one TCP connection to a server, or through an
// HTTP proxy's CONNECT tunnel, with TLS over it when the URL says https;
// read and written with a deadline and a stop signal.
//
// Thread-compatible: one request at a time uses a connection. Time: the
// deadlines are on the given util::Clock's monotonic time (the transport
// passes util::RealClock: the kernel's waits are real time).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace http::internal {

// How long one I/O call may wait, and what ends the wait early.
struct Wait {
  const util::Clock* clock = nullptr;
  util::MonotonicTime deadline;
  int stop_fd = -1;  // readable once a stop is requested (a Waker's); -1: none
};

// An eventfd that ends Wait-ing calls when stop() is called from any thread.
class Waker {
 public:
  // Errors: kResourceExhausted when no eventfd can be made.
  static util::StatusOr<std::unique_ptr<Waker>> create();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;
  void stop() const;
  int fd() const { return fd_; }

 private:
  explicit Waker(int fd) : fd_(fd) {}
  const int fd_;
};

// Where a connection goes, decided per request by the transport.
struct Route {
  std::string host;  // connected to (the server's, or the proxy's); IPv6 without brackets
  std::string port;
  // CONNECT this "host:port" through the proxy first; empty: no tunnel.
  std::string tunnel;
  std::string proxy_authorization;  // "Basic ..." for the proxy; empty: none
  // TLS with the server, verifying (and naming in SNI) this host; nullptr: none.
  SSL_CTX* tls = nullptr;
  std::string tls_name;  // IPv6 without brackets
};

class Connection {
 public:
  // Resolves, connects (each address in turn), tunnels and shakes hands.
  // Errors, as "what (why)": kUnavailable "could not resolve the host",
  // "could not connect", "the proxy refused the tunnel", "TLS handshake
  // failed", "the server certificate could not be verified"; kDeadlineExceeded
  // "timed out"; kCancelled.
  static util::StatusOr<std::unique_ptr<Connection>> open(const Route& route, const Wait& wait);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Errors: kUnavailable "connection lost (why)", kDeadlineExceeded, kCancelled.
  util::Status write_all(std::string_view data, const Wait& wait);
  // Bytes read into `buffer` (waiting for at least one); 0 when the server
  // closed the connection. Errors as write_all.
  util::StatusOr<size_t> read_some(char* buffer, size_t size, const Wait& wait);
  // For a kept-alive connection about to carry a request: false when the
  // server has closed it (or sent something unasked) while it was idle.
  bool still_open();

 private:
  explicit Connection(int fd) : fd_(fd) {}
  util::Status tunnel(const Route& route, const Wait& wait);
  util::Status handshake(const Route& route, const Wait& wait);

  const int fd_;
  SSL* ssl_ = nullptr;
  bool awaiting_answer_ = false;  // written since the last read
};

}  // namespace http::internal
