#include "pkg/kube/kubeconfig.h"

#include <filesystem>
#include <map>

#include "pkg/util/base64.h"
#include "pkg/util/files.h"
#include "pkg/util/strings.h"
#include "yaml-cpp/yaml.h"

namespace kube {
namespace {

namespace fs = std::filesystem;

// A named entry (cluster, user or context) and the directory of its file.
struct Entry {
  YAML::Node body;
  std::string dir;
};

struct Merged {
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
  std::string current_context;
};

// Everything that reads YAML may throw YAML::Exception; callers catch it.
std::string scalar(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  if (!value.IsDefined() || value.IsNull()) return {};
  return value.as<std::string>();
}

void merge_list(const YAML::Node& list, const char* body_key, const std::string& dir,
                std::map<std::string, Entry>& into) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) throw YAML::Exception(YAML::Mark::null_mark(), "expected a list");
  for (const YAML::Node& item : list) {
    const std::string name = scalar(item, "name");
    if (name.empty()) continue;
    into.try_emplace(name, Entry{item[body_key], dir});  // first file wins
  }
}

std::string resolve(const std::string& path, const std::string& dir) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(dir) / path).lexically_normal().string();
}

class Loader {
 public:
  Loader(std::string label, util::Clock& clock) : label_(std::move(label)), clock_(clock) {}

  util::Status error(util::StatusCode code, std::string_view what) const {
    return {code, util::cat("kubeconfig ", label_, ": ", what)};
  }

  util::StatusOr<std::string> file_path(const Entry& entry, const char* key,
                                        std::string_view owner) const {
    const std::string path = resolve(scalar(entry.body, key), entry.dir);
    if (path.empty()) return path;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      return error(util::StatusCode::kNotFound,
                   util::cat(owner, ": ", key, " ", path, ": no such file"));
    }
    return path;
  }

  util::StatusOr<std::string> data(const Entry& entry, const char* key,
                                   std::string_view owner) const {
    const std::string encoded = scalar(entry.body, key);
    if (encoded.empty()) return encoded;
    auto decoded = util::base64_decode(util::trim(encoded));
    if (!decoded.ok()) {
      return error(util::StatusCode::kInvalidArgument,
                   util::cat(owner, ": ", key, " is not valid base64"));
    }
    return std::move(decoded).value();
  }

  util::Status apply_cluster(const Entry& entry, std::string_view owner, Config& config) const {
    config.server = scalar(entry.body, "server");
    if (config.server.empty()) {
      return error(util::StatusCode::kInvalidArgument, util::cat(owner, " has no server"));
    }
    while (config.server.ends_with('/'))
      config.server.pop_back();
    ASSIGN_OR_RETURN(config.tls.ca_file, file_path(entry, "certificate-authority", owner));
    ASSIGN_OR_RETURN(config.tls.ca_pem, data(entry, "certificate-authority-data", owner));
    const YAML::Node insecure = entry.body["insecure-skip-tls-verify"];
    if (insecure.IsDefined() && !insecure.IsNull()) {
      bool value = false;
      if (!YAML::convert<bool>::decode(insecure, value)) {
        return error(util::StatusCode::kInvalidArgument,
                     util::cat(owner, ": insecure-skip-tls-verify must be true or false"));
      }
      config.tls.insecure_skip_verify = value;
    }
    config.tls.server_name = scalar(entry.body, "tls-server-name");
    return util::ok_status();
  }

  util::Status apply_user(const Entry& entry, std::string_view owner, Config& config) const {
    for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
      if (entry.body[unsupported].IsDefined()) {
        return error(util::StatusCode::kInvalidArgument,
                     util::cat(owner, ": ", unsupported, " is not supported (use a token, ",
                               "tokenFile or client certificate)"));
      }
    }
    ASSIGN_OR_RETURN(config.tls.client_cert_file, file_path(entry, "client-certificate", owner));
    ASSIGN_OR_RETURN(config.tls.client_cert_pem, data(entry, "client-certificate-data", owner));
    ASSIGN_OR_RETURN(config.tls.client_key_file, file_path(entry, "client-key", owner));
    ASSIGN_OR_RETURN(std::string key_data, data(entry, "client-key-data", owner));
    config.tls.client_key_pem = util::SecretString(std::move(key_data));
    // As client-go: a token file, when set, takes precedence over a token.
    ASSIGN_OR_RETURN(const std::string token_file, file_path(entry, "tokenFile", owner));
    if (!token_file.empty()) {
      config.token = std::make_shared<FileTokenSource>(token_file, clock_);
    } else if (std::string token = scalar(entry.body, "token"); !token.empty()) {
      config.token = std::make_shared<StaticTokenSource>(util::SecretString(std::move(token)));
    }
    return util::ok_status();
  }

  util::StatusOr<Config> build(const Merged& merged, std::string_view context_flag) const {
    const std::string context_name =
        context_flag.empty() ? merged.current_context : std::string(context_flag);
    if (context_name.empty()) {
      return error(util::StatusCode::kInvalidArgument,
                   "no current-context is set and no context was given");
    }
    const auto context = merged.contexts.find(context_name);
    if (context == merged.contexts.end()) {
      return error(util::StatusCode::kNotFound,
                   util::cat("context \"", context_name, "\" not found"));
    }
    const std::string cluster_name = scalar(context->second.body, "cluster");
    const std::string user_name = scalar(context->second.body, "user");
    const std::string of_context = util::cat(" (context \"", context_name, "\")");
    const auto cluster = merged.clusters.find(cluster_name);
    if (cluster_name.empty() || cluster == merged.clusters.end()) {
      return error(util::StatusCode::kNotFound,
                   util::cat("cluster \"", cluster_name, "\"", of_context, " not found"));
    }
    Config config;
    RETURN_IF_ERROR(
        apply_cluster(cluster->second, util::cat("cluster \"", cluster_name, "\""), config));
    if (!user_name.empty()) {
      const auto user = merged.users.find(user_name);
      if (user == merged.users.end()) {
        return error(util::StatusCode::kNotFound,
                     util::cat("user \"", user_name, "\"", of_context, " not found"));
      }
      RETURN_IF_ERROR(apply_user(user->second, util::cat("user \"", user_name, "\""), config));
    }
    config.default_namespace = scalar(context->second.body, "namespace");
    config.source = util::cat("kubeconfig ", label_, of_context);
    return config;
  }

 private:
  const std::string label_;
  util::Clock& clock_;
};

}  // namespace

