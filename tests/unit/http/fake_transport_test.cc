#include "tests/support/http/fake_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "pkg/util/mutex.h"

namespace http {
namespace {

using ::testing::ElementsAre;
using util::StatusCode;

// Collects what a stream delivers; thread-safe so the test may read it while
// the stream runs on another thread. Stops after `stop_after` chunks if set.
class Collector : public StreamConsumer {
 public:
  explicit Collector(size_t stop_after = SIZE_MAX) : stop_after_(stop_after) {}
  bool on_response(int status, const Headers& headers) override {
    util::MutexLock lock(mu_);
    status_ = status;
    content_type_ = std::string(headers.get("content-type").value_or(""));
    return true;
  }
  bool on_data(std::string_view chunk) override {
    util::MutexLock lock(mu_);
    chunks_.emplace_back(chunk);
    return chunks_.size() < stop_after_;
  }
  std::vector<std::string> chunks() const {
    util::MutexLock lock(mu_);
    return chunks_;
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
  const size_t stop_after_;
  mutable util::Mutex mu_;
  int status_ ABSL_GUARDED_BY(mu_) = 0;
  std::string content_type_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> chunks_ ABSL_GUARDED_BY(mu_);
};

Request post(std::string url, std::string body) {
  Request request;
  request.method = Method::kPost;
  request.url = std::move(url);
  request.headers.add("Content-Type", "application/x-www-form-urlencoded");
  request.body = std::move(body);
  return request;
}

TEST(FakeTransportTest, SendWithoutScriptIsAnUnexpectedRequest) {
  testing::FakeTransport fake;
  util::StatusOr<Response> response = fake.send({.url = "https://sts.amazonaws.com/"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(response.status().message(), "unexpected request: GET https://sts.amazonaws.com/");
}

TEST(FakeTransportTest, SendAnswersFromTheQueueInOrderThenFromTheHandler) {
  testing::FakeTransport fake;
  fake.push_response({200, {{"Content-Type", "text/xml"}}, "first"});
  fake.push_error(util::unavailable_error("connection refused"));
  fake.set_handler([](const Request& request) -> util::StatusOr<Response> {
    return Response{404, {}, "handled " + request.url};
  });
  EXPECT_EQ(fake.pending(), 2u);

  util::StatusOr<Response> first = fake.send({.url = "http://a/1"});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->headers.get("content-type"), "text/xml");
  EXPECT_EQ(first->body, "first");

  util::StatusOr<Response> second = fake.send({.url = "http://a/2"});
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);

  util::StatusOr<Response> third = fake.send({.url = "http://a/3"});
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->status, 404);
  EXPECT_EQ(third->body, "handled http://a/3");
  EXPECT_EQ(fake.pending(), 0u);
}

TEST(FakeTransportTest, RecordsEveryRequestExactlyUntilCleared) {
  testing::FakeTransport fake;
  fake.set_handler([](const Request&) { return Response{200, {}, ""}; });
  EXPECT_FALSE(fake.last_request().has_value());

  ASSERT_TRUE(fake.send(post("https://sts.us-east-1.amazonaws.com/", "Action=AssumeRole")).ok());
  Request put{.method = Method::kPut, .url = "https://kube/api/v1/secrets/x", .body = "{}"};
  put.headers.add("Authorization", "Bearer t");
  ASSERT_TRUE(fake.send(put).ok());

  std::vector<Request> requests = fake.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, Method::kPost);
  EXPECT_EQ(requests[0].url, "https://sts.us-east-1.amazonaws.com/");
  EXPECT_EQ(requests[0].body, "Action=AssumeRole");
  EXPECT_EQ(requests[0].headers.items(),
            (std::vector<std::pair<std::string, std::string>>{
                {"Content-Type", "application/x-www-form-urlencoded"}}));
  ASSERT_TRUE(fake.last_request().has_value());
  EXPECT_EQ(fake.last_request()->method, Method::kPut);
  EXPECT_EQ(fake.last_request()->headers.get("authorization"), "Bearer t");

  fake.clear();
  EXPECT_TRUE(fake.requests().empty());
  EXPECT_FALSE(fake.last_request().has_value());
}

TEST(FakeTransportTest, ConcurrentSendsAreAllRecordedAndAnswered) {
  testing::FakeTransport fake;
  fake.set_handler([](const Request& request) { return Response{200, {}, request.body}; });
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::atomic<int> ok = 0;
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          std::string body = std::to_string(t * 1000 + i);
          util::StatusOr<Response> response = fake.send(post("http://x/", body));
          if (response.ok() && response->body == body) ++ok;
        }
      });
    }
  }
  EXPECT_EQ(ok, kThreads * kPerThread);
  EXPECT_EQ(fake.requests().size(), size_t{kThreads} * kPerThread);
}

