#include "tests/sim/kube/test/fixtures.h"

namespace sim::kube::testing {

std::string awsiamrole_crd(bool status_subresource) {
  std::string subresources = status_subresource ? R"("subresources":{"status":{}},)" : "";
  return R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"awsiamroles.zalando.org"},
    "spec":{"group":"zalando.org","scope":"Namespaced",
      "names":{"kind":"AWSIAMRole","listKind":"AWSIAMRoleList","plural":"awsiamroles",
               "singular":"awsiamrole","categories":["all"]},
      "versions":[{"name":"v1","served":true,"storage":true,)" +
         subresources + R"(
        "additionalPrinterColumns":[
          {"name":"RoleARN","type":"string","description":"Full RoleARN","jsonPath":".status.roleARN"},
          {"name":"Expiration","type":"string","description":"Expiration time of the current credentials provisioned for the role","jsonPath":".status.expiration"}],
        "schema":{"openAPIV3Schema":{"type":"object","required":["spec"],"properties":{
          "apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
          "spec":{"type":"object","properties":{
            "roleReference":{"type":"string","minLength":3},
            "roleSessionDuration":{"type":"integer","minimum":900,"maximum":43200,"default":3600}}},
          "status":{"type":"object","properties":{
            "observedGeneration":{"type":"integer"},"roleARN":{"type":"string"},
            "expiration":{"type":"string"}}}}}}}]}})";
}

std::string awsiamrole(const std::string& ns, const std::string& name,
                       const std::string& role_reference) {
  return R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":")" + name +
         R"(","namespace":")" + ns + R"("},"spec":{"roleReference":")" + role_reference + R"("}})";
}

std::string secret(const std::string& ns, const std::string& name, const std::string& labels_json) {
  return R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":")" + name +
         R"(","namespace":")" + ns + R"(","labels":)" + labels_json + R"(},"data":{"a":"Yg=="}})";
}

std::string namespace_object(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + name + R"("}})";
}

}  // namespace sim::kube::testing
