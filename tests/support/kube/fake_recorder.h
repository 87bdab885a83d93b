// An EventRecorder for tests of code that records events: it keeps every
// occurrence in memory as "<Type> <Reason> <message>" lines (plus the whole
// occurrence), for assertions.
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "pkg/kube/event_recorder.h"
#include "pkg/util/mutex.h"

namespace kube::testing {

class FakeRecorder final : public EventRecorder {
 public:
  struct Recorded {
    ObjectReference involved;
    EventType type;
    std::string reason;
    std::string message;
  };

  void record(const ObjectReference& involved, EventType type, std::string_view reason,
              std::string_view message) override {
    util::MutexLock lock(mu_);
    recorded_.push_back({involved, type, std::string(reason), std::string(message)});
  }

  // "Normal CreateCredentials Created credentials for ..." per occurrence.
  std::vector<std::string> lines() const {
    util::MutexLock lock(mu_);
    std::vector<std::string> out;
    for (const Recorded& r : recorded_) {
      out.push_back(std::string(event_type_name(r.type)) + " " + r.reason + " " + r.message);
    }
    return out;
  }

  std::vector<Recorded> recorded() const {
    util::MutexLock lock(mu_);
    return recorded_;
  }

  void clear() {
    util::MutexLock lock(mu_);
    recorded_.clear();
  }

 private:
  mutable util::Mutex mu_;
  std::vector<Recorded> recorded_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kube::testing
