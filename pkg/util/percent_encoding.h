// RFC 3986 percent-encoding, the one encoder of every client: Kubernetes path
// segments and query values, SigV4's canonical URIs and query strings, STS's
// form bodies. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace util {

// Keeps the unreserved characters A-Z a-z 0-9 - . _ ~ (and '/' when
// `keep_slash`), encodes every other byte as %XX with uppercase hex (what
// SigV4 requires and every server accepts).
std::string percent_encode(std::string_view text, bool keep_slash = false);

// Decodes %XX sequences (either case); a malformed one is kept literally and
// '+' stays '+' (this is not form decoding).
std::string percent_decode(std::string_view text);

}  // namespace util
