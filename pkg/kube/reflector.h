// Keeps a sink in step with the apiserver for one resource (client-go's
// Reflector): list (paginated with limit/continue), hand each object to the
// sink as it is parsed (never a whole page, let alone the whole list, at
// once), then watch from the list's resourceVersion with bookmarks and a jittered server timeout. A
// closed or dropped watch resumes from the last resourceVersion seen (BOOKMARKs advance it); 410
// Gone/Expired, as an HTTP status or an in-stream ERROR event, triggers a relist; errors are
// reported (ReflectorOptions::on_error) and back off with jitter.
//
// Thread-safety: run() is called once, on its own thread; the sink is called
// only from that thread, in order. last_resource_version() may be read from
// any thread. Ownership: borrows the ListerWatcher, sink and Clock. Time source:
// the Clock (backoff sleeps), so tests drive it with FakeClock. run() returns
// when `stop` is requested: promptly, as the transport ends streams on stop.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "pkg/kube/lister_watcher.h"
#include "pkg/kube/object.h"
#include "pkg/util/backoff.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace kube {

// Receives what the reflector learns.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A (re)list begins: the objects of one consistent snapshot follow, then
  // list_complete(). A list that fails part-way begins again later (another
  // list_started()); the objects it handed over were real states, but
  // without the last page nothing can be known to be gone.
  virtual void list_started() = 0;
  virtual void list_object(Object object) = 0;
  // Every object of the snapshot has been handed over.
  virtual void list_complete() = 0;
  // One watch event: kAdded, kModified or kDeleted (never kBookmark).
  virtual void apply(WatchEventType type, Object object) = 0;
};

struct ReflectorOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;  // list limit; 0 lists in one response
  // Watches ask the server to end them after a random time in [min, 2 × min]
  // (client-go), spreading reconnects.
  absl::Duration min_watch_timeout = absl::Minutes(5);
  // Between failed attempts (client-go: 800 ms growing to 30 s).
  util::BackoffPolicy backoff{absl::Milliseconds(800), absl::Seconds(30), 2.0, 0.2};
  // Told of every failed list or watch (not the 410 that asks for a relist)
  // before the backoff, on the run thread (client-go's WatchErrorHandler):
  // the reflector only retries, so this is how anyone learns that the
  // apiserver cannot be reached. None: failures are silent.
  std::function<void(const util::Status& error)> on_error;
};

class Reflector {
 public:
  Reflector(ListerWatcher& source, ReflectorSink& sink, util::Clock& clock,
            ReflectorOptions options = {});

  void run(std::stop_token stop);

  // The resourceVersion the next watch would resume from ("" before the first list).
  std::string last_resource_version() const;
  // How many times the reflector listed (1 after the initial sync).
  int list_count() const;

 private:
  enum class WatchEnd { kRelist, kRewatch, kStopped };
  util::Status list_into_sink(const std::stop_token& stop);
  WatchEnd watch_once(const std::stop_token& stop);
  void set_resource_version(std::string rv);
  bool back_off(const std::stop_token& stop);
  void report(const util::Status& error) const;

  ListerWatcher& source_;
  ReflectorSink& sink_;
  util::Clock& clock_;
  const ReflectorOptions options_;
  util::Backoff backoff_;  // run thread only
  absl::BitGen rng_;       // run thread only

  mutable util::Mutex mu_;
  std::string resource_version_ ABSL_GUARDED_BY(mu_);
  int list_count_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kube
