#include "controller/process/build_info.h"

#include "kaic_build_info.h"  // generated: cmake/WriteBuildInfo.cmake
#include "pkg/util/strings.h"

namespace controller {

std::string_view version() {
  return KAIC_VERSION;
}
std::string_view revision() {
  return KAIC_REVISION;
}
std::string version_line() {
  return util::cat("kube-aws-iam-controller ", version(), " (revision ", revision(), ")");
}

}  // namespace controller
