// Process logging: `LOG(INFO) << ...` (INFO, WARNING, ERROR) and, when
// verbose, `VLOG(1) << ...`. Each message becomes one line on stderr, written
// with one write(2) so that lines from concurrent threads stay whole: a
// klog-like text line, stamped in UTC,
//   I20261207 08:26:07.349107 16890 main.cc:578] message
// (severity, date, time, thread id, file:line — glog's format), or one JSON
// object per line for log pipelines:
//   {"time":"2026-12-07T08:26:07.349107Z","level":"info","caller":"main.cc:578","msg":"message"}
//
// Why not glog, which this replaces with the same text format: glog keeps a
// 30 KB message buffer in thread-local storage, which glibc zeroes for every
// thread the process starts (1.3 MB resident for the controller's threads),
// and it stamps each line through mktime().
//
// Thread-safety: configure() once, before other threads start; log from any
// thread. Time source: util::RealClock's wall time (a log stamp is read by
// people beside other logs, not by the code's timers). Messages
// are never truncated; a message that is not a complete line gets its newline.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace util::log {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };
enum class Format { kText, kJson };

struct Options {
  Format format = Format::kText;
  int verbosity = 0;                        // VLOG(n) writes when n <= verbosity
  Severity min_severity = Severity::kInfo;  // LOG below it writes nothing
};

void configure(const Options& options);

bool enabled(Severity severity);
bool verbose(int level);

// The two line formats (without the newline), from their parts. `time` is
// the stamp in microseconds since the Unix epoch.
std::string text_line(Severity severity, int64_t time_micros, int thread_id, std::string_view file,
                      int line, std::string_view message);
std::string json_line(std::string_view level, std::string_view time_rfc3339, std::string_view file,
                      int line, std::string_view message);

// One message: collects what is streamed into it and writes its line when it
// goes out of scope (the end of the LOG statement).
class Message {
 public:
  Message(Severity severity, const char* file, int line);
  ~Message();
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  std::ostream& stream() { return stream_; }

 private:
  Severity severity_;
  const char* file_;
  int line_;
  std::ostringstream stream_;
};

namespace internal {
// Turns `stream << ...` into a void expression, so that a disabled LOG is
// `cond ? (void)0 : Voidify() & stream << ...` and evaluates nothing it streams.
struct Voidify {
  void operator&(std::ostream& /*unused*/) {}
};
}  // namespace internal

}  // namespace util::log

// NOLINTBEGIN(cppcoreguidelines-macro-usage, bugprone-macro-parentheses): glog's
// statement syntax; the expression is the start of a `<<` chain, so it cannot
// be parenthesized.
#define KAIC_LOG_SEVERITY_INFO ::util::log::Severity::kInfo
#define KAIC_LOG_SEVERITY_WARNING ::util::log::Severity::kWarning
#define KAIC_LOG_SEVERITY_ERROR ::util::log::Severity::kError

#define KAIC_LOG_IF(condition, severity)            \
  !(condition) ? (void)0                            \
               : ::util::log::internal::Voidify() & \
                     ::util::log::Message(severity, __FILE__, __LINE__).stream()

#define LOG(severity) \
  KAIC_LOG_IF(::util::log::enabled(KAIC_LOG_SEVERITY_##severity), KAIC_LOG_SEVERITY_##severity)
#define VLOG(level) KAIC_LOG_IF(::util::log::verbose(level), ::util::log::Severity::kInfo)
// NOLINTEND(cppcoreguidelines-macro-usage, bugprone-macro-parentheses)
