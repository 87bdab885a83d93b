#include "tests/support/http/fake_transport.h"

#include <utility>

#include "pkg/util/strings.h"

namespace http::testing {
namespace {

util::Status unexpected(const Request& request) {
  return util::failed_precondition_error(
      util::cat("unexpected request: ", method_name(request.method), " ", request.url));
}

util::Status cancelled(const Request& request) {
  return util::cancelled_error(
      util::cat("stream cancelled: ", method_name(request.method), " ", request.url));
}

// Delivers a complete response as a stream: status, headers, body, clean end.
util::Status deliver(const Request& request, int status, const Headers& headers,
                     const std::vector<std::string>& chunks, const util::Status& end,
                     StreamConsumer& consumer, const std::stop_token& stop) {
  if (stop.stop_requested()) return cancelled(request);
  if (!consumer.on_response(status, headers)) return util::Status();
  for (const std::string& chunk : chunks) {
    if (stop.stop_requested()) return cancelled(request);
    if (!consumer.on_data(chunk)) return util::Status();
  }
  return end;
}

}  // namespace

// ---- LiveStream ----

void LiveStream::push(std::string chunk) {
  util::MutexLock lock(mu_);
  if (close_status_.has_value() || end_.has_value()) return;
  pending_.push_back(std::move(chunk));
  changed_.notify_all();
}

void LiveStream::end(util::Status status) {
  util::MutexLock lock(mu_);
  if (end_.has_value()) return;
  end_ = std::move(status);
  changed_.notify_all();
}

bool LiveStream::await(absl::Duration timeout, const std::function<bool()>& done) const {
  const util::MonotonicTime deadline = clock_.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (!done()) {
    if (clock_.wait_until(changed_, mu_, deadline)) return done();
  }
  return true;
}

bool LiveStream::await_opened(absl::Duration timeout) const {
  return await(timeout, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return opened_; });
}

bool LiveStream::await_delivered(absl::Duration timeout) const {
  // Settled: everything delivered, or closed (nothing more will be).
  const bool settled = await(timeout, [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return (pending_.empty() && !delivering_) || close_status_.has_value();
  });
  util::MutexLock lock(mu_);
  return settled && pending_.empty() && !delivering_;
}

bool LiveStream::await_closed(absl::Duration timeout) const {
  return await(timeout,
               [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return close_status_.has_value(); });
}

bool LiveStream::opened() const {
  util::MutexLock lock(mu_);
  return opened_;
}

bool LiveStream::closed() const {
  util::MutexLock lock(mu_);
  return close_status_.has_value();
}

util::Status LiveStream::close_status() const {
  util::MutexLock lock(mu_);
  return close_status_.value_or(util::internal_error("live stream not closed yet"));
}

Request LiveStream::request() const {
  util::MutexLock lock(mu_);
  return request_.value_or(Request{});
}

util::Status LiveStream::serve(const Request& request, StreamConsumer& consumer,
                               const std::stop_token& stop) {
  // Takes mu_ so the wake-up cannot fall between our check of stop and the wait.
  std::stop_callback on_stop(stop, [this] {
    util::MutexLock lock(mu_);
    changed_.notify_all();
  });
  auto close = [this](util::Status status) {
    util::MutexLock lock(mu_);
    close_status_ = status;
    changed_.notify_all();
    return status;
  };
  {
    util::MutexLock lock(mu_);
    request_ = request;
  }
  if (stop.stop_requested()) return close(cancelled(request));
  const bool wants_body = consumer.on_response(status_, headers_);
  {
    util::MutexLock lock(mu_);
    opened_ = true;  // the consumer has seen the response
    changed_.notify_all();
  }
  if (!wants_body) return close(util::Status());
  while (true) {
    std::string chunk;
    {
      util::MutexLock lock(mu_);
      while (pending_.empty() && !end_.has_value() && !stop.stop_requested()) {
        changed_.wait(mu_);
      }
      if (stop.stop_requested()) {
        // Fall through to close() below without holding the lock.
      } else if (pending_.empty()) {
        util::Status end = *end_;
        close_status_ = end;
        changed_.notify_all();
        return end;
      } else {
        chunk = std::move(pending_.front());
        pending_.pop_front();
        delivering_ = true;
      }
    }
    if (stop.stop_requested()) return close(cancelled(request));
    const bool more = consumer.on_data(chunk);
    {
      util::MutexLock lock(mu_);
      delivering_ = false;
      changed_.notify_all();
    }
    if (!more) return close(util::Status());
  }
}

