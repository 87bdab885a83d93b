// Http1Transport::stream(): incremental delivery, cancellation, drops and
// timeouts, against a cpp-httplib server whose handlers the test paces.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <thread>

#include "pkg/http/http1_transport.h"
#include "tests/unit/http/test_servers.h"

namespace http {
namespace {

using test::Event;
using test::HttpServer;
using test::kWait;
using test::make_transport;
using ::testing::HasSubstr;
using util::StatusCode;

// Records a stream; the test waits for what it expects to have arrived.
// Returns false from on_data once `stop_after` bytes arrived, if set.
class Recorder : public StreamConsumer {
 public:
  explicit Recorder(size_t stop_after = SIZE_MAX) : stop_after_(stop_after) {}

  bool on_response(int status, const Headers& headers) override {
    util::MutexLock lock(mu_);
    status_ = status;
    content_type_ = std::string(headers.get("Content-Type").value_or(""));
    changed_.notify_all();
    return true;
  }
  bool on_data(std::string_view chunk) override {
    util::MutexLock lock(mu_);
    data_.append(chunk);
    changed_.notify_all();
    return data_.size() < stop_after_;
  }
  // True once everything received so far equals `want`.
  bool await_data(std::string_view want) const {
    return await([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return data_ == want; });
  }
  bool await_response() const {
    return await([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return status_ != 0; });
  }
  std::string data() const {
    util::MutexLock lock(mu_);
    return data_;
  }
  int status() const {
    util::MutexLock lock(mu_);
    return status_;
  }
  std::string content_type() const {
    util::MutexLock lock(mu_);
    return content_type_;
  }

 private:
  bool await(const std::function<bool()>& done) const {
    const util::MonotonicTime deadline = clock_.monotonic_now() + kWait;
    util::MutexLock lock(mu_);
    while (!done()) {
      if (clock_.wait_until(changed_, mu_, deadline)) return done();
    }
    return true;
  }

  const size_t stop_after_;
  mutable util::RealClock clock_;
  mutable util::Mutex mu_;
  mutable util::CondVar changed_;
  int status_ ABSL_GUARDED_BY(mu_) = 0;
  std::string content_type_ ABSL_GUARDED_BY(mu_);
  std::string data_ ABSL_GUARDED_BY(mu_);
};

// Runs transport.stream() on its own thread, stoppable by the test.
class AsyncStream {
 public:
  AsyncStream(Transport& transport, Request request, StreamConsumer& consumer)
      : thread_([this, &transport, request = std::move(request), &consumer] {
          util::Status status = transport.stream(request, consumer, stop_.get_token());
          {
            util::MutexLock lock(mu_);
            result_ = std::move(status);
          }
          done_.notify();
        }) {}

  // Stops a stream still running (a failed test) before joining it.
  ~AsyncStream() { stop_.request_stop(); }
  AsyncStream(const AsyncStream&) = delete;
  AsyncStream& operator=(const AsyncStream&) = delete;

  void request_stop() { stop_.request_stop(); }
  // The status stream() returned, or nullopt if it is still running after kWait.
  std::optional<util::Status> result() {
    if (!done_.wait()) return std::nullopt;
    util::MutexLock lock(mu_);
    return result_;
  }

 private:
  std::stop_source stop_;
  Event done_;
  util::Mutex mu_;
  util::Status result_ ABSL_GUARDED_BY(mu_);
  std::jthread thread_;  // last: joined before the members above go
};

Request watch(const HttpServer& server, std::string_view path = "/watch") {
  Request r;
  r.url = server.url(path);
  r.headers.add("Accept", "application/json");
  return r;
}

// A chunked handler that writes `first`, then blocks until `release` (bounded),
// then ends the body.
void serve_then_hold(HttpServer& server, std::string first, Event& release) {
  server.server().Get("/watch", [first, &release](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/json",
        [first, &release, sent = false](size_t, httplib::DataSink& sink) mutable {
          if (!sent) {
            sent = true;
            sink.write(first.data(), first.size());
            return true;
          }
          release.wait();
          sink.done();
          return true;
        });
  });
}

TEST(StreamTest, DeliversEachChunkAsItArrives) {
  std::array<Event, 3> go;
  HttpServer server;
  server.server().Get("/watch", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/json", [&, next = size_t{0}](size_t, httplib::DataSink& sink) mutable {
          if (next == go.size()) {
            sink.done();
            return true;
          }
          if (!go[next].wait()) return false;
          const std::string event = "{\"type\":\"ADDED\",\"n\":" + std::to_string(next++) + "}\n";
          sink.write(event.data(), event.size());
          return true;
        });
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  AsyncStream stream(*transport, watch(server), recorder);

  ASSERT_TRUE(recorder.await_response());
  EXPECT_EQ(recorder.status(), 200);
  EXPECT_EQ(recorder.content_type(), "application/json");
  std::string want;
  for (size_t i = 0; i < go.size(); ++i) {
    // The server sends event i only now: seeing it proves it was not buffered.
    go[i].notify();
    want += "{\"type\":\"ADDED\",\"n\":" + std::to_string(i) + "}\n";
    ASSERT_TRUE(recorder.await_data(want)) << "got: " << recorder.data();
  }
  std::optional<util::Status> result = stream.result();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->ok()) << *result;
}

