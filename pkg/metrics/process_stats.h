// What every exporter reports about its own process (process_* metrics), read
// from /proc: resident memory and CPU time. Stateless; safe from any thread.
// Unreadable files read as 0.
#pragma once

#include <string>

namespace metrics {

// Resident set size of this process, in bytes (/proc/self/statm).
double resident_bytes();

// User + system CPU seconds of the process whose /proc directory is
// `proc_dir` ("/proc/self", "/proc/1234").
double process_cpu_seconds(const std::string& proc_dir);

}  // namespace metrics
