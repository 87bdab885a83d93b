#include "tests/sim/kube/kubeconfig.h"

#include <cstdio>
#include <fstream>

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"

namespace sim::kube {

std::string render_kubeconfig(const KubeconfigSpec& spec) {
  std::string out = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + spec.name +
                    "\n  cluster:\n    server: " + spec.server + "\n";
  if (!spec.ca_pem.empty()) {
    out += "    certificate-authority-data: " + util::base64_encode(spec.ca_pem) + "\n";
  }
  out += "users:\n- name: " + spec.name + "\n  user:";
  if (spec.token.empty()) {
    out += " {}\n";
  } else {
    out += "\n    token: ";
    out += spec.token.reveal();
    out += "\n";
  }
  out += "contexts:\n- name: " + spec.name + "\n  context:\n    cluster: " + spec.name +
         "\n    user: " + spec.name + "\n    namespace: " + spec.ns +
         "\ncurrent-context: " + spec.name + "\npreferences: {}\n";
  return out;
}

util::Status write_kubeconfig(const std::string& path, const KubeconfigSpec& spec) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return util::internal_error(util::cat("cannot write ", tmp));
    f << render_kubeconfig(spec);
    if (!f.good()) return util::internal_error(util::cat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return util::internal_error(util::cat("cannot rename ", tmp, " to ", path));
  }
  return util::ok_status();
}

}  // namespace sim::kube
