// Runs a credential_process command the way the AWS SDKs do (/bin/sh -c
// "<command>"), capturing its stdout (which holds secrets) and its stderr
// (for error messages), and killing it when it runs too long.
//
// Thread-safe: each call spawns its own process (posix_spawn, its own process
// group, stdin from /dev/null). Blocks the caller for at most `timeout` of
// real time (an I/O wait, not a sleep). Errors: kDeadlineExceeded when the
// process group was killed after `timeout`; kResourceExhausted when stdout
// exceeds `max_stdout`; kInternal when the process cannot be started.
#pragma once

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"

namespace aws {

struct ProcessResult {
  int exit_code = 0;  // valid when !signaled
  bool signaled = false;
  int signal = 0;
  util::SecretString stdout_data;
  std::string stderr_data;  // at most the first 4 KiB
};

util::StatusOr<ProcessResult> run_shell(std::string_view command, absl::Duration timeout,
                                        size_t max_stdout = 1 << 20);

}  // namespace aws
