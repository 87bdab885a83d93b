// Objects the simulator tests create: the AWSIAMRole CRD (DESIGN.md §2),
// custom resources, Secrets, Events; and paths.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

namespace sim::kube::testing {

// The AWSIAMRole CRD; `status_subresource` false drops subresources.status.
std::string awsiamrole_crd(bool status_subresource = true);
std::string awsiamrole(const std::string& ns, const std::string& name,
                       const std::string& role_reference = "team/app/my-role");
std::string secret(const std::string& ns, const std::string& name,
                   const std::string& labels_json = "{}");
std::string namespace_object(const std::string& name);

inline constexpr const char* kCrdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
inline std::string roles_path(const std::string& ns) {
  return "/apis/zalando.org/v1/namespaces/" + ns + "/awsiamroles";
}
inline std::string secrets_path(const std::string& ns) {
  return "/api/v1/namespaces/" + ns + "/secrets";
}

}  // namespace sim::kube::testing
