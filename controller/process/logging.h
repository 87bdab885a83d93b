// Process logging on glog: klog-like text lines, or one JSON object per line
// (--log-format=json) for log pipelines. --debug enables VLOG(1).
// Call once from main() before any other thread starts.
#pragma once

#include <string>
#include <string_view>

#include "controller/process/config.h"

namespace controller {

void init_logging(const char* argv0, LogFormat format, bool debug);

// One JSON log line (without the newline) — exposed for tests.
std::string json_log_line(std::string_view level, std::string_view time_rfc3339,
                          std::string_view file, int line, std::string_view message);

}  // namespace controller
