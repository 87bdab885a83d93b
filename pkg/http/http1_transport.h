// The production http::Transport: HTTP/1.1 over TCP with OpenSSL for TLS,
// kept-alive connections, whole-exchange timeouts and cancellable body
// streaming (Kubernetes watch). Written for what this project sends: one
// request per connection at a time, no redirects, no compression.
//
// Thread-safe: any number of threads may call send()/stream() at once. Each
// request borrows a slot of its origin ("https://host:port"): at most
// `max_connections_per_host` run per origin at once and further ones wait,
// within their Request::timeout, for a free slot. A connection whose response
// was read exactly to its end is kept for the next request to that origin; a
// kept connection the server closed while idle is not used, and a request
// whose kept connection fails before any byte of a response is sent again
// once on a new connection.
//
// What goes on the wire: exactly the caller's method, headers and body, plus
// Host, Content-Length (when there is a body, or for POST/PUT/PATCH) and
// User-Agent (unless the caller set one). Redirects are returned, not
// followed. Proxies: http:// proxies from the environment (proxy.h), a
// CONNECT tunnel for https.
//
// Time: util::RealClock (the kernel's waits are real time). Name resolution
// is getaddrinfo()'s, bounded by the resolver's own timeouts.
//
// Errors (messages name the method, scheme://host:port and path, never
// headers, query or bodies): kUnavailable for connect refused/reset, DNS, TLS
// handshake, certificate verification ("the server certificate could not be
// verified (why)"), a proxy refusing the tunnel and a connection dropped
// mid-body; kDeadlineExceeded for timeouts; kInvalidArgument for a malformed
// URL, an unsupported scheme or a header containing CR/LF/NUL;
// kResourceExhausted for a send() body over 512 MiB; kCancelled when
// stream()'s stop_token fires.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "absl/time/time.h"
#include "pkg/http/proxy.h"
#include "pkg/http/system_roots.h"
#include "pkg/http/tls_options.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

struct ssl_ctx_st;

namespace http {

namespace internal {
class ConnectionPool;
}  // namespace internal

struct Http1TransportOptions {
  TlsOptions tls;
  // Sent unless the request has its own User-Agent header; empty: none.
  std::string user_agent = "kube-aws-iam-controller";
  // TCP connect plus TLS handshake; capped by each request's timeout.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Concurrent connections (and idle kept-alive ones) per scheme://host:port.
  int max_connections_per_host = 32;
  // The proxies to use; nullopt: those the environment names (proxy.h).
  std::optional<ProxySettings> proxies;
  // The CAs trusted when `tls` names none; nullopt: the system's
  // (find_system_roots(), system_roots.h), read on demand.
  std::optional<SystemRoots> system_roots;
};

class Http1Transport final : public Transport {
 public:
  // Validates the options (timeouts positive, 1 <= max_connections_per_host
  // <= 1024, TLS files readable and consistent; see validate_tls_options) and
  // the proxy variables of the environment. Errors: kInvalidArgument;
  // kInternal if OpenSSL cannot set up TLS.
  static util::StatusOr<std::unique_ptr<Http1Transport>> create(Http1TransportOptions options);

  ~Http1Transport() override;
  Http1Transport(const Http1Transport&) = delete;
  Http1Transport& operator=(const Http1Transport&) = delete;

  util::StatusOr<Response> send(const Request& request) override;
  util::Status stream(const Request& request, StreamConsumer& consumer,
                      std::stop_token stop) override;

 private:
  Http1Transport(Http1TransportOptions options, ProxySettings proxies, ssl_ctx_st* tls);
  // One exchange: `streaming` bounds the wait for the head by the timeout
  // and each wait for body bytes by the idle timeout.
  util::Status exchange(const Request& request, StreamConsumer& sink, bool streaming,
                        const std::stop_token& stop);

  const Http1TransportOptions options_;
  const ProxySettings proxies_;
  ssl_ctx_st* const tls_;  // owned
  util::RealClock clock_;
  std::unique_ptr<internal::ConnectionPool> pool_;
};

}  // namespace http
