// Fuzzes the credential JSON the controller reads from others: a
// credential_process's output (its own seed Secret's credentials.json) and
// IMDS / container-endpoint credentials.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pkg/aws/providers/imds_client.h"
#include "pkg/aws/providers/shared_files_provider.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  (void)aws::parse_credential_process_output(json);
  (void)aws::parse_metadata_credentials(json);
  return 0;
}
