#include "pkg/kube/config.h"

#include <cstdlib>
#include <filesystem>

#include "pkg/kube/kubeconfig.h"
#include "pkg/util/files.h"
#include "pkg/util/strings.h"

namespace kube {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at startup
  return value == nullptr ? std::string() : std::string(value);
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

}  // namespace

ConfigSources ConfigSources::from_environment() {
  ConfigSources s;
  s.kubeconfig_env = env("KUBECONFIG");
  s.home = env("HOME");
  s.service_host = env("KUBERNETES_SERVICE_HOST");
  s.service_port = env("KUBERNETES_SERVICE_PORT");
  return s;
}

std::string join_host_port(std::string_view host, std::string_view port) {
  const bool ipv6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
  return ipv6 ? util::cat("[", host, "]:", port) : util::cat(host, ":", port);
}

util::StatusOr<Config> config_from_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return util::invalid_argument_error(
        util::cat("--apiserver ", url, ": scheme must be http:// or https://"));
  }
  const std::string_view host = rest.substr(0, rest.find('/'));
  if (host.empty())
    return util::invalid_argument_error(util::cat("--apiserver ", url, ": no host"));
  Config config;
  config.server = std::string(url);
  while (config.server.ends_with('/'))
    config.server.pop_back();
  config.source = util::cat("--apiserver ", config.server);
  return config;
}

util::StatusOr<Config> load_in_cluster_config(std::string_view host, std::string_view port,
                                              const InClusterPaths& paths, util::Clock& clock) {
  if (host.empty() || port.empty()) {
    return util::failed_precondition_error(
        "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  }
  auto token = std::make_shared<FileTokenSource>(paths.token_file, clock);
  if (auto first = token->token(); !first.ok()) {
    return util::Status(first.status().code(),
                        util::cat("in-cluster config: ", first.status().message()));
  }
  Config config;
  config.server = util::cat("https://", join_host_port(host, port));
  config.token = std::move(token);
  if (file_exists(paths.ca_file)) config.tls.ca_file = paths.ca_file;
  if (auto ns = util::read_file(paths.namespace_file); ns.ok()) {
    config.default_namespace = std::string(util::trim(*ns));
  }
  config.source = util::cat("in-cluster ", config.server);
  return config;
}

util::StatusOr<Config> load_config(const ConfigSources& sources, util::Clock& clock) {
  if (!sources.apiserver_url.empty()) return config_from_url(sources.apiserver_url);
  if (!sources.kubeconfig_flag.empty()) {
    return load_kubeconfig({sources.kubeconfig_flag}, sources.context, clock);
  }
  if (!sources.kubeconfig_env.empty()) {
    std::vector<std::string> paths;
    for (std::string_view p : util::split(sources.kubeconfig_env, ':')) {
      if (!p.empty()) paths.emplace_back(p);
    }
    return load_kubeconfig(paths, sources.context, clock);
  }
  if (!sources.service_host.empty() || !sources.service_port.empty()) {
    return load_in_cluster_config(sources.service_host, sources.service_port, sources.in_cluster,
                                  clock);
  }
  if (!sources.home.empty()) {
    const std::string path = util::cat(sources.home, "/.kube/config");
    if (file_exists(path)) return load_kubeconfig({path}, sources.context, clock);
  }
  return util::failed_precondition_error(
      "no Kubernetes configuration: pass --apiserver or --kubeconfig, set KUBECONFIG, run "
      "in a cluster, or create ~/.kube/config");
}

}  // namespace kube
