// A set of informer event handlers that replays every call onto a map and
// flags any call that does not follow from the calls before it (a missed,
// duplicated or replayed notification). Shared by the informer tests against
// FakeTransport and against the API simulator.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "pkg/kube/informer.h"
#include "pkg/util/mutex.h"
#include "pkg/util/strings.h"
#include "tests/unit/kube/test_util.h"

namespace kube::test {

// Replays handler calls onto a map and flags any call that does not follow
// from the calls before it (a missed or duplicated notification).
class Mirror {
 public:
  EventHandlers<Object> handlers() {
    EventHandlers<Object> h;
    h.on_add = [this](const ObjectPtr& o) {
      util::MutexLock lock(mu_);
      log_.push_back(util::cat("add ", o->key(), "@", o->resource_version()));
      if (state_.contains(o->key())) violations_.push_back("duplicate add " + o->key());
      check_newer_locked(*o);
      state_[o->key()] = std::string(o->resource_version());
      calls_.increment();
    };
    h.on_update = [this](const ObjectPtr& old_object, const ObjectPtr& new_object) {
      util::MutexLock lock(mu_);
      const std::string key = new_object->key();
      if (old_object == new_object) {
        ++resyncs_;
        calls_.increment();
        return;
      }
      log_.push_back(util::cat("update ", key, "@", old_object->resource_version(), "->",
                               new_object->resource_version()));
      auto it = state_.find(key);
      if (it == state_.end()) {
        violations_.push_back("update of unknown " + key);
      } else if (it->second != old_object->resource_version()) {
        violations_.push_back("update from a state never delivered: " + key);
      }
      check_newer_locked(*new_object);
      state_[key] = std::string(new_object->resource_version());
      calls_.increment();
    };
    h.on_delete = [this](const ObjectPtr& o, bool unknown) {
      util::MutexLock lock(mu_);
      log_.push_back(util::cat("delete ", o->key(), unknown ? " (final state unknown)" : ""));
      if (state_.erase(o->key()) == 0) violations_.push_back("delete of unknown " + o->key());
      if (!unknown) check_newer_locked(*o);
      calls_.increment();
    };
    return h;
  }

  std::map<std::string, std::string> state() const {
    util::MutexLock lock(mu_);
    return state_;
  }
  std::vector<std::string> take_log() {
    util::MutexLock lock(mu_);
    return std::exchange(log_, {});
  }
  std::vector<std::string> violations() const {
    util::MutexLock lock(mu_);
    return violations_;
  }
  int resyncs() const {
    util::MutexLock lock(mu_);
    return resyncs_;
  }
  Counter& calls() { return calls_; }

 private:
  // Versions only grow: a state at or below one already delivered for the
  // key is a replay (a duplicated or out-of-order notification).
  void check_newer_locked(const Object& o) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const int64_t rv = std::stoll(std::string(o.resource_version()));
    int64_t& last = last_rv_[o.key()];
    if (rv <= last) violations_.push_back(util::cat("replayed ", o.key(), "@", rv));
    last = rv;
  }

  mutable util::Mutex mu_;
  std::map<std::string, int64_t> last_rv_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> state_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> log_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> violations_ ABSL_GUARDED_BY(mu_);
  int resyncs_ ABSL_GUARDED_BY(mu_) = 0;
  Counter calls_;
};

}  // namespace kube::test
