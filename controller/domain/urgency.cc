#include "controller/domain/urgency.h"

#include "controller/domain/secret_data.h"
#include "pkg/kube/json.h"
#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"

namespace controller {

bool role_lacks_credentials(const kube::Object& role, absl::Time now) {
  const kube::JsonValue* status = kube::json::find(role.json(), "status");
  if (status == nullptr || !status->IsObject()) return true;
  if (kube::json::get_int(*status, "observedGeneration") != role.generation()) return true;
  const auto expiration = util::parse_rfc3339(kube::json::get_string(*status, "expiration"));
  return !expiration.ok() || now >= *expiration;
}

bool secret_lacks_credentials(const kube::Object& secret, absl::Time now) {
  const std::optional<absl::Time> expiry = secret_expiry(secret);
  return !expiry || now >= *expiry;
}

std::optional<absl::Time> secret_expiry(const kube::Object& secret) {
  auto expire = kube::SecretView(secret).data(kExpireKey);
  if (!expire.ok()) return std::nullopt;
  auto t = util::parse_rfc3339(expire->reveal());
  return t.ok() ? std::optional<absl::Time>(*t) : std::nullopt;
}

}  // namespace controller
