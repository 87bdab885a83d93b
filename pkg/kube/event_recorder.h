// Records core/v1 Events about an object ("kubectl describe" shows them):
// the interface the controller uses, so its tests can use
// kube::testing::FakeRecorder, and ApiEventRecorder, which writes them to the
// apiserver in the background.
//
// ApiEventRecorder: record() never blocks — it stamps the time from the
// injected clock and queues the occurrence (bounded; when full the occurrence
// is dropped and counted). A writer thread asks the EventCorrelator what to
// do (create | patch count | drop as spam) and does it through the
// RestClient; a patch of an Event the server no longer has becomes a create.
// Bodies are never logged: messages must not carry secrets (callers' duty).
//
// Thread-safety: thread-safe. Ownership: borrows the RestClient and Clock;
// owns the writer thread, which the destructor (or shut_down()) stops after
// the write in flight. Time source: Clock::system_now() for event timestamps.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "pkg/kube/event.h"
#include "pkg/kube/event_correlator.h"
#include "pkg/kube/rest_client.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace kube {

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  virtual void record(const ObjectReference& involved, EventType type, std::string_view reason,
                      std::string_view message) = 0;
};

struct EventRecorderOptions {
  std::string component = "kube-aws-iam-controller";  // source.component, reportingComponent
  std::string host;                                   // source.host (node name), optional
  std::string reporting_instance;                     // e.g. the pod name, optional
  size_t queue_capacity = 1000;
  CorrelatorOptions correlator;
  // Called on the writer thread when a write fails (for a log line or metric).
  std::function<void(const Event&, const util::Status&)> on_error;
};

class ApiEventRecorder final : public EventRecorder {
 public:
  ApiEventRecorder(RestClient& client, util::Clock& clock, EventRecorderOptions options = {});
  ~ApiEventRecorder() override;
  ApiEventRecorder(const ApiEventRecorder&) = delete;
  ApiEventRecorder& operator=(const ApiEventRecorder&) = delete;

  void record(const ObjectReference& involved, EventType type, std::string_view reason,
              std::string_view message) override;

  // Blocks until every queued occurrence has been handled (written, dropped
  // or failed) or the recorder is shut down. For tests and orderly shutdown.
  void flush();
  // Stops the writer after its current write; queued occurrences are dropped.
  void shut_down();

  uint64_t dropped_queue_full() const { return dropped_full_.load(); }
  uint64_t dropped_spam() const { return dropped_spam_.load(); }
  uint64_t created() const { return created_.load(); }
  uint64_t patched() const { return patched_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  void writer_loop(std::stop_token stop);
  void write(const Correlation& correlation);

  RestClient& client_;
  util::Clock& clock_;
  const EventRecorderOptions options_;
  EventCorrelator correlator_;  // writer thread only

  util::Mutex mu_;
  util::CondVar cv_;
  std::deque<Event> queue_ ABSL_GUARDED_BY(mu_);  // occurrences; last_timestamp = when
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;

  std::atomic<uint64_t> dropped_full_{0};
  std::atomic<uint64_t> dropped_spam_{0};
  std::atomic<uint64_t> created_{0};
  std::atomic<uint64_t> patched_{0};
  std::atomic<uint64_t> failed_{0};
  std::jthread writer_;  // last: starts after everything it uses
};

}  // namespace kube
