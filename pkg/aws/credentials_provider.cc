#include "pkg/aws/credentials_provider.h"

#include <cstdlib>

namespace aws {

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv is safe here: nothing in this process calls setenv after startup.
    const char* value = std::getenv(std::string(name).c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

EnvLookup fixed_env(std::unordered_map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    const auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace aws
