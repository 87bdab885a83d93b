#include "tests/integration/aws/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "pkg/util/strings.h"

namespace integration::aws {
namespace {

std::vector<char*> c_strings(const std::vector<std::string>& items) {
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const std::string& s : items)
    out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

util::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::spawn(
    const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/') {
    return util::invalid_argument_error("argv[0] must be an absolute path");
  }
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return util::internal_error("pipe2 failed");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return util::internal_error("pipe2 failed");
  }
  std::vector<char*> c_argv = c_strings(argv);
  std::vector<char*> c_env = c_strings(env);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // In the child: only async-signal-safe calls until execve. Die with the
    // test process (even if it aborts), default signals, empty mask.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_pipe[1], 1) < 0 ||
        dup2(err_pipe[1], 2) < 0) {
      _exit(127);
    }
    for (int sig = 1; sig < NSIG; ++sig)
      signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return util::internal_error(util::cat("cannot start ", argv[0], ": fork failed"));
  }
  const int pid_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pid_fd < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return util::internal_error("pidfd_open failed");
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out_pipe[0], err_pipe[0], pid_fd));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) kill_and_reap();
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  close(pid_fd_);
}

void ChildProcess::kill_and_reap() {
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  reaped_ = true;
  exit_code_ = -1;
}

void ChildProcess::send_signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

bool ChildProcess::pump(util::MonotonicTime deadline, bool until_exit, bool until_line) {
  while (true) {
    if (until_line && out_.find('\n') != std::string::npos) return true;
    if (until_line && out_fd_ < 0) return true;  // EOF
    if (until_exit && reaped_ && out_fd_ < 0 && err_fd_ < 0) return true;
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    if (!reaped_) fds[n++] = {pid_fd_, POLLIN, 0};
    const absl::Duration left = deadline - clock_.monotonic_now();
    if (left <= absl::ZeroDuration()) return false;
    const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    const int ready = poll(fds, n, timeout_ms);
    if (ready < 0 && errno != EINTR) return false;
    for (nfds_t i = 0; i < n && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == pid_fd_) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          reaped_ = true;
          exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        continue;
      }
      char buf[8192];
      const ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        (fds[i].fd == out_fd_ ? out_ : err_).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
        close(fd);
        fd = -1;
      }
    }
  }
}

std::optional<std::string> ChildProcess::read_line(absl::Duration timeout) {
  pump(clock_.monotonic_now() + timeout, /*until_exit=*/false, /*until_line=*/true);
  const size_t newline = out_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = out_.substr(0, newline);
  out_.erase(0, newline + 1);
  return line;
}

ProcessResult ChildProcess::wait(absl::Duration timeout) {
  ProcessResult result;
  if (!pump(clock_.monotonic_now() + timeout, /*until_exit=*/true, /*until_line=*/false)) {
    kill_and_reap();
    result.timed_out = true;
  }
  result.exit_code = exit_code_;
  result.out = std::move(out_);
  result.err = std::move(err_);
  out_.clear();
  err_.clear();
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          absl::Duration timeout) {
  auto child = ChildProcess::spawn(argv, env);
  if (!child.ok()) {
    ProcessResult failed;
    failed.err = child.status().to_string();
    return failed;
  }
  return (*child)->wait(timeout);
}

}  // namespace integration::aws
