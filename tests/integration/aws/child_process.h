// Child processes for the real-client integration tests: the AWS CLI, Debian's
// python3 with boto3, and the aws-sim binary, each started by absolute path
// with exactly the environment given (nothing inherited), stdin from
// /dev/null, stdout and stderr captured. Every wait is bounded and
// event-driven (poll on the pipes and a pidfd): no sleeps; a child still
// running at a deadline or at destruction is killed by its PID and reaped,
// and the kernel kills it (PR_SET_PDEATHSIG) if the spawning thread dies
// first, e.g. when a sanitizer aborts the test: spawn from a thread that
// outlives the child.
//
// Thread-safety: one ChildProcess per thread.
// Time: deadlines on util::RealClock's monotonic reading.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace integration::aws {

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal or at the deadline
  bool timed_out = false;  // killed at the deadline
  std::string out;
  std::string err;
};

class ChildProcess {
 public:
  // `argv[0]` is an absolute path; `env` holds "NAME=value" entries.
  // Errors: kInternal when the process cannot be started.
  static util::StatusOr<std::unique_ptr<ChildProcess>> spawn(const std::vector<std::string>& argv,
                                                             const std::vector<std::string>& env);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of stdout (without '\n'), or nullopt at EOF or after `timeout`.
  std::optional<std::string> read_line(absl::Duration timeout);
  // Sends `signal` to the child (by PID), if it still runs.
  void send_signal(int signal);
  // Collects output until the child exits; kills it after `timeout`.
  ProcessResult wait(absl::Duration timeout);

 private:
  ChildProcess(pid_t pid, int out_fd, int err_fd, int pid_fd)
      : pid_(pid), out_fd_(out_fd), err_fd_(err_fd), pid_fd_(pid_fd) {}
  // Reads whatever is available within `deadline`; returns false at the deadline.
  bool pump(util::MonotonicTime deadline, bool until_exit, bool until_line);
  void kill_and_reap();

  util::RealClock clock_;
  pid_t pid_;
  int out_fd_;
  int err_fd_;
  int pid_fd_;
  bool reaped_ = false;
  int exit_code_ = -1;
  std::string out_;  // stdout not yet consumed by read_line()
  std::string err_;
};

// spawn() + wait(): runs a command to completion.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          absl::Duration timeout = absl::Seconds(60));

}  // namespace integration::aws