util::StatusOr<Config> load_kubeconfig(const std::vector<std::string>& paths,
                                       std::string_view context, util::Clock& clock) {
  const std::string label = util::join(paths, ":");
  const Loader loader(label, clock);
  Merged merged;
  int loaded = 0;
  for (const std::string& path : paths) {
    auto content = util::read_file(path);
    if (!content.ok()) {
      if (content.status().code() == util::StatusCode::kNotFound && paths.size() > 1) continue;
      return util::Status(content.status().code(),
                          util::cat("kubeconfig ", content.status().message()));
    }
    const std::string dir = fs::path(path).parent_path().string();
    try {
      const YAML::Node root = YAML::Load(*content);
      if (!root.IsDefined() || root.IsNull()) {
        ++loaded;
        continue;
      }
      if (!root.IsMap()) {
        return util::invalid_argument_error(util::cat("kubeconfig ", path, ": not a YAML mapping"));
      }
      merge_list(root["clusters"], "cluster", dir, merged.clusters);
      merge_list(root["users"], "user", dir, merged.users);
      merge_list(root["contexts"], "context", dir, merged.contexts);
      if (merged.current_context.empty()) merged.current_context = scalar(root, "current-context");
      ++loaded;
    } catch (const YAML::Exception& e) {
      return util::invalid_argument_error(
          util::cat("kubeconfig ", path, ": invalid YAML: ", e.what()));
    }
  }
  if (loaded == 0) {
    return util::not_found_error(util::cat("kubeconfig ", label, ": no file found"));
  }
  try {
    return loader.build(merged, context);
  } catch (const YAML::Exception& e) {
    return loader.error(util::StatusCode::kInvalidArgument, util::cat("invalid field: ", e.what()));
  }
}

}  // namespace kube
