// Which HTTP proxy a request goes through, from the environment as libcurl
// reads it (the controller's transport was libcurl's before): https URLs
// through https_proxy or HTTPS_PROXY, http URLs through http_proxy (never the
// upper-case HTTP_PROXY, which CGI lets a client set), either through
// all_proxy or ALL_PROXY otherwise; none for hosts that no_proxy or NO_PROXY
// names ("*", a host or domain suffix, an IP address or CIDR range).
// Only http:// proxies (with optional user:password) are supported; without
// a port, 1080 (libcurl's default).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/http/environment.h"
#include "pkg/http/url.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace http {

struct Proxy {
  std::string host;  // IPv6 without brackets
  std::string port;
  util::SecretString authorization;  // "Basic ..." from the URL's user:password; may be empty
};

class ProxySettings {
 public:
  // `getenv` reads one variable (nullopt when unset). Errors:
  // kInvalidArgument naming the variable for a proxy that is not an http://
  // URL; never quoting a password.
  static util::StatusOr<ProxySettings> from_environment(const Getenv& getenv);

  // The proxy for a request to `url`, or nullopt for a direct connection.
  const Proxy* proxy_for(const Url& url) const;

 private:
  bool bypassed(std::string_view bare_host) const;

  std::optional<Proxy> http_;
  std::optional<Proxy> https_;
  std::vector<std::string> no_proxy_;
};

}  // namespace http
