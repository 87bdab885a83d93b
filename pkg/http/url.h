// An absolute http(s) URL split into what this project's clients read: where
// to connect and what to name in messages (the transport), the Host header,
// path and query to sign (SigV4), the host a credentials endpoint may name.
// One parser, so that all of them read a URL the same way.
//
// Views into the parsed string, which must outlive the Url. Strict where a
// request depends on it: the scheme is http or https (in any case), a host is
// present and holds no character a URL cannot carry, a port is 1-65535, and
// nothing in the URL is whitespace or a control character. Userinfo
// ("user:password@") is skipped and never returned, so it cannot reach a
// message. A fragment is dropped. Percent-encoding is left as written.
#pragma once

#include <string>
#include <string_view>

#include "pkg/util/status.h"

namespace http {

struct Url {
  std::string_view scheme;  // "http" or "https" (lowercase, whatever the URL's case)
  std::string_view host;    // as written; an IPv6 address keeps its brackets: "[::1]"
  std::string_view port;    // as written; empty when the URL names none
  std::string_view path;    // from the first '/' to '?' or '#'; empty when absent
  std::string_view query;   // between '?' and '#'; empty when absent

  // The port connected to: the URL's, else the scheme's (80, 443).
  std::string_view effective_port() const;
  // host[:port] as a Host header names it: the port only when it is not the
  // scheme's default.
  std::string host_header() const;
  // "scheme://host:port" with the effective port: one per server.
  std::string origin() const;
  // The host without IPv6 brackets, lowercased: what an address check reads.
  std::string bare_host() const;
};

// Errors: kInvalidArgument naming what is wrong, quoting the URL without its
// query (which may hold a presigned signature) and without userinfo.
util::StatusOr<Url> parse_url(std::string_view url);

// The URL up to its query or fragment, without userinfo, at most 200
// characters: for messages.
std::string url_for_messages(std::string_view url);

}  // namespace http
