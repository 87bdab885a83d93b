// The production http::Transport: HTTP/1.1 over libcurl with TLS, keep-alive
// connection reuse, whole-exchange timeouts and cancellable body streaming
// (Kubernetes watch).
//
// Thread-safe: any number of threads may call send()/stream() at once. Each
// transfer borrows a pooled libcurl session (easy + multi handle, which keeps
// the connection open for the next request to the same origin); at most
// `max_connections_per_host` transfers run per origin at once and further ones
// wait, within their Request::timeout, for a free connection.
//
// What goes on the wire: exactly the caller's method, headers and body, plus
// Host, Content-Length (when there is a body, or for POST/PUT/PATCH) and
// User-Agent (unless the caller set one). libcurl's "Expect: 100-continue",
// "Accept: */*" and form Content-Type are suppressed. Redirects are returned,
// not followed. Proxies follow libcurl's environment variables.
//
// Time: libcurl's timers for connect and send(); for stream()'s header deadline
// and idle timeout, util::RealClock (both are real time; libcurl's are too).
//
// Errors (messages name the method, scheme://host:port and path, never
// headers, query or bodies): kUnavailable for connect refused/reset, DNS, TLS
// handshake, certificate verification ("server certificate could not be
// verified: <why>") and a connection dropped mid-body; kDeadlineExceeded for
// timeouts; kInvalidArgument for a malformed URL, an unsupported scheme or a
// header containing CR/LF; kCancelled when stream()'s stop_token fires.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "absl/time/time.h"
#include "pkg/http/tls_options.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace http {

namespace internal {
class CurlSessionPool;
struct Transfer;
}  // namespace internal

struct CurlTransportOptions {
  TlsOptions tls;
  // Sent unless the request has its own User-Agent header; empty: none.
  std::string user_agent = "kube-aws-iam-controller";
  // TCP connect plus TLS handshake; capped by each request's timeout.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Concurrent connections (and idle kept-alive ones) per scheme://host:port.
  int max_connections_per_host = 32;
};

class CurlTransport final : public Transport {
 public:
  // Validates the options (timeouts positive, 1 <= max_connections_per_host
  // <= 1024, TLS files readable and consistent; see validate_tls_options).
  // Errors: kInvalidArgument; kInternal if libcurl cannot initialise.
  static util::StatusOr<std::unique_ptr<CurlTransport>> create(CurlTransportOptions options);

  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  util::StatusOr<Response> send(const Request& request) override;
  util::Status stream(const Request& request, StreamConsumer& consumer,
                      std::stop_token stop) override;

 private:
  explicit CurlTransport(CurlTransportOptions options);
  // Runs one transfer to completion on a pooled session.
  util::Status run(const Request& request, internal::Transfer& transfer,
                   const std::stop_token& stop);

  const CurlTransportOptions options_;
  util::RealClock clock_;
  std::unique_ptr<internal::CurlSessionPool> pool_;
};

}  // namespace http
