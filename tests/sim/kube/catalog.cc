#include "tests/sim/kube/catalog.h"

#include <algorithm>

#include "pkg/util/strings.h"

namespace sim::kube {

Catalog::Catalog(std::vector<ResourceType> types) : types_(std::move(types)) {
  for (size_t i = 0; i < types_.size(); ++i) {
    const ResourceType& t = types_[i];
    by_gvr_.emplace(util::cat(t.group, "/", t.version, "/", t.resource), i);
  }
}

const ResourceType* Catalog::find(std::string_view group, std::string_view version,
                                  std::string_view resource) const {
  auto it = by_gvr_.find(util::cat(group, "/", version, "/", resource));
  return it == by_gvr_.end() ? nullptr : &types_[it->second];
}

const ResourceType* Catalog::find_kind(std::string_view group, std::string_view version,
                                       std::string_view kind) const {
  for (const ResourceType& t : types_) {
    if (t.group == group && t.version == version && t.kind == kind) return &t;
  }
  return nullptr;
}

const ResourceType* Catalog::storage_type(std::string_view storage_key) const {
  for (const ResourceType& t : types_) {
    if (t.storage_key == storage_key && t.api_version() == t.storage_version) return &t;
  }
  return nullptr;
}

std::vector<const ResourceType*> Catalog::in_group_version(std::string_view group,
                                                           std::string_view version) const {
  std::vector<const ResourceType*> out;
  for (const ResourceType& t : types_) {
    if (t.group == group && t.version == version) out.push_back(&t);
  }
  std::stable_sort(out.begin(), out.end(), [](const ResourceType* a, const ResourceType* b) {
    return a->resource < b->resource;
  });
  return out;
}

std::vector<Catalog::Group> Catalog::groups() const {
  std::vector<Group> builtin_groups;
  std::vector<Group> custom_groups;
  for (const ResourceType& t : types_) {
    if (t.group.empty()) continue;
    std::vector<Group>& list = t.is_custom() ? custom_groups : builtin_groups;
    auto it =
        std::find_if(list.begin(), list.end(), [&](const Group& g) { return g.name == t.group; });
    if (it == list.end()) {
      list.push_back({t.group, {}});
      it = list.end() - 1;
    }
    if (std::find(it->versions.begin(), it->versions.end(), t.version) == it->versions.end()) {
      it->versions.push_back(t.version);
    }
  }
  std::sort(custom_groups.begin(), custom_groups.end(),
            [](const Group& a, const Group& b) { return a.name < b.name; });
  for (Group& g : builtin_groups) {
    std::stable_sort(g.versions.begin(), g.versions.end(), version_priority_before);
  }
  for (Group& g : custom_groups) {
    std::stable_sort(g.versions.begin(), g.versions.end(), version_priority_before);
    builtin_groups.push_back(std::move(g));
  }
  return builtin_groups;
}

std::vector<std::string> Catalog::group_versions() const {
  std::vector<std::string> out = {"v1"};
  for (const Group& g : groups()) {
    for (const std::string& v : g.versions)
      out.push_back(util::cat(g.name, "/", v));
  }
  return out;
}

}  // namespace sim::kube
