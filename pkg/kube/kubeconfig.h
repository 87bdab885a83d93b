// Reads kubeconfig files (the `kubectl` format, via yaml-cpp) into a Config:
// clusters (server, certificate-authority(-data), insecure-skip-tls-verify,
// tls-server-name), users (token, tokenFile, client-certificate(-data),
// client-key(-data)) and contexts (cluster, user, namespace).
//
// Several files (KUBECONFIG=a:b) merge as kubectl does for our purposes: the
// first file that defines a name wins, and the first current-context set wins.
// Relative paths resolve against the directory of the file that holds them.
// Unsupported auth (exec plugins, auth-provider, basic auth) is an error.
//
// Pure (reads only the named files); thread-safe. Errors: kNotFound for a
// missing file/context/cluster/user, kInvalidArgument for malformed YAML or
// fields, each one line: `kubeconfig /x: context "foo" not found`. yaml-cpp's
// exceptions never escape.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pkg/kube/config.h"

namespace kube {

// `context` empty: the files' current-context. Missing files in `paths` are
// skipped (as kubectl does with KUBECONFIG) unless none is readable.
util::StatusOr<Config> load_kubeconfig(const std::vector<std::string>& paths,
                                       std::string_view context, util::Clock& clock);

}  // namespace kube