TEST(StreamTest, ConsumerReturningFalseEndsTheStreamCleanly) {
  Event release;
  HttpServer server;
  serve_then_hold(server, "{\"type\":\"ADDED\"}\n", release);
  server.start();
  auto transport = make_transport();
  Recorder recorder(/*stop_after=*/1);
  util::Status status = transport->stream(watch(server), recorder, {});
  release.notify();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(recorder.data(), "{\"type\":\"ADDED\"}\n");
}

TEST(StreamTest, StopCancelsAnIdleStream) {
  Event release;
  HttpServer server;
  serve_then_hold(server, "hello\n", release);
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  AsyncStream stream(*transport, watch(server), recorder);
  ASSERT_TRUE(recorder.await_data("hello\n"));

  // The connection is now idle (the server holds until `release`, up to kWait;
  // the idle timeout is minutes): only the stop can end the stream before then.
  stream.request_stop();
  std::optional<util::Status> result = stream.result();
  const bool server_still_holding = !release.notified();
  release.notify();
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(server_still_holding);
  EXPECT_EQ(result->code(), StatusCode::kCancelled) << *result;
}

TEST(StreamTest, StopCancelsAStreamWaitingForHeaders) {
  Event release;
  Event arrived;
  HttpServer server;
  server.server().Get("/watch", [&](const httplib::Request&, httplib::Response& res) {
    arrived.notify();
    release.wait();
    res.set_content("late", "text/plain");
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  Request r = watch(server);
  r.timeout = absl::Minutes(5);
  AsyncStream stream(*transport, r, recorder);
  ASSERT_TRUE(arrived.wait());
  stream.request_stop();
  std::optional<util::Status> result = stream.result();
  release.notify();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->code(), StatusCode::kCancelled) << *result;
  EXPECT_EQ(recorder.status(), 0);
}

TEST(StreamTest, ServerDroppingTheConnectionMidBodyIsUnavailable) {
  HttpServer server;
  server.server().Get("/watch", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json",
                                     [sent = false](size_t, httplib::DataSink& sink) mutable {
                                       // The second call fails: httplib then
                                       // closes the connection mid-body.
                                       if (sent) return false;
                                       sent = true;
                                       sink.write("a\n", 2);
                                       return true;
                                     });
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  util::Status status = transport->stream(watch(server), recorder, {});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("127.0.0.1:" + std::to_string(server.port())));
  EXPECT_EQ(recorder.data(), "a\n");
}

TEST(StreamTest, IdleTimeoutFailsWhenNoByteArrives) {
  Event release;
  HttpServer server;
  serve_then_hold(server, "a\n", release);
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  Request r = watch(server);
  r.idle_timeout = absl::Milliseconds(200);
  util::Status status = transport->stream(r, recorder, {});
  const bool server_still_holding = !release.notified();
  release.notify();
  EXPECT_TRUE(server_still_holding);
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(status.message(), HasSubstr("no data for 200ms"));
  EXPECT_EQ(recorder.data(), "a\n");
}

TEST(StreamTest, TimeoutBoundsWaitingForHeaders) {
  Event release;
  HttpServer server;
  server.server().Get("/watch", [&](const httplib::Request&, httplib::Response& res) {
    release.wait();
    res.set_content("late", "text/plain");
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  Request r = watch(server);
  r.timeout = absl::Milliseconds(200);
  util::Status status = transport->stream(r, recorder, {});
  release.notify();
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded) << status;
  EXPECT_EQ(recorder.status(), 0);
}

TEST(StreamTest, TimeoutDoesNotBoundTheBody) {
  Event never;
  HttpServer server;
  server.server().Get("/watch", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/json",
                                     [&, step = 0](size_t, httplib::DataSink& sink) mutable {
                                       switch (step++) {
                                         case 0:
                                           sink.write("a\n", 2);
                                           return true;
                                         case 1:
                                           // A gap in the body 3x the request's timeout: not a
                                           // deadline for it.
                                           never.wait(absl::Milliseconds(1500));
                                           sink.write("b\n", 2);
                                           return true;
                                         default:
                                           sink.done();
                                           return true;
                                       }
                                     });
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  Request r = watch(server);
  // Long enough for the response's head on a loaded machine (100 ms was not,
  // under TSan with three tests per two cores).
  r.timeout = absl::Milliseconds(500);
  util::Status status = transport->stream(r, recorder, {});
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(recorder.data(), "a\nb\n");
}

TEST(StreamTest, ErrorStatusIsDeliveredWithItsBody) {
  HttpServer server;
  server.server().Get("/watch", [](const httplib::Request&, httplib::Response& res) {
    res.status = 410;
    res.set_content("{\"kind\":\"Status\",\"code\":410}", "application/json");
  });
  server.start();
  auto transport = make_transport();
  Recorder recorder;
  util::Status status = transport->stream(watch(server), recorder, {});
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(recorder.status(), 410);
  EXPECT_EQ(recorder.data(), "{\"kind\":\"Status\",\"code\":410}");
}

TEST(StreamTest, ConnectionRefusedIsUnavailable) {
  test::RefusingPort refusing;
  auto transport = make_transport();
  Recorder recorder;
  Request r;
  r.url = "http://127.0.0.1:" + std::to_string(refusing.port()) + "/watch";
  util::Status status = transport->stream(r, recorder, {});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace http
