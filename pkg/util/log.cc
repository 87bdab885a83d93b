#include "pkg/util/log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "pkg/util/clock.h"
#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace util::log {
namespace {

// Set by configure() before other threads start; read-only afterwards.
Options g_options;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

// How each format names a severity: the text line's letter, the JSON level.
struct SeverityNames {
  char letter;
  std::string_view level;
};

SeverityNames names_of(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return {'I', "info"};
    case Severity::kWarning:
      return {'W', "warning"};
    case Severity::kError:
      return {'E', "error"};
  }
  return {'E', "error"};
}

std::tm utc(int64_t time_micros) {
  const std::time_t seconds = static_cast<std::time_t>(time_micros / 1'000'000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);  // UTC: no time zone file is read
  return parts;
}

int64_t now_micros() {
  static const RealClock kClock;  // a log stamp is the wall time, whatever clock a test injects
  return absl::ToUnixMicros(kClock.system_now());
}

int thread_id() {
  thread_local const int kId = static_cast<int>(::gettid());
  return kId;
}

std::string_view base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash != nullptr ? slash + 1 : path;
}

// All of `line` to stderr: one write(2) unless the pipe takes less.
void write_line(std::string_view line) {
  while (!line.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to log that logging failed
    line.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void configure(const Options& options) {
  g_options = options;
}

bool enabled(Severity severity) {
  return severity >= g_options.min_severity;
}

bool verbose(int level) {
  return level <= g_options.verbosity && enabled(Severity::kInfo);
}

std::string text_line(Severity severity, int64_t time_micros, int thread_id, std::string_view file,
                      int line, std::string_view message) {
  const std::tm t = utc(time_micros);
  char prefix[128];
  std::snprintf(prefix, sizeof(prefix), "%c%04d%02d%02d %02d:%02d:%02d.%06d %5d ",
                names_of(severity).letter, t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                t.tm_min, t.tm_sec, static_cast<int>(time_micros % 1'000'000), thread_id);
  return util::cat(prefix, file, ":", line, "] ", message);
}

std::string json_line(std::string_view level, std::string_view time_rfc3339, std::string_view file,
                      int line, std::string_view message) {
  return util::cat("{\"time\":\"", time_rfc3339, "\",\"level\":\"", level, "\",\"caller\":\"",
                   util::json_escape(file), ":", line, "\",\"msg\":\"", util::json_escape(message),
                   "\"}");
}

Message::Message(Severity severity, const char* file, int line)
    : severity_(severity), file_(file), line_(line) {}

Message::~Message() {
  const std::string text = std::move(stream_).str();
  std::string_view message = text;
  if (message.ends_with('\n')) message.remove_suffix(1);  // the line's own newline comes next
  const int64_t now = now_micros();
  std::string out =
      g_options.format == Format::kJson
          ? json_line(names_of(severity_).level, format_rfc3339_micro(absl::FromUnixMicros(now)),
                      base_name(file_), line_, message)
          : text_line(severity_, now, thread_id(), base_name(file_), line_, message);
  out += '\n';
  write_line(out);
}

}  // namespace util::log
