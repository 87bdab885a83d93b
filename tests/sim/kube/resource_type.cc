#include "tests/sim/kube/resource_type.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"

namespace sim::kube {
namespace {

std::vector<std::string> all_verbs() {
  return {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
}

ResourceType builtin(std::string group, std::string version, std::string resource, std::string kind,
                     bool namespaced, std::string definition) {
  ResourceType t;
  t.group = std::move(group);
  t.version = std::move(version);
  t.resource = std::move(resource);
  t.kind = std::move(kind);
  t.list_kind = t.kind + "List";
  t.namespaced = namespaced;
  t.verbs = all_verbs();
  t.definition = std::move(definition);
  t.storage_key = util::cat(t.group, "/", t.resource);
  t.storage_version = t.api_version();
  return t;
}

}  // namespace

std::string ResourceType::api_version() const {
  return group.empty() ? version : util::cat(group, "/", version);
}

std::string ResourceType::group_version_path() const {
  return group.empty() ? util::cat("api/", version) : util::cat("apis/", group, "/", version);
}

bool ResourceType::has_verb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

std::vector<ResourceType> builtin_resource_types() {
  std::vector<ResourceType> types;

  ResourceType ns =
      builtin("", "v1", "namespaces", "Namespace", false, "io.k8s.api.core.v1.Namespace");
  ns.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
  ns.short_names = {"ns"};
  ns.status_subresource = true;
  types.push_back(ns);

  ResourceType secrets = builtin("", "v1", "secrets", "Secret", true, "io.k8s.api.core.v1.Secret");
  types.push_back(secrets);

  ResourceType cm =
      builtin("", "v1", "configmaps", "ConfigMap", true, "io.k8s.api.core.v1.ConfigMap");
  cm.short_names = {"cm"};
  types.push_back(cm);

  ResourceType events = builtin("", "v1", "events", "Event", true, "io.k8s.api.core.v1.Event");
  events.short_names = {"ev"};
  events.allow_create_on_update = true;
  types.push_back(events);

  ResourceType sa = builtin("", "v1", "serviceaccounts", "ServiceAccount", true,
                            "io.k8s.api.core.v1.ServiceAccount");
  sa.short_names = {"sa"};
  types.push_back(sa);

  ResourceType pods = builtin("", "v1", "pods", "Pod", true, "io.k8s.api.core.v1.Pod");
  pods.short_names = {"po"};
  pods.categories = {"all"};
  pods.status_subresource = true;
  types.push_back(pods);

  ResourceType svc = builtin("", "v1", "services", "Service", true, "io.k8s.api.core.v1.Service");
  svc.short_names = {"svc"};
  svc.categories = {"all"};
  svc.status_subresource = true;
  types.push_back(svc);

  ResourceType deploy =
      builtin("apps", "v1", "deployments", "Deployment", true, "io.k8s.api.apps.v1.Deployment");
  deploy.short_names = {"deploy"};
  deploy.categories = {"all"};
  deploy.status_subresource = true;
  deploy.has_generation = true;
  types.push_back(deploy);

  ResourceType pdb = builtin("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true,
                             "io.k8s.api.policy.v1.PodDisruptionBudget");
  pdb.short_names = {"pdb"};
  pdb.status_subresource = true;
  pdb.has_generation = true;
  types.push_back(pdb);

  ResourceType netpol = builtin("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true,
                                "io.k8s.api.networking.v1.NetworkPolicy");
  netpol.short_names = {"netpol"};
  netpol.has_generation = true;
  types.push_back(netpol);

  ResourceType lease = builtin("coordination.k8s.io", "v1", "leases", "Lease", true,
                               "io.k8s.api.coordination.v1.Lease");
  types.push_back(lease);

  ResourceType ev2 =
      builtin("events.k8s.io", "v1", "events", "Event", true, "io.k8s.api.events.v1.Event");
  ev2.short_names = {"ev"};
  ev2.storage_key = "/events";
  ev2.storage_version = "v1";
  ev2.allow_create_on_update = true;
  types.push_back(ev2);

  ResourceType crd = builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                             "CustomResourceDefinition", false,
                             "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
                             "CustomResourceDefinition");
  crd.short_names = {"crd", "crds"};
  crd.categories = {"api-extensions"};
  crd.status_subresource = true;
  crd.has_generation = true;
  types.push_back(crd);

  ResourceType mutating_webhooks =
      builtin("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
              "MutatingWebhookConfiguration", false,
              "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration");
  mutating_webhooks.categories = {"api-extensions"};
  types.push_back(mutating_webhooks);

  const std::string rbac = "rbac.authorization.k8s.io";
  types.push_back(builtin(rbac, "v1", "clusterrolebindings", "ClusterRoleBinding", false,
                          "io.k8s.api.rbac.v1.ClusterRoleBinding"));
  types.push_back(
      builtin(rbac, "v1", "clusterroles", "ClusterRole", false, "io.k8s.api.rbac.v1.ClusterRole"));
  types.push_back(
      builtin(rbac, "v1", "rolebindings", "RoleBinding", true, "io.k8s.api.rbac.v1.RoleBinding"));
  types.push_back(builtin(rbac, "v1", "roles", "Role", true, "io.k8s.api.rbac.v1.Role"));
  return types;
}

namespace {

struct ParsedVersion {
  bool kube_like = false;
  long major = 0;
  int stability = 3;  // 3 GA, 2 beta, 1 alpha
  long minor = 0;
};

ParsedVersion parse_version(std::string_view v) {
  ParsedVersion p;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return p;
  size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    p.major = p.major * 10 + (v[i] - '0');
    ++i;
  }
  std::string_view rest = v.substr(i);
  if (rest.empty()) {
    p.kube_like = true;
    return p;
  }
  if (rest.rfind("beta", 0) == 0) {
    p.stability = 2;
    rest.remove_prefix(4);
  } else if (rest.rfind("alpha", 0) == 0) {
    p.stability = 1;
    rest.remove_prefix(5);
  } else {
    return p;
  }
  if (rest.empty()) return p;
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return p;
    p.minor = p.minor * 10 + (c - '0');
  }
  p.kube_like = true;
  return p;
}

}  // namespace

bool version_priority_before(std::string_view a, std::string_view b) {
  ParsedVersion pa = parse_version(a);
  ParsedVersion pb = parse_version(b);
  if (pa.kube_like != pb.kube_like) return pa.kube_like;
  if (!pa.kube_like) return a < b;
  if (pa.stability != pb.stability) return pa.stability > pb.stability;
  if (pa.major != pb.major) return pa.major > pb.major;
  return pa.minor > pb.minor;
}

std::string storage_version_hash(std::string_view group, std::string_view version,
                                 std::string_view kind) {
  std::string gvk = util::cat(group, "/", version, "/", kind);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(gvk.data()), gvk.size(), digest);
  return util::base64_encode(std::string_view(reinterpret_cast<const char*>(digest), 8));
}

}  // namespace sim::kube
