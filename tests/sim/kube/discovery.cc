#include "tests/sim/kube/discovery.h"

#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::kube {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_strings(Writer& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const std::string& v : values)
    w.String(v);
  w.EndArray();
}

void write_group(Writer& w, const Catalog::Group& g) {
  w.Key("name");
  w.String(g.name);
  w.Key("versions");
  w.StartArray();
  for (const std::string& v : g.versions) {
    w.StartObject();
    w.Key("groupVersion");
    w.String(util::cat(g.name, "/", v));
    w.Key("version");
    w.String(v);
    w.EndObject();
  }
  w.EndArray();
  w.Key("preferredVersion");
  w.StartObject();
  w.Key("groupVersion");
  w.String(util::cat(g.name, "/", g.versions.front()));
  w.Key("version");
  w.String(g.versions.front());
  w.EndObject();
}

std::string done(rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string api_versions_document(const std::string& server_address) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("APIVersions");
  w.Key("versions");
  w.StartArray();
  w.String("v1");
  w.EndArray();
  w.Key("serverAddressByClientCIDRs");
  w.StartArray();
  w.StartObject();
  w.Key("clientCIDR");
  w.String("0.0.0.0/0");
  w.Key("serverAddress");
  w.String(server_address);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return done(buffer);
}

std::string api_group_list_document(const Catalog& catalog) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("APIGroupList");
  w.Key("apiVersion");
  w.String("v1");
  w.Key("groups");
  w.StartArray();
  for (const Catalog::Group& g : catalog.groups()) {
    w.StartObject();
    write_group(w, g);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return done(buffer);
}

std::optional<std::string> api_group_document(const Catalog& catalog, const std::string& group) {
  for (const Catalog::Group& g : catalog.groups()) {
    if (g.name != group) continue;
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("kind");
    w.String("APIGroup");
    w.Key("apiVersion");
    w.String("v1");
    write_group(w, g);
    w.EndObject();
    return done(buffer);
  }
  return std::nullopt;
}

std::optional<std::string> api_resource_list_document(const Catalog& catalog,
                                                      const std::string& group,
                                                      const std::string& version) {
  std::vector<const ResourceType*> types = catalog.in_group_version(group, version);
  if (types.empty()) return std::nullopt;
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("APIResourceList");
  if (!group.empty()) {
    w.Key("apiVersion");
    w.String("v1");
  }
  w.Key("groupVersion");
  w.String(group.empty() ? version : util::cat(group, "/", version));
  w.Key("resources");
  w.StartArray();
  for (const ResourceType* t : types) {
    w.StartObject();
    w.Key("name");
    w.String(t->resource);
    w.Key("singularName");
    w.String(t->singular);
    w.Key("namespaced");
    w.Bool(t->namespaced);
    w.Key("kind");
    w.String(t->kind);
    write_strings(w, "verbs", t->verbs);
    if (!t->short_names.empty()) write_strings(w, "shortNames", t->short_names);
    if (!t->categories.empty()) write_strings(w, "categories", t->categories);
    std::string_view storage_version = t->storage_version;
    size_t slash = storage_version.rfind('/');
    std::string_view sv =
        slash == std::string_view::npos ? storage_version : storage_version.substr(slash + 1);
    std::string_view sg =
        slash == std::string_view::npos ? std::string_view() : storage_version.substr(0, slash);
    w.Key("storageVersionHash");
    w.String(storage_version_hash(sg, sv, t->kind));
    w.EndObject();
    if (t->status_subresource) {
      w.StartObject();
      w.Key("name");
      w.String(util::cat(t->resource, "/status"));
      w.Key("singularName");
      w.String("");
      w.Key("namespaced");
      w.Bool(t->namespaced);
      w.Key("kind");
      w.String(t->kind);
      write_strings(w, "verbs", {"get", "patch", "update"});
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return done(buffer);
}

}  // namespace sim::kube
