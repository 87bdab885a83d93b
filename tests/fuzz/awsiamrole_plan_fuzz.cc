// Fuzzes what any namespace can write: an AWSIAMRole and the Secret of the
// same name (input: the role's JSON, optionally "\n---\n" and the Secret's).
// Parsing, the informers' views and the reconcile decision must give a plan or an error, never a
// crash, whatever the objects hold.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "controller/domain/awsiamrole.h"
#include "controller/domain/plan.h"
#include "controller/domain/views.h"
#include "pkg/kube/object.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t separator = input.find("\n---\n");
  auto role_object = kube::Object::parse(input.substr(0, separator));
  if (!role_object.ok()) return 0;
  std::optional<controller::ManagedSecret> secret;
  if (separator != std::string_view::npos) {
    auto parsed = kube::Object::parse(input.substr(separator + 5));
    if (parsed.ok()) secret = controller::secret_view(*parsed);
  }
  auto role = controller::parse_awsiamrole(role_object->json());
  static const controller::PlanConfig kConfig{
      .base_role_arn = *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/")};
  const absl::Time now = absl::FromUnixSeconds(1'795'000'000);  // 2026-11-18
  const controller::Plan plan =
      controller::plan(role.ok() ? &*role : nullptr, secret ? &*secret : nullptr, now, kConfig);
  if (role.ok()) {
    (void)controller::secret_labels(*role);
    (void)controller::owner_reference(*role);
  }
  if (secret) (void)controller::adoptable(*secret);
  (void)plan;
  return 0;
}
