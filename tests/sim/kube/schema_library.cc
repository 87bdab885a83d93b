#include "tests/sim/kube/schema_library.h"

#include <zlib.h>

#include "pkg/util/strings.h"

#ifndef KAIC_SIM_KUBE_OPENAPI_PATH
#define KAIC_SIM_KUBE_OPENAPI_PATH "third_party/kubernetes-openapi/swagger.json.gz"
#endif

namespace sim::kube {
namespace {

util::StatusOr<std::string> read_gzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return util::not_found_error(util::cat("cannot open ", path));
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    int n = gzread(file, buffer, sizeof(buffer));
    if (n < 0) {
      gzclose(file);
      return util::invalid_argument_error(util::cat("cannot decompress ", path));
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  return out;
}

}  // namespace

std::string SchemaLibrary::default_path() {
  return KAIC_SIM_KUBE_OPENAPI_PATH;
}

util::StatusOr<std::shared_ptr<const SchemaLibrary>> SchemaLibrary::load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, read_gzip(path));
  ASSIGN_OR_RETURN(json::Document doc, json::parse(text));
  auto lib = std::make_shared<SchemaLibrary>(PrivateTag{});
  lib->doc_ = std::move(doc);
  const json::Value* defs = json::find(lib->doc_, "definitions");
  if (defs == nullptr || !defs->IsObject()) {
    return util::invalid_argument_error(util::cat(path, ": no definitions"));
  }
  for (auto it = defs->MemberBegin(); it != defs->MemberEnd(); ++it) {
    lib->definitions_.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                              &it->value);
  }
  return std::shared_ptr<const SchemaLibrary>(std::move(lib));
}

const json::Value* SchemaLibrary::definition(std::string_view name) const {
  auto it = definitions_.find(name);
  return it == definitions_.end() ? nullptr : it->second;
}

const json::Value& SchemaLibrary::resolve(const json::Value& schema) const {
  const json::Value* current = &schema;
  for (int depth = 0; depth < 8; ++depth) {
    const json::Value* ref = json::find(*current, "$ref");
    if (ref == nullptr || !ref->IsString()) break;
    std::string_view target(ref->GetString(), ref->GetStringLength());
    constexpr std::string_view kPrefix = "#/definitions/";
    if (target.substr(0, kPrefix.size()) != kPrefix) break;
    const json::Value* def = definition(target.substr(kPrefix.size()));
    if (def == nullptr) break;
    current = def;
  }
  return *current;
}

std::string_view SchemaLibrary::short_name(std::string_view definition_name) {
  size_t dot = definition_name.rfind('.');
  return dot == std::string_view::npos ? definition_name : definition_name.substr(dot + 1);
}

std::string SchemaLibrary::go_type_name(std::string_view definition_name) {
  size_t dot = definition_name.rfind('.');
  if (dot == std::string_view::npos) return std::string(definition_name);
  std::string_view package = definition_name.substr(0, dot);
  size_t pdot = package.rfind('.');
  if (pdot != std::string_view::npos) package = package.substr(pdot + 1);
  return util::cat(package, ".", definition_name.substr(dot + 1));
}

}  // namespace sim::kube
