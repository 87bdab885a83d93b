// Standard (RFC 4648 §4, padded) base64, as Kubernetes Secret `data` uses.
#pragma once

#include <string>
#include <string_view>

#include "pkg/util/status.h"

namespace util {

std::string base64_encode(std::string_view bytes);

// Strict: rejects characters outside the alphabet, bad padding and lengths
// that are not a multiple of 4, with kInvalidArgument.
util::StatusOr<std::string> base64_decode(std::string_view text);

}  // namespace util
