#include "pkg/kube/event_recorder.h"

#include "pkg/kube/api_error.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace kube {

ApiEventRecorder::ApiEventRecorder(RestClient& client, util::Clock& clock,
                                   EventRecorderOptions options)
    : client_(client),
      clock_(clock),
      options_(std::move(options)),
      correlator_(options_.correlator),
      writer_([this](std::stop_token stop) { writer_loop(std::move(stop)); }) {}

ApiEventRecorder::~ApiEventRecorder() {
  shut_down();
}

void ApiEventRecorder::record(const ObjectReference& involved, EventType type,
                              std::string_view reason, std::string_view message) {
  Event occurrence;
  occurrence.involved = involved;
  occurrence.type = type;
  occurrence.reason = reason;
  occurrence.message = message;
  occurrence.component = options_.component;
  occurrence.host = options_.host;
  occurrence.reporting_instance = options_.reporting_instance;
  occurrence.last_timestamp = clock_.system_now();
  util::MutexLock lock(mu_);
  if (shut_down_ || queue_.size() >= options_.queue_capacity) {
    dropped_full_.fetch_add(1);
    return;
  }
  queue_.push_back(std::move(occurrence));
  cv_.notify_all();
}

void ApiEventRecorder::flush() {
  util::MutexLock lock(mu_);
  while (!shut_down_ && (!queue_.empty() || busy_))
    cv_.wait(mu_);
}

void ApiEventRecorder::shut_down() {
  {
    util::MutexLock lock(mu_);
    shut_down_ = true;
    queue_.clear();
    cv_.notify_all();
  }
  writer_.request_stop();
  if (writer_.joinable()) writer_.join();
}

void ApiEventRecorder::writer_loop(std::stop_token stop) {
  while (true) {
    Event occurrence;
    {
      util::MutexLock lock(mu_);
      busy_ = false;
      cv_.notify_all();  // flush() waits for idle
      while (queue_.empty() && !shut_down_)
        cv_.wait(mu_);
      if (shut_down_ || stop.stop_requested()) return;
      occurrence = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    const Correlation correlation = correlator_.correlate(occurrence, occurrence.last_timestamp);
    if (correlation.action == Correlation::Action::kDrop) {
      dropped_spam_.fetch_add(1);
      continue;
    }
    write(correlation);
  }
}

void ApiEventRecorder::write(const Correlation& correlation) {
  const Event& event = correlation.event;
  const Resource events = Resource::events();
  util::Status status;
  if (correlation.action == Correlation::Action::kPatch) {
    JsonValue patch(rapidjson::kObjectType);
    json::set_int(patch, "count", event.count);
    json::set_string(patch, "lastTimestamp", util::format_rfc3339(event.last_timestamp));
    auto patched = client_.patch(events, event.namespace_name, event.name,
                                 PatchType::kStrategicMerge, json::serialize(patch));
    if (patched.ok()) {
      patched_.fetch_add(1);
      return;
    }
    status = patched.status();
    // The server dropped it (events expire after an hour): write it anew.
    if (!is_not_found(status)) {
      correlator_.forget(event);
      failed_.fetch_add(1);
      if (options_.on_error) options_.on_error(event, status);
      return;
    }
  }
  auto created = client_.create(events, event_to_object(event));
  if (created.ok()) {
    created_.fetch_add(1);
    return;
  }
  correlator_.forget(event);
  failed_.fetch_add(1);
  if (options_.on_error) options_.on_error(event, created.status());
}

}  // namespace kube
