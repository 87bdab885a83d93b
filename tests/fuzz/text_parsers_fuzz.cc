// Fuzzes the small text parsers fed by flags, Secrets and HTTP headers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/domain/external_id.h"
#include "pkg/aws/arn.h"
#include "pkg/aws/sigv4.h"
#include "pkg/kube/api_error.h"
#include "pkg/util/go_duration.h"
#include "pkg/util/rfc3339.h"
#include "tests/sim/aws/sigv4_verifier.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)util::parse_go_duration(text);
  (void)util::parse_rfc3339(text);
  (void)aws::sigv4::parse_amz_date(text);
  (void)sim::aws::parse_authorization(text);
  (void)kube::parse_retry_after(text);
  if (auto role = aws::RoleArn::parse(text); role.ok()) (void)aws::role_session_name(*role);
  static const aws::BaseRoleArn kBase = *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/");
  if (auto role = aws::resolve_role_reference(text, &kBase); role.ok()) {
    (void)aws::role_session_name(*role);
  }
  if (auto id = controller::ExternalIdTemplate::parse(text, "cluster"); id.ok()) {
    (void)id->render("namespace", "name");
  }
  return 0;
}
