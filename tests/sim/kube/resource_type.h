// What the simulator knows about one served resource (a group/version/resource):
// names for discovery, scope, verbs, subresources, how generation behaves, the
// OpenAPI v2 definition of a built-in kind, or the schema and printer columns
// of a custom resource. Built-in types come from builtin_resource_types();
// custom resources are derived from their CustomResourceDefinition.
//
// Thread-safety: immutable value shared through Catalog snapshots.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/sim/kube/json.h"

namespace sim::kube {

// A CRD additionalPrinterColumn (or a built-in printer column).
struct PrinterColumn {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  std::string format;
  std::string description;
  std::string json_path;
  int priority = 0;
};

// Parts of a CRD version that the custom resource handler needs.
struct CustomResourceSchema {
  std::string crd_name;  // awsiamroles.zalando.org
  // spec.versions[].schema.openAPIV3Schema; null when the version has none.
  std::shared_ptr<const json::Document> open_api_v3_schema;
  std::vector<PrinterColumn> printer_columns;  // as declared (may be empty)
  std::vector<std::string> served_versions;    // for conversion between versions
};

struct ResourceType {
  std::string group;     // "" for core
  std::string version;   // v1
  std::string resource;  // plural: secrets
  std::string singular;  // "" for built-ins (as 1.24 discovery reports)
  std::string kind;      // Secret
  std::string list_kind;
  bool namespaced = true;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool status_subresource = false;
  // metadata.generation is set to 1 on create and bumped when anything but
  // metadata (and status, when /status exists) changes.
  bool has_generation = false;
  // PUT to a missing object creates it (events).
  bool allow_create_on_update = false;
  // OpenAPI v2 definition name of a built-in kind ("io.k8s.api.core.v1.Secret").
  std::string definition;
  // Objects of all versions of one group/resource share a storage bucket;
  // core and events.k8s.io Events share "/events".
  std::string storage_key;
  std::string storage_version;                         // apiVersion objects are stored in
  std::shared_ptr<const CustomResourceSchema> custom;  // set for custom resources

  std::string api_version() const;         // "v1", "zalando.org/v1"
  std::string group_version_path() const;  // "api/v1", "apis/zalando.org/v1"
  bool is_custom() const { return custom != nullptr; }
  bool has_verb(std::string_view verb) const;
};

// The built-in resources served at start: core v1 namespaces, secrets,
// configmaps, events, serviceaccounts; apps/v1 deployments;
// coordination.k8s.io/v1 leases; events.k8s.io/v1 events;
// apiextensions.k8s.io/v1 customresourcedefinitions;
// admissionregistration.k8s.io/v1 mutatingwebhookconfigurations;
// rbac.authorization.k8s.io/v1 roles, rolebindings, clusterroles,
// clusterrolebindings.
std::vector<ResourceType> builtin_resource_types();

// Kubernetes version ordering (v1 > v1beta2 > v1beta1 > v1alpha1 > foo):
// true if `a` sorts before `b` in discovery (higher priority first).
bool version_priority_before(std::string_view a, std::string_view b);

// StorageVersionHash as the apiserver computes it: base64 of the first 8
// bytes of sha256("group/version/Kind").
std::string storage_version_hash(std::string_view group, std::string_view version,
                                 std::string_view kind);

}  // namespace sim::kube
