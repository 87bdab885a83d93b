#include "pkg/http/url.h"

#include <algorithm>
#include <charconv>

#include "pkg/util/strings.h"

namespace http {
namespace {

bool is_space_or_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7f;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 3986 reg-name and IPv4: unreserved, percent-encoded and sub-delims.
bool is_host_char(char c) {
  return is_alnum(c) || std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

// Inside brackets: an IPv6 address, with an optional zone ("%25eth0").
bool is_ipv6_char(char c) {
  return is_alnum(c) || c == ':' || c == '.' || c == '%' || c == '-' || c == '_' || c == '~';
}

util::Status malformed(std::string_view url, std::string_view why) {
  return util::invalid_argument_error(
      util::cat("malformed URL \"", url_for_messages(url), "\": ", why));
}

// "http" or "https" for a scheme in any case; empty otherwise.
std::string_view known_scheme(std::string_view scheme) {
  if (util::equals_ignore_case(scheme, "http")) return "http";
  if (util::equals_ignore_case(scheme, "https")) return "https";
  return {};
}

}  // namespace

std::string_view Url::effective_port() const {
  if (!port.empty()) return port;
  return scheme == "https" ? "443" : "80";
}

std::string Url::host_header() const {
  const bool default_port =
      port.empty() || (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  return default_port ? std::string(host) : util::cat(host, ":", port);
}

std::string Url::origin() const {
  return util::cat(scheme, "://", host, ":", effective_port());
}

std::string Url::bare_host() const {
  std::string_view bare = host;
  if (bare.size() >= 2 && bare.front() == '[') bare = bare.substr(1, bare.size() - 2);
  return util::to_lower(bare);
}

std::string url_for_messages(std::string_view url) {
  std::string_view shown = url.substr(0, url.find_first_of("?#"));
  // Userinfo sits between "//" and the '@' that ends the authority.
  if (const size_t authority = shown.find("//"); authority != std::string_view::npos) {
    const size_t end = shown.find('/', authority + 2);
    const size_t at = shown.substr(0, end).rfind('@');
    if (at != std::string_view::npos && at > authority) {
      return util::cat(shown.substr(0, authority + 2), shown.substr(at + 1, 200));
    }
  }
  return std::string(shown.substr(0, 200));
}

util::StatusOr<Url> parse_url(std::string_view url) {
  if (std::any_of(url.begin(), url.end(), is_space_or_control)) {
    return malformed(url, "whitespace or a control character");
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return malformed(url, "not an absolute URL (scheme://host/...)");
  }
  Url out;
  out.scheme = known_scheme(url.substr(0, scheme_end));
  if (out.scheme.empty()) {
    return util::invalid_argument_error(util::cat("unsupported URL scheme \"",
                                                  url.substr(0, std::min<size_t>(scheme_end, 20)),
                                                  "\" in \"", url_for_messages(url), "\""));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }

  std::string_view port_part;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos || close == 1) {
      return malformed(url, "an IPv6 host needs its closing ']'");
    }
    out.host = authority.substr(0, close + 1);
    const std::string_view address = out.host.substr(1, out.host.size() - 2);
    if (!std::all_of(address.begin(), address.end(), is_ipv6_char)) {
      return malformed(url, "invalid IPv6 host");
    }
    port_part = authority.substr(close + 1);
    if (!port_part.empty() && port_part.front() != ':') {
      return malformed(url, "unexpected characters after the IPv6 host");
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_part = authority.substr(colon);
    if (!std::all_of(out.host.begin(), out.host.end(), is_host_char)) {
      return malformed(url, "invalid character in the host");
    }
  }
  if (out.host.empty()) {
    return util::invalid_argument_error(
        util::cat("URL has no host: \"", url_for_messages(url), "\""));
  }
  // RFC 3986 allows an empty port ("host:"): the scheme's default.
  if (port_part.size() > 1) {
    out.port = port_part.substr(1);  // after ':'
    int number = 0;
    const auto [end, error] =
        std::from_chars(out.port.data(), out.port.data() + out.port.size(), number);
    if (out.port.empty() || error != std::errc() || end != out.port.data() + out.port.size() ||
        number < 1 || number > 65535) {
      return malformed(url, "the port must be a number from 1 to 65535");
    }
  }
  const size_t question = rest.find('?');
  out.path = rest.substr(0, question);
  if (question != std::string_view::npos) out.query = rest.substr(question + 1);
  return out;
}

}  // namespace http
