// An in-memory http::Transport for tests of the STS, IMDS and Kubernetes
// clients: it records every request byte for byte and answers from a script.
//
// Thread-safe: send()/stream() may run on any threads while the test scripts,
// pushes and inspects from its own. Waits that tests call (await_*) are bounded
// in real time and return false on timeout; they never sleep.
//
// Answering send(): the FIFO of push_response()/push_error() entries first,
// then the handler from set_handler(); with neither, send() fails with
// kFailedPrecondition "unexpected request: GET <url>".
//
// Answering stream(): the FIFO of push_stream()/push_stream_error()/
// push_live_stream() entries first, then the handler (its Response is delivered
// as on_response() plus one on_data() with the body, then a clean end); with
// neither, kFailedPrecondition as above. Every stream() returns kCancelled soon
// after its stop_token is requested. Request::timeout/idle_timeout are ignored.
//
// Example (a watch that delivers one event, drops, and is resumed):
//
//   http::testing::FakeTransport fake;
//   fake.push_response({200, {{"Content-Type", "application/json"}}, list_json});
//   auto first = fake.push_live_stream();    // 200, served to the 1st stream()
//   auto second = fake.push_live_stream();   // served to the 2nd stream()
//   Informer informer(fake, ...);            // code under test, own thread
//   ASSERT_TRUE(first->await_opened());
//   first->push(R"({"type":"ADDED","object":{...}})" "\n");
//   ASSERT_TRUE(first->await_delivered());
//   first->end(util::unavailable_error("connection reset by peer"));
//   ASSERT_TRUE(second->await_opened());     // the informer reconnected
//   EXPECT_THAT(second->request().url, HasSubstr("resourceVersion=12"));
//   // fake.await_streams_opened(n) counts every stream() call, scripted or not.
//   // Scripted, all at once: chunks then a clean end.
//   fake.push_stream({.status = 200, .chunks = {"{...}\n", "{...}\n"}});
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "pkg/http/transport.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace http::testing {

// A stream delivered in one go: on_response(status, headers), on_data() for
// each chunk, then `end`: OK is a clean end of body; kUnavailable simulates a
// dropped connection; any other error is returned as is.
struct ScriptedStream {
  int status = 200;
  Headers headers;
  std::vector<std::string> chunks;
  util::Status end;
};

// A stream the test feeds while the consumer is blocked in stream().
// Thread-safe. Shared by the test and the FakeTransport.
class LiveStream {
 public:
  LiveStream(int status, Headers headers) : status_(status), headers_(std::move(headers)) {}

  // Queues a chunk for the consumer's on_data(). Ignored once closed.
  void push(std::string chunk);
  // Ends the stream after the queued chunks: OK = the server ended the body;
  // kUnavailable = the connection dropped; another error is returned as is.
  void end(util::Status status = util::Status());

  // True once a stream() call took this stream and the consumer's
  // on_response() returned.
  bool await_opened(absl::Duration timeout = absl::Seconds(10)) const;
  // True once every pushed chunk was handed to on_data() and it returned.
  // False on timeout or when the stream closed with chunks undelivered.
  bool await_delivered(absl::Duration timeout = absl::Seconds(10)) const;
  // True once stream() returned (ended, dropped, stopped or cancelled).
  bool await_closed(absl::Duration timeout = absl::Seconds(10)) const;

  bool opened() const;
  bool closed() const;
  // What stream() returned. Precondition: closed().
  util::Status close_status() const;
  // The request given to the stream() that took this stream. Precondition: opened().
  Request request() const;

 private:
  friend class FakeTransport;
  // Runs the consumer side until the end, a stop, or the consumer says stop.
  util::Status serve(const Request& request, StreamConsumer& consumer, const std::stop_token& stop);
  bool await(absl::Duration timeout, const std::function<bool()>& done) const;

  const int status_;
  const Headers headers_;
  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  mutable util::RealClock clock_;
  std::deque<std::string> pending_ ABSL_GUARDED_BY(mu_);
  bool delivering_ ABSL_GUARDED_BY(mu_) = false;  // on_data() running
  std::optional<util::Status> end_ ABSL_GUARDED_BY(mu_);
  std::optional<Request> request_ ABSL_GUARDED_BY(mu_);
  bool opened_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<util::Status> close_status_ ABSL_GUARDED_BY(mu_);
};

class FakeTransport final : public Transport {
 public:
  using Handler = std::function<util::StatusOr<Response>(const Request&)>;

  util::StatusOr<Response> send(const Request& request) override;
  util::Status stream(const Request& request, StreamConsumer& consumer,
                      std::stop_token stop) override;

  // Scripting send(): FIFO entries, then the handler.
  void set_handler(Handler handler);
  void push_response(Response response);
  void push_error(util::Status status);

  // Scripting stream(): FIFO entries, then the handler.
  void push_stream(ScriptedStream stream);
  // The stream() fails with `status` before any response (e.g. kUnavailable).
  void push_stream_error(util::Status status);
  std::shared_ptr<LiveStream> push_live_stream(int status = 200, Headers headers = {});

  // Every request given to send() or stream(), in call order.
  std::vector<Request> requests() const;
  std::optional<Request> last_request() const;
  // Forgets the recorded requests (not the script).
  void clear();
  // Scripted entries not consumed yet (send() and stream() FIFOs together).
  size_t pending() const;

  // Number of stream() calls so far (whatever answered them).
  size_t streams_opened() const;
  // Blocks until at least `n` stream() calls were made; false on timeout.
  bool await_streams_opened(size_t n, absl::Duration timeout = absl::Seconds(10)) const;

 private:
  using StreamEntry = std::variant<ScriptedStream, util::Status, std::shared_ptr<LiveStream>>;

  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  mutable util::RealClock clock_;
  Handler handler_ ABSL_GUARDED_BY(mu_);
  std::deque<util::StatusOr<Response>> responses_ ABSL_GUARDED_BY(mu_);
  std::deque<StreamEntry> streams_ ABSL_GUARDED_BY(mu_);
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  size_t streams_opened_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace http::testing
