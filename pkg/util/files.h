// Reading the small files a process is configured with: tokens, CA bundles,
// certificates and keys, its namespace.
//
// Thread-safety: thread-safe.
// Errors: kNotFound when missing, kPermissionDenied when unreadable,
// kUnavailable on other errors; each message starts with the path.
#pragma once

#include <string>

#include "pkg/util/status.h"

namespace util {

util::StatusOr<std::string> read_file(const std::string& path);

}  // namespace util
