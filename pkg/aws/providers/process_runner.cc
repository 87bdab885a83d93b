#include "pkg/aws/providers/process_runner.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "pkg/util/clock.h"
#include "pkg/util/strings.h"

extern char** environ;  // NOLINT: POSIX

namespace aws {
namespace {

constexpr size_t kMaxStderr = 4096;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

util::Status spawn_error(std::string_view what, int err) {
  return util::internal_error(util::cat("cannot run credential_process: ", what, ": ",
                                        std::generic_category().message(err)));
}

}  // namespace

util::StatusOr<ProcessResult> run_shell(std::string_view command, absl::Duration timeout,
                                        size_t max_stdout) {
  Fd out_read, out_write, err_read, err_write;
  if (!make_pipe(out_read, out_write) || !make_pipe(err_read, err_write)) {
    return spawn_error("pipe", errno);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals, default_signals;
  sigemptyset(&no_signals);
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string sh = "sh", dash_c = "-c", cmd(command);
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0) return spawn_error("spawn /bin/sh", spawned);
  out_write.reset();
  err_write.reset();

  std::string out;
  out.reserve(size_t{64} * 1024);  // typical outputs never reallocate (no stray copies of secrets)
  std::string err;
  util::RealClock clock;
  const util::MonotonicTime deadline = clock.monotonic_now() + timeout;
  bool timed_out = false, too_big = false;
  bool out_open = true, err_open = true;
  char buf[4096];
  while (out_open || err_open) {
    const absl::Duration left = deadline - clock.monotonic_now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_open ? out_read.get() : -1, POLLIN, 0},
                     {err_open ? err_read.get() : -1, POLLIN, 0}};
    const int ready = ::poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      if (i == 0) {
        if (out.size() + static_cast<size_t>(n) > max_stdout) {
          too_big = true;
        } else {
          out.append(buf, static_cast<size_t>(n));
        }
      } else if (err.size() < kMaxStderr) {
        err.append(buf, std::min(static_cast<size_t>(n), kMaxStderr - err.size()));
      }
    }
    if (too_big) break;
  }
  OPENSSL_cleanse(buf, sizeof(buf));
  if (timed_out || too_big) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  ProcessResult result;
  result.stdout_data = util::SecretString(std::move(out));
  if (timed_out) {
    return util::deadline_exceeded_error(util::cat("credential_process did not finish within ",
                                                   absl::FormatDuration(timeout), ", killed"));
  }
  if (too_big) {
    return util::resource_exhausted_error(
        util::cat("credential_process wrote more than ", max_stdout, " bytes to stdout"));
  }
  result.stderr_data = std::move(err);
  if (WIFSIGNALED(wstatus)) {
    result.signaled = true;
    result.signal = WTERMSIG(wstatus);
  } else {
    result.exit_code = WEXITSTATUS(wstatus);
  }
  return result;
}

}  // namespace aws
