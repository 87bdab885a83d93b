// How a client reaches the apiserver: its URL, TLS settings and bearer token,
// found the way the Go controller finds them. Precedence:
//   1. an explicit --apiserver URL (URL only, no credentials; plain http allowed)
//   2. a kubeconfig named by --kubeconfig, else by $KUBECONFIG (':'-separated)
//   3. in-cluster: $KUBERNETES_SERVICE_HOST/PORT + the service-account token
//      (re-read as it rotates) and CA
//   4. ~/.kube/config
// Every misconfiguration is one clear error line naming the file and the
// entry, e.g. `kubeconfig /x: context "foo" not found`.
//
// Thread-safety: loading is a pure function of ConfigSources and the files it
// names; a Config is an immutable value afterwards (its TokenSource is
// thread-safe). Ownership: the Config's TokenSource borrows the Clock passed to
// the loader, which must outlive it. Errors: kInvalidArgument for malformed
// input, kNotFound for a missing file or entry, kFailedPrecondition when no
// source is configured at all.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pkg/http/tls_options.h"
#include "pkg/kube/token_source.h"
#include "pkg/util/clock.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace kube {

struct Config {
  std::string server;  // "https://10.0.0.1:443" (no trailing slash)
  // Whom to trust and how to authenticate: http::Http1TransportOptions::tls
  // as is. PEM in the *_pem fields; files are absolute paths.
  http::TlsOptions tls;
  std::shared_ptr<TokenSource> token;  // null: no Authorization header
  std::string default_namespace;       // context namespace / in-cluster namespace; may be ""
  std::string source;  // for the startup log: "in-cluster", "kubeconfig /x (context c)"
};

struct InClusterPaths {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

// Every input of the loader, so tests need no real environment.
struct ConfigSources {
  std::string apiserver_url;    // --apiserver
  std::string kubeconfig_flag;  // --kubeconfig
  std::string context;          // --context (else the kubeconfig's current-context)
  std::string kubeconfig_env;   // $KUBECONFIG
  std::string home;             // $HOME
  std::string service_host;     // $KUBERNETES_SERVICE_HOST
  std::string service_port;     // $KUBERNETES_SERVICE_PORT
  InClusterPaths in_cluster;

  // The environment parts from the process environment (flags left empty).
  static ConfigSources from_environment();
};

util::StatusOr<Config> load_config(const ConfigSources& sources, util::Clock& clock);

// The --apiserver form: scheme http or https and a host are required.
util::StatusOr<Config> config_from_url(std::string_view url);

// In-cluster config; IPv6 service hosts are bracketed ("https://[fd00::1]:443").
util::StatusOr<Config> load_in_cluster_config(std::string_view host, std::string_view port,
                                              const InClusterPaths& paths, util::Clock& clock);

// "host:port" for a URL authority, bracketing IPv6 literals.
std::string join_host_port(std::string_view host, std::string_view port);

}  // namespace kube
