// The apiserver's MutatingAdmissionWebhook plugin: on a write, every webhook
// of the stored MutatingWebhookConfigurations (in configuration name order,
// then list order) whose rules, namespaceSelector and objectSelector match is
// sent an admission.k8s.io/v1 AdmissionReview over HTTPS (caBundle verified,
// timeoutSeconds, `?timeout=Ns`); its JSONPatch is applied to the object, its
// warnings reach the client as Warning headers, a refusal fails the request
// with the webhook's status, and a failed call fails it (failurePolicy Fail,
// 500 InternalError "failed calling webhook ...") or is skipped (Ignore).
// Dry-run requests reach only webhooks whose sideEffects are None or
// NoneOnDryRun. reinvocationPolicy IfNeeded is not implemented (each webhook
// is called once, as with Never); matchConditions are not evaluated.
//
// `clientConfig.service` is resolved as the apiserver's ClusterIP resolver
// does (the Service must exist and expose the port), then reached at the
// loopback address the simulator was given for it (ServerOptions::
// service_addresses: the cluster network); the certificate is verified for
// "<name>.<namespace>.svc".
//
// Thread-safety: thread-safe (each call reads the configurations anew).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/sim/kube/api_context.h"
#include "tests/sim/kube/api_error.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/object_store.h"
#include "tests/sim/kube/resource_type.h"
#include "tests/sim/kube/schema_library.h"

namespace sim::kube {

// "namespace/name" of a Service -> "127.0.0.1:port" that serves it.
using ServiceAddresses = std::map<std::string, std::string>;

// What one write is, as the webhooks are told.
struct AdmissionAttributes {
  const ResourceType* type = nullptr;
  std::string operation;  // CREATE or UPDATE
  std::string ns;         // "" for cluster-scoped objects
  std::string name;
  std::string subresource;                  // "" or "status"
  const json::Value* old_object = nullptr;  // UPDATE: the stored object, request version
  std::string user;
  bool dry_run = false;
};

class MutatingWebhooks {
 public:
  // What the plugin reads; owned by the Server, outliving this.
  struct Environment {
    const ObjectStore& store;  // the configurations, Namespaces and Services
    const SchemaLibrary& schemas;
    UidGenerator& uids;  // AdmissionReview request uids
    ServiceAddresses service_addresses;
  };

  explicit MutatingWebhooks(Environment env) : env_(std::move(env)) {}

  // Calls the matching webhooks on `object` (in the request's version) and
  // applies their patches to it. Warnings are appended to `warnings` even
  // when the request fails. Returns the error the request fails with.
  std::optional<ApiError> admit(const AdmissionAttributes& attributes, json::Document& object,
                                std::vector<std::string>& warnings) const;

 private:
  const Environment env_;
};

// The storage key of MutatingWebhookConfigurations.
inline constexpr const char* kMutatingWebhookConfigurationsKey =
    "admissionregistration.k8s.io/mutatingwebhookconfigurations";

}  // namespace sim::kube
