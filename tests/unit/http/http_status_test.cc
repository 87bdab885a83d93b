// The one HTTP status table every client shares, the retrying sender every
// client sends through (the judge decides, the limiter hears throttling, the
// loop waits on a fake clock and stops when asked), and its fixed-delay judge
// for the metadata clients.
#include "pkg/http/http_status.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "pkg/http/retry.h"
#include "pkg/util/mutex.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/util/fake_clock.h"

namespace http {
namespace {

using util::StatusCode;

TEST(HttpStatusTest, EveryStatusMapsToTheCodeThatCarriesItsRetryMeaning) {
  const struct {
    int http_status;
    StatusCode code;
    bool retryable;
  } cases[] = {
      {400, StatusCode::kInvalidArgument, false},  {401, StatusCode::kUnauthenticated, false},
      {403, StatusCode::kPermissionDenied, false}, {404, StatusCode::kNotFound, false},
      {405, StatusCode::kInvalidArgument, false},  {406, StatusCode::kInvalidArgument, false},
      {408, StatusCode::kDeadlineExceeded, false}, {409, StatusCode::kAborted, false},
      {410, StatusCode::kOutOfRange, false},       {413, StatusCode::kInvalidArgument, false},
      {415, StatusCode::kInvalidArgument, false},  {418, StatusCode::kUnknown, false},
      {422, StatusCode::kInvalidArgument, false},  {429, StatusCode::kUnavailable, true},
      {500, StatusCode::kUnavailable, true},       {502, StatusCode::kUnavailable, true},
      {503, StatusCode::kUnavailable, true},       {504, StatusCode::kDeadlineExceeded, true},
      {599, StatusCode::kUnavailable, true},       {302, StatusCode::kUnknown, false},
      {600, StatusCode::kUnknown, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.http_status);
    EXPECT_EQ(status_code_for_http(c.http_status), c.code);
    EXPECT_EQ(is_retryable_http_status(c.http_status), c.retryable);
    const util::Status status = http_error_status(c.http_status, "GET /x: failed");
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(status.message(), "GET /x: failed");
    ASSERT_NE(status.detail(), nullptr);
    EXPECT_EQ(status.detail()->http_status, c.http_status);
  }
}

TEST(HttpStatusTest, TransportFailuresThatMayPassAreRetryable) {
  EXPECT_TRUE(is_retryable(util::unavailable_error("connection refused")));
  EXPECT_TRUE(is_retryable(util::deadline_exceeded_error("timed out")));
  EXPECT_FALSE(is_retryable(util::invalid_argument_error("malformed URL")));
  EXPECT_FALSE(is_retryable(Response{.status = 200}));
  EXPECT_TRUE(is_retryable(Response{.status = 503}));
}

class SendWithRetriesTest : public ::testing::Test {
 protected:
  Request request() const { return Request{.method = Method::kGet, .url = "http://127.0.0.1:1/x"}; }

