// What this binary is: the version and source revision it was built from
// (--version, the build_info metric, the first log line and the image labels).
#pragma once

#include <string>
#include <string_view>

namespace controller {

// The project version (CMake's project(VERSION)), e.g. "0.1.0".
std::string_view version();
// The source revision: 12 hex digits of the commit, "-dirty" when the tree had
// uncommitted changes, or what the build was told (-DKAIC_REVISION=...);
// "unknown" outside a git checkout.
std::string_view revision();
// "kube-aws-iam-controller <version> (revision <revision>)": what --version
// prints and the first log line says.
std::string version_line();

}  // namespace controller
