#include "controller/cache_projection.h"

#include "controller/secret_data.h"

namespace controller {
namespace {

constexpr std::string_view kLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

void strip_metadata(kube::Object& object) {
  object.strip_managed_fields();
  object.remove_annotation(kLastAppliedAnnotation);
}

}  // namespace

void project_secret(kube::Object& secret) {
  strip_metadata(secret);
  kube::JsonValue* data = kube::json::find(secret.mutable_json(), "data");
  if (data == nullptr || !data->IsObject()) return;
  for (auto& member : data->GetObject()) {
    const std::string_view key = kube::json::as_string(member.name);
    if (key == kRoleArnKey || key == kExpireKey || key == kGenerationKey) continue;
    member.value = kube::json::make_string(kProjectedValue);
  }
}

void project_awsiamrole(kube::Object& role) {
  strip_metadata(role);
}

}  // namespace controller