TEST(FakeTransportTest, ScriptedStreamDeliversChunksThenItsEnd) {
  testing::FakeTransport fake;
  fake.push_stream({.status = 200,
                    .headers = {{"Content-Type", "application/json"}},
                    .chunks = {"{\"type\":\"ADDED\"}\n", "{\"type\":\"DELETED\"}\n"}});
  fake.push_stream({.chunks = {"x"}, .end = util::unavailable_error("connection reset")});

  Collector first;
  EXPECT_TRUE(fake.stream({.url = "http://kube/watch"}, first, {}).ok());
  EXPECT_EQ(first.status(), 200);
  EXPECT_EQ(first.content_type(), "application/json");
  EXPECT_THAT(first.chunks(), ElementsAre("{\"type\":\"ADDED\"}\n", "{\"type\":\"DELETED\"}\n"));

  Collector second;
  util::Status dropped = fake.stream({.url = "http://kube/watch"}, second, {});
  EXPECT_EQ(dropped.code(), StatusCode::kUnavailable);
  EXPECT_THAT(second.chunks(), ElementsAre("x"));
  EXPECT_EQ(fake.streams_opened(), 2u);
  EXPECT_EQ(fake.requests().size(), 2u);
}

TEST(FakeTransportTest, ConsumerReturningFalseEndsAScriptedStreamCleanly) {
  testing::FakeTransport fake;
  fake.push_stream({.chunks = {"a", "b", "c"}, .end = util::unavailable_error("unreached")});
  Collector one(/*stop_after=*/1);
  EXPECT_TRUE(fake.stream({.url = "http://kube/watch"}, one, {}).ok());
  EXPECT_THAT(one.chunks(), ElementsAre("a"));
}

TEST(FakeTransportTest, StreamErrorBeforeAnyResponse) {
  testing::FakeTransport fake;
  fake.push_stream_error(util::unavailable_error("connection refused"));
  Collector consumer;
  util::Status status = fake.stream({.url = "http://kube/watch"}, consumer, {});
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(consumer.status(), 0);
}

TEST(FakeTransportTest, StreamFallsBackToTheHandlerThenFailsWhenNothingIsScripted) {
  testing::FakeTransport fake;
  Collector none;
  util::Status status = fake.stream({.url = "http://kube/watch?watch=1"}, none, {});
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "unexpected request: GET http://kube/watch?watch=1");

  fake.set_handler([](const Request&) { return Response{410, {}, "{\"code\":410}"}; });
  Collector gone;
  EXPECT_TRUE(fake.stream({.url = "http://kube/watch?watch=1"}, gone, {}).ok());
  EXPECT_EQ(gone.status(), 410);
  EXPECT_THAT(gone.chunks(), ElementsAre("{\"code\":410}"));
}

TEST(FakeTransportTest, LiveStreamDeliversPushesWhileTheConsumerIsBlockedThenDrops) {
  testing::FakeTransport fake;
  auto first = fake.push_live_stream(200, {{"Content-Type", "application/json"}});
  auto second = fake.push_live_stream();
  Collector consumer;
  std::promise<util::Status> first_result;
  std::jthread watcher([&] {
    first_result.set_value(fake.stream({.url = "http://kube/w?rv=1"}, consumer, {}));
    Collector again;
    (void)fake.stream({.url = "http://kube/w?rv=2"}, again, {});
  });

  ASSERT_TRUE(first->await_opened());
  EXPECT_EQ(first->request().url, "http://kube/w?rv=1");
  EXPECT_EQ(consumer.status(), 200);
  first->push("event-1\n");
  ASSERT_TRUE(first->await_delivered());
  EXPECT_THAT(consumer.chunks(), ElementsAre("event-1\n"));
  first->push("event-2\n");
  ASSERT_TRUE(first->await_delivered());
  EXPECT_THAT(consumer.chunks(), ElementsAre("event-1\n", "event-2\n"));
  EXPECT_FALSE(first->closed());

  first->end(util::unavailable_error("connection reset by peer"));
  ASSERT_TRUE(first->await_closed());
  EXPECT_EQ(first_result.get_future().get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(first->close_status().code(), StatusCode::kUnavailable);

  ASSERT_TRUE(fake.await_streams_opened(2));
  ASSERT_TRUE(second->await_opened());
  EXPECT_EQ(second->request().url, "http://kube/w?rv=2");
  second->end();
  ASSERT_TRUE(second->await_closed());
  EXPECT_TRUE(second->close_status().ok());
}

TEST(FakeTransportTest, LiveStreamReturnsCancelledWhenStopped) {
  testing::FakeTransport fake;
  auto live = fake.push_live_stream();
  Collector consumer;
  std::promise<util::Status> result;
  std::stop_source stop;
  std::jthread watcher(
      [&] { result.set_value(fake.stream({.url = "http://kube/w"}, consumer, stop.get_token())); });
  ASSERT_TRUE(live->await_opened());
  stop.request_stop();
  ASSERT_TRUE(live->await_closed());
  EXPECT_EQ(result.get_future().get().code(), StatusCode::kCancelled);
  EXPECT_EQ(live->close_status().code(), StatusCode::kCancelled);
}

TEST(FakeTransportTest, LiveStreamEndsCleanlyWhenTheConsumerStops) {
  testing::FakeTransport fake;
  auto live = fake.push_live_stream();
  live->push("a");
  live->push("b");
  Collector one(/*stop_after=*/1);
  EXPECT_TRUE(fake.stream({.url = "http://kube/w"}, one, {}).ok());
  EXPECT_THAT(one.chunks(), ElementsAre("a"));
  EXPECT_TRUE(live->closed());
  EXPECT_FALSE(live->await_delivered(absl::Milliseconds(1)));
}

TEST(FakeTransportTest, AwaitStreamsOpenedTimesOut) {
  testing::FakeTransport fake;
  EXPECT_FALSE(fake.await_streams_opened(1, absl::Milliseconds(10)));
}

}  // namespace
}  // namespace http
