// The process environment as pkg/http reads it (proxy variables, where the
// CA certificates are), behind a function type so that tests pass their own.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace http {

// Reads one variable: nullopt when unset.
using Getenv = std::function<std::optional<std::string>(const char* name)>;

// getenv(3). Read at startup; nothing in the process calls setenv.
std::optional<std::string> process_environment(const char* name);

}  // namespace http
