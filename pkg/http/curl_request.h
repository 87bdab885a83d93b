// Internal to CurlTransport: turns an http::Request into libcurl settings
// (target URL, header list, method and body, TLS) and libcurl results into
// util::Status. Pure functions over one easy handle; no shared state.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "pkg/http/tls_options.h"
#include "pkg/http/transport.h"
#include "pkg/util/status.h"

namespace http::internal {

// Where a request goes, for connection pooling and for error messages.
struct Target {
  std::string origin;     // "https://host:port": the pool key
  std::string describe;   // "GET https://host:port/path": errors (no query)
  std::string curl_url;   // what libcurl is given (host replaced by server_name)
  std::string authority;  // "host[:port]" as in the URL, for a Host header
  std::string host;       // as in the URL ("[::1]" for IPv6)
  std::string port;       // explicit or the scheme's default
};

// Errors: kInvalidArgument for a malformed URL or a scheme other than http(s).
util::StatusOr<Target> parse_target(const Request& request, const std::string& server_name);

// A curl_slist whose strings are zeroed before they are freed (they carry
// bearer tokens and signatures).
struct SlistFree {
  void operator()(curl_slist* list) const;
};
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

// The caller's headers, plus the suppression of libcurl's own Expect, Accept
// and Content-Type, plus Host when `server_name` is set. Errors:
// kInvalidArgument for a header name or value containing CR, LF or NUL.
util::StatusOr<SlistPtr> build_header_list(const Request& request, const Target& target,
                                           const std::string& server_name);

// Applies everything but callbacks and timeouts to a freshly reset handle.
// The handle keeps pointers into `request`, `target`, `headers`, `connect_to`
// and `tls`: they must outlive the transfer. Errors: kInternal.
util::Status configure(CURL* easy, const Request& request, const Target& target,
                       const curl_slist* headers, const curl_slist* connect_to,
                       const TlsOptions& tls, const std::string& user_agent);

// "server_name:port:host:port" for CURLOPT_CONNECT_TO, or nullptr.
util::StatusOr<SlistPtr> build_connect_to(const Target& target, const std::string& server_name);

// Maps a failed transfer to a status whose message starts with
// target.describe. `detail` is libcurl's error buffer (may be empty).
util::Status map_curl_error(CURLcode code, const char* detail, const Target& target);

}  // namespace http::internal
