#include "controller/process/logging.h"

#include <glog/logging.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "pkg/util/json_escape.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

std::string_view level_name(google::LogSeverity severity) {
  switch (severity) {
    case google::GLOG_INFO:
      return "info";
    case google::GLOG_WARNING:
      return "warning";
    case google::GLOG_ERROR:
      return "error";
    default:
      return "fatal";
  }
}

// Writes each log message as one JSON line on stderr.
class JsonSink final : public google::LogSink {
 public:
  void send(google::LogSeverity severity, const char* /*full_filename*/, const char* base_filename,
            int line, const google::LogMessageTime& time, const char* message,
            size_t message_len) override {
    char stamp[96];
    std::snprintf(stamp, sizeof(stamp), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", time.year() + 1900,
                  time.month() + 1, time.day(), time.hour(), time.min(), time.sec(), time.usec());
    std::string out = json_log_line(level_name(severity), stamp, base_filename, line,
                                    std::string_view(message, message_len));
    out += '\n';
    // One write(2) per line keeps lines whole when threads log concurrently.
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, out.data(), out.size());
  }
};

}  // namespace

std::string json_log_line(std::string_view level, std::string_view time_rfc3339,
                          std::string_view file, int line, std::string_view message) {
  return util::cat("{\"time\":\"", time_rfc3339, "\",\"level\":\"", level, "\",\"caller\":\"",
                   util::json_escape(file), ":", line, "\",\"msg\":\"", util::json_escape(message),
                   "\"}");
}

void init_logging(const char* argv0, LogFormat format, bool debug) {
  FLAGS_v = debug ? 1 : 0;
  FLAGS_logtostderr = format == LogFormat::kText;
  FLAGS_log_utc_time = true;
  // glog works out each line's UTC offset with mktime(), and glibc's mktime
  // reads the time zone again on every call while TZ is unset: a stat of
  // /etc/localtime per line, 2-3 % of the CPU that issuing a role costs.
  // TZ naming that same file has glibc read it once; lines are stamped in
  // UTC either way.
  setenv("TZ", ":/etc/localtime", /*overwrite=*/0);  // NOLINT(concurrency-mt-unsafe): no thread yet
  google::InitGoogleLogging(argv0);
  if (format == LogFormat::kJson) {
    // No log files, nothing on stderr from glog itself: only the sink.
    for (int severity = google::GLOG_INFO; severity < google::NUM_SEVERITIES; ++severity) {
      google::SetLogDestination(severity, "");
    }
    FLAGS_stderrthreshold = google::NUM_SEVERITIES;
    static JsonSink sink;  // lives for the process, as glog requires
    google::AddLogSink(&sink);
  }
}

}  // namespace controller
