// Fuzzes the STS response parsers: whatever an endpoint (or a proxy in front
// of it) answers, the controller gets a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pkg/aws/sts_response.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  (void)aws::parse_assume_role_response(xml);
  (void)aws::parse_assume_role_with_web_identity_response(xml);
  (void)aws::parse_get_caller_identity_response(xml);
  (void)aws::parse_error_response(xml);
  return 0;
}
