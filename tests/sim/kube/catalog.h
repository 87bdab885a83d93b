// The set of resources the simulator serves at one moment: the built-in types
// plus those of every established CustomResourceDefinition. Discovery, the
// OpenAPI documents and request routing read it.
//
// Thread-safety: immutable; the server swaps whole snapshots
// (std::shared_ptr<const Catalog>) when a CRD changes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/sim/kube/resource_type.h"

namespace sim::kube {

class Catalog {
 public:
  struct Group {
    std::string name;
    std::vector<std::string> versions;  // preferred (highest priority) first
  };

  explicit Catalog(std::vector<ResourceType> types);

  const std::vector<ResourceType>& types() const { return types_; }
  const ResourceType* find(std::string_view group, std::string_view version,
                           std::string_view resource) const;
  // The type of a kind in a group/version ("apps", "v1", "Deployment").
  const ResourceType* find_kind(std::string_view group, std::string_view version,
                                std::string_view kind) const;
  // The type objects in `storage_key` are stored as.
  const ResourceType* storage_type(std::string_view storage_key) const;
  std::vector<const ResourceType*> in_group_version(std::string_view group,
                                                    std::string_view version) const;
  // Named groups (not core) in /apis order: built-in groups first, then
  // custom resource groups by name.
  std::vector<Group> groups() const;
  // Every served group/version ("v1" for core, "apps/v1", ...).
  std::vector<std::string> group_versions() const;

 private:
  std::vector<ResourceType> types_;
  std::map<std::string, size_t, std::less<>> by_gvr_;  // "group/version/resource"
};

}  // namespace sim::kube
