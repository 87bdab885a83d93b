#include "pkg/util/files.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "pkg/util/strings.h"

namespace util {

util::StatusOr<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string reason = std::error_code(err, std::generic_category()).message();
    if (err == ENOENT) return util::not_found_error(util::cat(path, ": ", reason));
    if (err == EACCES) return util::permission_denied_error(util::cat(path, ": ", reason));
    return util::unavailable_error(util::cat(path, ": ", reason));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return util::unavailable_error(util::cat(path, ": read error"));
  return std::move(content).str();
}

}  // namespace util
