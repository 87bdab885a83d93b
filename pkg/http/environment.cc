#include "pkg/http/environment.h"

#include <cstdlib>

namespace http {

std::optional<std::string> process_environment(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at startup
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace http
