#include "tests/pki/test_pki.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>

namespace pki::testing {
namespace {

std::filesystem::path script() {
  const char* env = std::getenv("KAIC_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe): no setenv
  const std::filesystem::path source = (env != nullptr && *env != '\0')
                                           ? std::filesystem::path(env)
                                           : std::filesystem::path(KAIC_SOURCE_DIR_FALLBACK);
  return source / "tests/pki/make_test_pki.sh";
}

}  // namespace

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {.exit_code = -1};
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string run_or_die(const std::string& command) {
  CommandResult result = run(command);
  if (result.exit_code != 0) {
    std::cerr << "failed (exit " << result.exit_code << "): " << command << "\n";
    std::abort();
  }
  return std::move(result.out);
}

const TestPki& TestPki::instance() {
  static const TestPki pki;  // removed at exit
  return pki;
}

namespace {

// Holds an exclusive flock on <dir>.lock while alive.
class DirLock {
 public:
  explicit DirLock(const std::filesystem::path& dir)
      : fd_(::open((dir.string() + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_;
};

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char day[16];
  std::strftime(day, sizeof(day), "%Y%m%d", &tm);
  return day;
}

}  // namespace

TestPki::TestPki() {
  // Beside the test binary, shared by its processes (ctest runs each case as
  // one); certificates are valid for days from when they are made, so one a
  // day, and yesterday's go.
  const std::filesystem::path home = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  dir_ = home / ("test-pki-" + today());
  const DirLock lock(dir_);
  if (std::filesystem::exists(dir_ / ".complete")) return;
  std::error_code ec;
  const std::string today_name = dir_.filename().string();
  for (const auto& entry : std::filesystem::directory_iterator(home, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("test-pki-") && !name.starts_with(today_name)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
  }
  std::filesystem::remove_all(dir_, ec);  // an incomplete one
  run_or_die(script().string() + " " + dir_.string());
  std::ofstream(dir_ / ".complete") << "made by tests/pki/make_test_pki.sh\n";
}

std::string TestPki::read(const std::string& name) const {
  std::ifstream in(dir_ / name, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

void TestPki::issue(const std::string& name, const std::string& key_type, const std::string& start,
                    const std::string& end) const {
  std::string command = script().string() + " " + dir_.string() + " issue " + name + " " + key_type;
  if (!start.empty()) command += " " + start + " " + end;
  const DirLock lock(dir_);
  run_or_die(command);
}

}  // namespace pki::testing
