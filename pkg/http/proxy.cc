#include "pkg/http/proxy.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <cstring>

#include "pkg/util/base64.h"
#include "pkg/util/percent_encoding.h"
#include "pkg/util/strings.h"

namespace http {
namespace {

std::optional<std::string> first_set(const Getenv& getenv, std::initializer_list<const char*> names,
                                     const char** which) {
  for (const char* name : names) {
    std::optional<std::string> value = getenv(name);
    if (value && !value->empty()) {
      *which = name;
      return value;
    }
  }
  return std::nullopt;
}

util::StatusOr<Proxy> parse_proxy(std::string text, const char* variable) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string::npos) {
    text = "http://" + text;  // as libcurl does
  } else if (!util::equals_ignore_case(std::string_view(text).substr(0, scheme_end), "http")) {
    return util::invalid_argument_error(
        util::cat(variable,
                  ": only http:// proxies are supported (requests to https:// servers go through "
                  "them in a CONNECT tunnel), not ",
                  std::string_view(text).substr(0, std::min<size_t>(scheme_end, 10)), "://"));
  }
  const util::StatusOr<Url> url = parse_url(text);
  if (!url.ok()) {
    return util::invalid_argument_error(util::cat(variable, ": ", url.status().message()));
  }
  // Without a port: 1080, libcurl's default for proxies.
  Proxy proxy{.host = url->bare_host(),
              .port = url->port.empty() ? "1080" : std::string(url->port),
              .authorization = {}};
  // user:password@ between "://" and the host.
  const size_t start = text.find("://") + 3;
  const size_t at = text.rfind('@', text.find_first_of("/?#", start));
  if (at != std::string::npos && at > start) {
    std::string credentials =
        util::percent_decode(std::string_view(text).substr(start, at - start));
    if (credentials.find(':') == std::string::npos) credentials.push_back(':');
    proxy.authorization = util::SecretString("Basic " + util::base64_encode(credentials));
    OPENSSL_cleanse(credentials.data(), credentials.size());
  }
  OPENSSL_cleanse(text.data(), text.size());
  return proxy;
}

// Whether `host` (an IP address) lies in `range` ("10.0.0.0/8", "fd00::/8").
bool in_cidr(std::string_view host, std::string_view range) {
  const size_t slash = range.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string network(range.substr(0, slash));
  const int bits = std::atoi(std::string(range.substr(slash + 1)).c_str());
  unsigned char a[16] = {}, b[16] = {};
  const std::string address(host);
  int family = AF_INET;
  size_t size = 4;
  if (::inet_pton(AF_INET, address.c_str(), a) != 1) {
    family = AF_INET6;
    size = 16;
    if (::inet_pton(AF_INET6, address.c_str(), a) != 1) return false;
  }
  if (::inet_pton(family, network.c_str(), b) != 1) return false;
  if (bits < 0 || static_cast<size_t>(bits) > size * 8) return false;
  const size_t whole = static_cast<size_t>(bits) / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

util::StatusOr<ProxySettings> ProxySettings::from_environment(const Getenv& getenv) {
  ProxySettings settings;
  const char* which = nullptr;
  const auto all = first_set(getenv, {"all_proxy", "ALL_PROXY"}, &which);
  const char* all_name = which;
  if (auto text = first_set(getenv, {"http_proxy"}, &which)) {
    ASSIGN_OR_RETURN(Proxy proxy, parse_proxy(*text, which));
    settings.http_ = std::move(proxy);
  } else if (all) {
    ASSIGN_OR_RETURN(Proxy proxy, parse_proxy(*all, all_name));
    settings.http_ = std::move(proxy);
  }
  if (auto text = first_set(getenv, {"https_proxy", "HTTPS_PROXY"}, &which)) {
    ASSIGN_OR_RETURN(Proxy proxy, parse_proxy(*text, which));
    settings.https_ = std::move(proxy);
  } else if (all) {
    ASSIGN_OR_RETURN(Proxy proxy, parse_proxy(*all, all_name));
    settings.https_ = std::move(proxy);
  }
  if (auto text = first_set(getenv, {"no_proxy", "NO_PROXY"}, &which)) {
    for (std::string_view entry : util::split(*text, ',')) {
      entry = util::trim(entry);
      if (entry.starts_with('.')) entry.remove_prefix(1);
      if (entry.starts_with('[') && entry.ends_with(']')) entry = entry.substr(1, entry.size() - 2);
      if (!entry.empty()) settings.no_proxy_.push_back(util::to_lower(entry));
    }
  }
  return settings;
}

bool ProxySettings::bypassed(std::string_view host) const {
  for (const std::string& entry : no_proxy_) {
    if (entry == "*" || host == entry) return true;
    if (host.size() > entry.size() && host.ends_with(entry) &&
        host[host.size() - entry.size() - 1] == '.') {
      return true;
    }
    if (in_cidr(host, entry)) return true;
  }
  return false;
}

const Proxy* ProxySettings::proxy_for(const Url& url) const {
  const std::optional<Proxy>& proxy = url.scheme == "https" ? https_ : http_;
  if (!proxy || bypassed(url.bare_host())) return nullptr;
  return &*proxy;
}

}  // namespace http
