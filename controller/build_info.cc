#include "controller/build_info.h"

#include "kaic_build_info.h"  // generated: cmake/WriteBuildInfo.cmake

namespace controller {

std::string_view version() {
  return KAIC_VERSION;
}
std::string_view revision() {
  return KAIC_REVISION;
}

}  // namespace controller
