// The Roles Anywhere tests' PKI (make_test_pki.sh), made with the openssl CLI:
// see the script for the files. Made once a day beside the test binary and
// shared, under a file lock, by its processes (ctest runs each gtest case as
// one). Also runs other openssl commands, so tests check this project's X.509
// code against an independent implementation.
//
// Thread-safety: instance() is thread-safe; issue() locks across processes.
#pragma once

#include <filesystem>
#include <string>

namespace pki::testing {

class TestPki {
 public:
  // Aborts when the script fails: no Roles Anywhere test can run without it.
  static const TestPki& instance();

  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // The content of a file of the PKI ("rsa.pem").
  std::string read(const std::string& name) const;
  // Issues another end entity (make_test_pki.sh DIR issue NAME TYPE [START END]).
  void issue(const std::string& name, const std::string& key_type, const std::string& start = "",
             const std::string& end = "") const;

 private:
  TestPki();
  std::filesystem::path dir_;
};

struct CommandResult {
  int exit_code = 0;
  std::string out;  // standard output
};
// Runs `command` with /bin/sh.
CommandResult run(const std::string& command);
// Its standard output, or aborts when it fails.
std::string run_or_die(const std::string& command);

}  // namespace pki::testing
