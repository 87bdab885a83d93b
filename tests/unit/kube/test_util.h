// Helpers shared by the pkg/kube tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "pkg/kube/object.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace kube::test {

// A response body from tests/data/k8s-wire-samples, verbatim, minus the
// "HTTP 410" note some samples carry on their last line.
inline std::string wire_sample(const std::string& name) {
  const std::string path = std::string(KAIC_TEST_DATA_DIR) + "/k8s-wire-samples/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing sample " << path;
  std::ostringstream out;
  out << in.rdbuf();
  std::string body = out.str();
  const size_t note = body.rfind("\nHTTP ");
  if (note != std::string::npos) body.resize(note + 1);
  return body;
}

inline std::string data_file(const std::string& relative) {
  std::ifstream in(std::string(KAIC_TEST_DATA_DIR) + "/" + relative);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline Object parse_or_die(std::string_view json) {
  auto parsed = Object::parse(json);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? std::move(parsed).value() : Object();
}

// A minimal Secret named `name` in `ns`.
inline Object secret(std::string_view ns, std::string_view name) {
  Object o;
  o.set_api_version("v1");
  o.set_kind("Secret");
  o.set_name(name);
  o.set_namespace(ns);
  return o;
}

// Counts events on other threads; a test waits (bounded, in real time) until
// a count is reached instead of sleeping.
class Counter {
 public:
  void increment() {
    util::MutexLock lock(mu_);
    ++count_;
    cv_.notify_all();
  }
  int value() const {
    util::MutexLock lock(mu_);
    return count_;
  }
  bool await_at_least(int n, absl::Duration timeout = absl::Seconds(10)) const {
    util::RealClock clock;
    const util::MonotonicTime deadline = clock.monotonic_now() + timeout;
    util::MutexLock lock(mu_);
    while (count_ < n) {
      if (clock.wait_until(cv_, mu_, deadline)) return count_ >= n;
    }
    return true;
  }

 private:
  mutable util::Mutex mu_;
  mutable util::CondVar cv_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kube::test
