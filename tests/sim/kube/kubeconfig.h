// Writes a kubeconfig that points kubectl (or our client) at a running
// simulator: one cluster (server URL, certificate-authority-data for TLS),
// one user (bearer token, if any), one context (with a default namespace),
// made current. Written to a temporary file and renamed, so a script that
// waits for the file never reads half of it.
//
// Thread-safety: pure function.
// Errors: kInternal when the file cannot be written.
#pragma once

#include <string>

#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace sim::kube {

struct KubeconfigSpec {
  std::string server;        // https://127.0.0.1:12345
  std::string ca_pem;        // "" for plain HTTP
  util::SecretString token;  // "" for none
  std::string name = "kube-sim";
  std::string ns = "default";
};

std::string render_kubeconfig(const KubeconfigSpec& spec);
util::Status write_kubeconfig(const std::string& path, const KubeconfigSpec& spec);

}  // namespace sim::kube