  testing::FakeTransport transport_;
  util::testing::FakeClock clock_;
};

TEST_F(SendWithRetriesTest, RepeatsUnavailableAnswersAfterTheDelayUntilOneIsFinal) {
  // Answers 503, a reset connection, then 200; counts attempts so the test
  // steps time only once the next wait has begun.
  util::Mutex mu;
  util::CondVar sent_cv;
  int sent = 0;
  transport_.set_handler([&](const Request&) -> util::StatusOr<Response> {
    util::MutexLock lock(mu);
    ++sent;
    sent_cv.notify_all();
    if (sent == 1) return Response{.status = 503};
    if (sent == 2) return util::unavailable_error("connection reset");
    return Response{.status = 200, .body = "ok"};
  });
  auto done = std::async(std::launch::async, [&] {
    return send_with_retries(transport_, request(), {.max_attempts = 3, .delay = absl::Seconds(1)},
                             clock_, {});
  });
  for (int attempts = 1; attempts <= 2; ++attempts) {
    {
      util::MutexLock lock(mu);
      ASSERT_TRUE(sent_cv.wait_for(mu, std::chrono::seconds(10), [&] { return sent >= attempts; }));
    }
    ASSERT_TRUE(clock_.await_waiters(1));  // the wait after that attempt
    clock_.step(absl::Seconds(1));
  }
  const util::StatusOr<Response> response = done.get();
  ASSERT_TRUE(response.ok()) << response.status().to_string();
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(transport_.requests().size(), 3u);
}

TEST_F(SendWithRetriesTest, AFinalAnswerIsNotRepeated) {
  transport_.push_response({.status = 404});
  const util::StatusOr<Response> response = send_with_retries(
      transport_, request(), {.max_attempts = 3, .delay = absl::ZeroDuration()}, clock_, {});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(SendWithRetriesTest, GivesTheLastAnswerWhenAttemptsRunOut) {
  for (int i = 0; i < 3; ++i)
    transport_.push_response({.status = 500 + i});
  const util::StatusOr<Response> response = send_with_retries(
      transport_, request(), {.max_attempts = 3, .delay = absl::ZeroDuration()}, clock_, {});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 502);
  EXPECT_EQ(transport_.requests().size(), 3u);
}

TEST_F(SendWithRetriesTest, AStopRequestEndsTheWaitBeforeTheNextAttempt) {
  transport_.push_response({.status = 503});
  std::stop_source stop;
  auto done = std::async(std::launch::async, [&] {
    return send_with_retries(transport_, request(), {.max_attempts = 3, .delay = absl::Hours(1)},
                             clock_, stop.get_token());
  });
  ASSERT_TRUE(clock_.await_waiters(1));
  stop.request_stop();  // time never moves: only the stop request ends the wait
  const util::StatusOr<Response> response = done.get();
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(SendWithRetriesTest, AlreadyStoppedSendsOnceAndDoesNotRetry) {
  transport_.push_response({.status = 503});
  std::stop_source stop;
  stop.request_stop();
  const util::StatusOr<Response> response =
      send_with_retries(transport_, request(), {.max_attempts = 3, .delay = absl::ZeroDuration()},
                        clock_, stop.get_token());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(transport_.requests().size(), 1u);
}

TEST_F(SendWithRetriesTest, TheJudgeSeesEachAttemptAndDecidesWhetherToRepeatIt) {
  transport_.push_response({.status = 401});
  transport_.push_response({.status = 200, .body = "ok"});
  std::vector<int> judged;
  int built = 0;
  const util::StatusOr<Response> response = send_with_retries(
      transport_, clock_,
      {.context = "get secrets app",
       .build = [&]() -> util::StatusOr<Request> {
         ++built;
         return request();
       },
       .judge =
           [&](Attempt& attempt) {
             judged.push_back(attempt.answer->status);
             EXPECT_EQ(attempt.number, static_cast<int>(judged.size()));
             return attempt.answer->status == 401 ? Verdict::retry(absl::ZeroDuration())
                                                  : Verdict::done();
           }},
      {});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body, "ok");
  EXPECT_EQ(judged, (std::vector<int>{401, 200}));
  EXPECT_EQ(built, 2);  // each attempt gets a request built at its own time
}

TEST_F(SendWithRetriesTest, ThrottledAnswersReachTheLimiterAndTransportFailuresDoNot) {
  util::AdaptiveRateLimiter limiter(clock_, {});
  // The judge calls everything throttling; only an answer may say so.
  const RetryingSend send{.context = "STS AssumeRole",
                          .build = [&]() -> util::StatusOr<Request> { return request(); },
                          .judge = [](Attempt&) { return Verdict::done(/*throttled=*/true); },
                          .limiter = &limiter};
  transport_.push_error(util::unavailable_error("connection reset"));
  EXPECT_EQ(send_with_retries(transport_, clock_, send, {}).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(limiter.throttles(), 0u);
  transport_.push_response({.status = 429});
  EXPECT_EQ(send_with_retries(transport_, clock_, send, {})->status, 429);
  EXPECT_EQ(limiter.throttles(), 1u);
}

TEST_F(SendWithRetriesTest, ARequestThatCannotBeBuiltEndsTheCallWithItsContext) {
  const util::StatusOr<Response> response =
      send_with_retries(transport_, clock_,
                        {.context = "get secrets app",
                         .build = []() -> util::StatusOr<Request> {
                           return util::unauthenticated_error("token file unreadable");
                         },
                         .judge = [](Attempt&) { return Verdict::done(); }},
                        {});
  EXPECT_EQ(response.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(response.status().message(), "get secrets app: token file unreadable");
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(SendWithRetriesTest, AStopRequestEndsTheWaitForALimiterTicket) {
  util::AdaptiveRateLimiter limiter(clock_, {});
  std::stop_source stop;
  stop.request_stop();
  const util::StatusOr<Response> response =
      send_with_retries(transport_, clock_,
                        {.context = "STS AssumeRole",
                         .build = [&]() -> util::StatusOr<Request> { return request(); },
                         .judge = [](Attempt&) { return Verdict::done(); },
                         .limiter = &limiter},
                        stop.get_token());
  EXPECT_EQ(response.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(response.status().message(), "STS AssumeRole: cancelled");
  EXPECT_TRUE(transport_.requests().empty());
}

}  // namespace
}  // namespace http
