#include "tests/sim/aws/call_log.h"

#include <chrono>

namespace sim::aws {

void CallLog::record(CallRecord call) {
  {
    util::MutexLock lock(mu_);
    ++counters_[call.action][call.result];
    ++total_;
    calls_.push_back(std::move(call));
    while (calls_.size() > capacity_) {
      calls_.pop_front();
      ++dropped_;
    }
  }
  changed_.notify_all();
}

std::vector<CallRecord> CallLog::calls() const {
  util::MutexLock lock(mu_);
  return {calls_.begin(), calls_.end()};
}

std::vector<CallRecord> CallLog::calls_of(std::string_view action) const {
  util::MutexLock lock(mu_);
  std::vector<CallRecord> out;
  for (const CallRecord& c : calls_) {
    if (c.action == action) out.push_back(c);
  }
  return out;
}

std::map<std::string, std::map<std::string, int64_t>> CallLog::counters() const {
  util::MutexLock lock(mu_);
  return counters_;
}

int64_t CallLog::count(std::string_view action, std::string_view result) const {
  util::MutexLock lock(mu_);
  auto a = counters_.find(std::string(action));
  if (a == counters_.end()) return 0;
  auto r = a->second.find(std::string(result));
  return r == a->second.end() ? 0 : r->second;
}

int64_t CallLog::total() const {
  util::MutexLock lock(mu_);
  return total_;
}

int64_t CallLog::dropped() const {
  util::MutexLock lock(mu_);
  return dropped_;
}

void CallLog::clear() {
  util::MutexLock lock(mu_);
  calls_.clear();
  counters_.clear();
  total_ = 0;
  dropped_ = 0;
}

bool CallLog::wait_for_total(int64_t n, absl::Duration timeout) const {
  // A bounded real-time wait for an event (not a clock reading): the simulator
  // may run on a FakeClock that nobody advances while a test waits here.
  util::MutexLock lock(mu_);
  return changed_.wait_for(mu_, absl::ToChronoNanoseconds(timeout),
                           [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return total_ >= n; });
}

}  // namespace sim::aws