// ---- FakeTransport ----

void FakeTransport::set_handler(Handler handler) {
  util::MutexLock lock(mu_);
  handler_ = std::move(handler);
}

void FakeTransport::push_response(Response response) {
  util::MutexLock lock(mu_);
  responses_.emplace_back(std::move(response));
}

void FakeTransport::push_error(util::Status status) {
  util::MutexLock lock(mu_);
  if (status.ok()) status = util::internal_error("FakeTransport::push_error given OK");
  responses_.emplace_back(std::move(status));
}

void FakeTransport::push_stream(ScriptedStream stream) {
  util::MutexLock lock(mu_);
  streams_.emplace_back(std::move(stream));
}

void FakeTransport::push_stream_error(util::Status status) {
  util::MutexLock lock(mu_);
  if (status.ok()) status = util::internal_error("FakeTransport::push_stream_error given OK");
  streams_.emplace_back(std::move(status));
}

std::shared_ptr<LiveStream> FakeTransport::push_live_stream(int status, Headers headers) {
  auto live = std::make_shared<LiveStream>(status, std::move(headers));
  util::MutexLock lock(mu_);
  streams_.emplace_back(live);
  return live;
}

util::StatusOr<Response> FakeTransport::send(const Request& request) {
  Handler handler;
  {
    util::MutexLock lock(mu_);
    requests_.push_back(request);
    if (!responses_.empty()) {
      util::StatusOr<Response> scripted = std::move(responses_.front());
      responses_.pop_front();
      return scripted;
    }
    handler = handler_;
  }
  // The handler runs unlocked: it may block, or script more entries.
  if (!handler) return unexpected(request);
  return handler(request);
}

util::Status FakeTransport::stream(const Request& request, StreamConsumer& consumer,
                                   std::stop_token stop) {
  std::optional<StreamEntry> entry;
  Handler handler;
  {
    util::MutexLock lock(mu_);
    requests_.push_back(request);
    ++streams_opened_;
    changed_.notify_all();
    if (!streams_.empty()) {
      entry = std::move(streams_.front());
      streams_.pop_front();
    } else {
      handler = handler_;
    }
  }
  if (!entry.has_value()) {
    if (!handler) return unexpected(request);
    util::StatusOr<Response> response = handler(request);
    if (!response.ok()) return response.status();
    std::vector<std::string> chunks;
    if (!response->body.empty()) chunks.push_back(std::move(response->body));
    return deliver(request, response->status, response->headers, chunks, util::Status(), consumer,
                   stop);
  }
  if (auto* scripted = std::get_if<ScriptedStream>(&*entry)) {
    return deliver(request, scripted->status, scripted->headers, scripted->chunks, scripted->end,
                   consumer, stop);
  }
  if (auto* error = std::get_if<util::Status>(&*entry)) return *error;
  return std::get<std::shared_ptr<LiveStream>>(*entry)->serve(request, consumer, stop);
}

std::vector<Request> FakeTransport::requests() const {
  util::MutexLock lock(mu_);
  return requests_;
}

std::optional<Request> FakeTransport::last_request() const {
  util::MutexLock lock(mu_);
  if (requests_.empty()) return std::nullopt;
  return requests_.back();
}

void FakeTransport::clear() {
  util::MutexLock lock(mu_);
  requests_.clear();
}

size_t FakeTransport::pending() const {
  util::MutexLock lock(mu_);
  return responses_.size() + streams_.size();
}

size_t FakeTransport::streams_opened() const {
  util::MutexLock lock(mu_);
  return streams_opened_;
}

bool FakeTransport::await_streams_opened(size_t n, absl::Duration timeout) const {
  const util::MonotonicTime deadline = clock_.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (streams_opened_ < n) {
    if (clock_.wait_until(changed_, mu_, deadline)) return streams_opened_ >= n;
  }
  return true;
}

}  // namespace http::testing
