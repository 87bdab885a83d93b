#include "pkg/kube/reflector.h"

#include <utility>

#include "absl/random/distributions.h"
#include "pkg/kube/api_error.h"
#include "pkg/util/strings.h"

namespace kube {

Reflector::Reflector(ListerWatcher& source, ReflectorSink& sink, util::Clock& clock,
                     ReflectorOptions options)
    : source_(source),
      sink_(sink),
      clock_(clock),
      options_(std::move(options)),
      backoff_(options_.backoff) {}

std::string Reflector::last_resource_version() const {
  util::MutexLock lock(mu_);
  return resource_version_;
}

int Reflector::list_count() const {
  util::MutexLock lock(mu_);
  return list_count_;
}

void Reflector::set_resource_version(std::string rv) {
  util::MutexLock lock(mu_);
  resource_version_ = std::move(rv);
}

bool Reflector::back_off(const std::stop_token& stop) {
  return util::sleep_for(clock_, backoff_.next(rng_), stop);
}

util::Status Reflector::list_into_sink(const std::stop_token& stop) {
  ListOptions options;
  options.label_selector = options_.label_selector;
  options.field_selector = options_.field_selector;
  options.limit = options_.page_size;
  options.stop = stop;
  std::string resource_version;
  bool restarted = false;
  sink_.list_started();
  while (true) {
    // resourceVersion "" is a consistent read (from etcd), which pagination needs.
    auto page =
        source_.list(options, [this](Object&& object) { sink_.list_object(std::move(object)); });
    if (!page.ok()) {
      if (is_gone(page.status()) && !options.continue_token.empty() && !restarted) {
        // The continue token expired mid-way: start the list over (once; a
        // second expiry goes through the backoff).
        restarted = true;
        options.continue_token.clear();
        sink_.list_started();
        continue;
      }
      return page.status();
    }
    resource_version = page->resource_version;
    if (page->continue_token.empty()) break;
    options.continue_token = page->continue_token;
  }
  {
    // Counted before the handlers see the objects, so whoever observes a
    // handler call of this list also observes the count.
    util::MutexLock lock(mu_);
    ++list_count_;
  }
  sink_.list_complete();
  util::MutexLock lock(mu_);
  resource_version_ = std::move(resource_version);
  return util::ok_status();
}

Reflector::WatchEnd Reflector::watch_once(const std::stop_token& stop) {
  WatchOptions options;
  options.label_selector = options_.label_selector;
  options.field_selector = options_.field_selector;
  options.resource_version = last_resource_version();
  options.allow_watch_bookmarks = true;
  const double seconds = absl::ToDoubleSeconds(options_.min_watch_timeout);
  options.timeout_seconds = static_cast<int64_t>(absl::Uniform(rng_, seconds, 2 * seconds));
  if (options.timeout_seconds < 1) options.timeout_seconds = 1;

  int events = 0;
  const util::MonotonicTime started = clock_.monotonic_now();
  const util::Status status = source_.watch(
      options,
      [&](WatchEvent&& event) {
        ++events;
        std::string rv(event.object.resource_version());
        if (event.type != WatchEventType::kBookmark)
          sink_.apply(event.type, std::move(event.object));
        if (!rv.empty()) set_resource_version(std::move(rv));
        return true;
      },
      stop);
  if (stop.stop_requested()) return WatchEnd::kStopped;
  if (events > 0) backoff_.reset();
  if (status.ok()) {
    // The server's timeout: resume at once. A watch that ends at once with
    // nothing in it means something is wrong: do not spin.
    const bool very_short = events == 0 && clock_.monotonic_now() - started < absl::Seconds(1);
    if (!very_short) return WatchEnd::kRewatch;
    return back_off(stop) ? WatchEnd::kRewatch : WatchEnd::kStopped;
  }
  if (is_gone(status)) return WatchEnd::kRelist;
  // Dropped, refused, throttled, ...: wait, then resume from the last version.
  report(status);
  return back_off(stop) ? WatchEnd::kRewatch : WatchEnd::kStopped;
}

void Reflector::report(const util::Status& error) const {
  if (options_.on_error) options_.on_error(error);
}

void Reflector::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const util::Status listed = list_into_sink(stop);
    if (!listed.ok()) {
      if (stop.stop_requested()) return;
      report(listed);
      if (!back_off(stop)) return;
      continue;
    }
    backoff_.reset();
    while (true) {
      const WatchEnd end = watch_once(stop);
      if (end == WatchEnd::kStopped) return;
      if (end == WatchEnd::kRelist) break;
    }
  }
}

}  // namespace kube
