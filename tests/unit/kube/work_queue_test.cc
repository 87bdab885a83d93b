// WorkQueue, DelayingQueue, the rate limiters and RateLimitingQueue.
#include "pkg/kube/work_queue.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/delaying_queue.h"
#include "pkg/kube/rate_limiting_queue.h"
#include "pkg/util/strings.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

TEST(WorkQueueTest, DeduplicatesWaitingKeysInFifoOrder) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(q.get(), Optional(std::string("b")));
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, KeyReAddedWhileProcessingComesBackAfterDone) {
  WorkQueue q;
  q.add("a");
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  q.add("a");  // changed again while a worker holds it
  q.add("a");
  EXPECT_EQ(q.len(), 0u);  // not handed to a second worker meanwhile
  q.done("a");
  EXPECT_EQ(q.len(), 1u);
  EXPECT_THAT(q.get(), Optional(std::string("a")));
  q.done("a");
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, UrgentKeysGoFirstEachLaneInOrder) {
  WorkQueue q;
  q.add("refresh-1");
  q.add("new-1", Priority::kUrgent);
  q.add("refresh-2");
  q.add("new-2", Priority::kUrgent);
  EXPECT_EQ(q.len(), 4u);
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    order.push_back(*q.get());
    q.done(order.back());
  }
  EXPECT_THAT(order, ElementsAre("new-1", "new-2", "refresh-1", "refresh-2"));
  EXPECT_EQ(q.len(), 0u);
}

TEST(WorkQueueTest, AWaitingKeyMovesUpWhenAddedAsUrgentButNeverDown) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.add("b", Priority::kUrgent);  // b's credentials just became invalid
  q.add("a", Priority::kNormal);
  EXPECT_EQ(q.len(), 2u);  // still two keys, b's old place is skipped
  EXPECT_THAT(q.get(), Optional(std::string("b")));
  EXPECT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_EQ(q.len(), 0u);
  q.done("a");
  q.done("b");
  q.add("c", Priority::kUrgent);
  q.add("c", Priority::kNormal);  // does not demote
  q.add("d", Priority::kUrgent);
  EXPECT_THAT(q.get(), Optional(std::string("c")));
}

TEST(WorkQueueTest, KeyRaisedWhileProcessingReturnsInTheUrgentLane) {
  WorkQueue q;
  q.add("a");
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  q.add("a");
  q.add("a", Priority::kUrgent);
  q.add("later");
  q.done("a");
  EXPECT_EQ(q.len(), 2u);
  EXPECT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(q.get(), Optional(std::string("later")));
}

TEST(WorkQueueTest, TellsWhichKeysItKnowsNothingOf) {
  WorkQueue q;
  EXPECT_THAT(q.untracked({"a"}), ElementsAre("a"));
  q.add("a");
  EXPECT_THAT(q.untracked({"a"}), IsEmpty());  // waiting
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(q.untracked({"a"}), IsEmpty());  // processing
  q.done("a");
  q.add("b");
  EXPECT_THAT(q.untracked({"a", "b", "c"}), ElementsAre("a", "c"));
}

TEST(WorkQueueTest, ShutDownDrainsQueuedKeysThenReturnsNullopt) {
  WorkQueue q;
  q.add("a");
  q.add("b");
  q.shut_down();
  q.add("c");  // ignored
  EXPECT_TRUE(q.shutting_down());
  EXPECT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(q.get(), Optional(std::string("b")));
  EXPECT_EQ(q.get(), std::nullopt);
}

TEST(WorkQueueTest, ShutDownWakesBlockedWorkers) {
  WorkQueue q;
  std::vector<std::thread> workers;
  for (int i = 0; i < 3; ++i) {
    workers.emplace_back([&] { EXPECT_EQ(q.get(), std::nullopt); });
  }
  q.shut_down();
  for (auto& w : workers)
    w.join();
}

// Records what a queue reports, as a metrics exporter would.
class RecordingObserver final : public WorkQueueObserver {
 public:
  void on_add() override { ++adds; }
  void on_get(absl::Duration waited) override { waits.push_back(waited); }
  void on_done(absl::Duration worked) override { works.push_back(worked); }
  void on_retry() override { ++retries; }

  int adds = 0;
  int retries = 0;
  std::vector<absl::Duration> waits;
  std::vector<absl::Duration> works;
};

TEST(WorkQueueTest, ReportsAddsWaitsAndWorkAsClientGoCountsThem) {
  util::testing::FakeClock clock;
  RecordingObserver observer;
  WorkQueue q(clock, &observer);
  q.add("a");
  clock.step(absl::Seconds(1));
  q.add("a");  // already waiting: not another add, and its wait began at the first
  q.add("b");
  EXPECT_EQ(observer.adds, 2);
  clock.step(absl::Seconds(2));
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(observer.waits, ElementsAre(absl::Seconds(3)));

  clock.step(absl::Seconds(4));
  ASSERT_THAT(q.get(), Optional(std::string("b")));
  clock.step(absl::Seconds(1));
  const WorkQueue::InFlight in_flight = q.in_flight();
  EXPECT_EQ(in_flight.keys, 2u);
  EXPECT_EQ(in_flight.total, absl::Seconds(6));    // a: 5 s, b: 1 s
  EXPECT_EQ(in_flight.longest, absl::Seconds(5));  // a

  q.add("a");  // re-added while processing: counted now, waits from now
  EXPECT_EQ(observer.adds, 3);
  q.done("a");
  q.done("b");
  EXPECT_THAT(observer.works, ElementsAre(absl::Seconds(5), absl::Seconds(1)));
  EXPECT_EQ(q.in_flight().keys, 0u);
  clock.step(absl::Seconds(2));
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  EXPECT_THAT(observer.waits, ElementsAre(absl::Seconds(3), absl::Seconds(6), absl::Seconds(2)));
}

TEST(WorkQueueTest, DelayedAddsCountAsRetries) {
  util::testing::FakeClock clock;
  RecordingObserver observer;
  RateLimitingQueue q(clock, nullptr, &observer);
  q.add("a");
  q.add_rate_limited("b");
  q.add_after("c", absl::Minutes(10));
  EXPECT_EQ(observer.retries, 2);
  EXPECT_EQ(observer.adds, 1);  // b and c wait for their time first
}

TEST(WorkQueueTest, ShutDownWithDrainWaitsForKeysInFlight) {
  WorkQueue q;
  q.add("a");
  ASSERT_THAT(q.get(), Optional(std::string("a")));
  std::atomic<bool> drained{false};
  std::thread shutter([&] {
    q.shut_down_with_drain();
    drained = true;
  });
  // The drain cannot finish while "a" is held; wait until it is shutting down.
  while (!q.shutting_down())
    std::this_thread::yield();
  EXPECT_FALSE(drained);
  q.done("a");
  shutter.join();
  EXPECT_TRUE(drained);
}

// Many workers and producers hammering a few keys: no key is ever processed
// by two workers at once, and every key added is processed after its last add.
TEST(WorkQueueTest, NeverProcessesOneKeyConcurrently) {
  WorkQueue q;
  constexpr int kKeys = 5;
  std::atomic<int> in_flight[kKeys] = {};
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.get()) {
        const int k = (*key)[1] - '0';
        if (in_flight[k].fetch_add(1) != 0) overlaps.fetch_add(1);
        std::this_thread::yield();  // widen the window for a second worker
        in_flight[k].fetch_sub(1);
        processed.fetch_add(1);
        q.done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < 2000; ++i)
        q.add(util::cat("k", (i + p) % kKeys));
    });
  }
  for (auto& p : producers)
    p.join();
  q.shut_down_with_drain();
  for (auto& w : workers)
    w.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), 8000);  // deduplicated: usually far fewer
  EXPECT_EQ(q.len(), 0u);
}

// Waits (bounded, real time) until the queue's timer thread has made `n`
// keys ready; false if it never does.
template <typename Queue>
bool await_len(const Queue& q, size_t n) {
  util::RealClock real;
  const util::MonotonicTime deadline = real.monotonic_now() + absl::Seconds(10);
  while (q.len() < n) {
    if (real.monotonic_now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

class DelayingQueueTest : public ::testing::Test {
 protected:
  // Steps the clock (the queue's timer always waits on it), then takes the
  // `expect` keys that became ready.
  std::vector<std::string> step_and_drain(absl::Duration d, size_t expect) {
    EXPECT_TRUE(clock_.await_waiters(1));
    clock_.step(d);
    std::vector<std::string> out;
    if (!await_len(q_, expect)) return out;
    for (size_t i = 0; i < expect; ++i) {
      auto key = q_.get();
      out.push_back(*key);
      q_.done(*key);
    }
    return out;
  }

  util::testing::FakeClock clock_;
  DelayingQueue q_{clock_};
};

TEST_F(DelayingQueueTest, AddAfterBecomesReadyAtItsTime) {
  q_.add_after("later", absl::Seconds(10));
  q_.add_after("sooner", absl::Seconds(5));
  EXPECT_EQ(q_.len(), 0u);
  EXPECT_EQ(q_.waiting(), 2u);
  EXPECT_THAT(step_and_drain(absl::Seconds(5), 1), ElementsAre("sooner"));
  EXPECT_EQ(q_.len(), 0u);
  EXPECT_THAT(step_and_drain(absl::Seconds(5), 1), ElementsAre("later"));
  EXPECT_EQ(q_.waiting(), 0u);
}

// The timer sleeps until the earliest time it knows; only a key that becomes
// the earliest wakes it (the fake clock's step() would wake it anyway, so
// this watches what it waits for instead).
TEST_F(DelayingQueueTest, ANewEarliestKeyWakesTheTimer) {
  const util::MonotonicTime start = clock_.monotonic_now();
  q_.add_after("later", absl::Seconds(10));
  ASSERT_TRUE(clock_.await_waiter_until(start + absl::Seconds(10)));
  q_.add_after("sooner", absl::Seconds(5));
  EXPECT_TRUE(clock_.await_waiter_until(start + absl::Seconds(5)))
      << "the timer still sleeps until the later key";
  EXPECT_THAT(step_and_drain(absl::Seconds(5), 1), ElementsAre("sooner"));
}

TEST_F(DelayingQueueTest, EarlierAddAfterWins) {
  q_.add_after("k", absl::Minutes(50));
  q_.add_after("k", absl::Minutes(10));  // earlier: replaces
  q_.add_after("k", absl::Minutes(30));  // later: ignored
  EXPECT_EQ(q_.waiting(), 1u);
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Minutes(9));
  EXPECT_EQ(q_.waiting(), 1u);  // not due yet
  EXPECT_THAT(step_and_drain(absl::Minutes(1), 1), ElementsAre("k"));
  EXPECT_EQ(q_.waiting(), 0u);
}

TEST_F(DelayingQueueTest, PlainAddIsReadyNowAndNonPositiveDelaysAddNow) {
  q_.add_after("k", absl::Hours(1));
  q_.add("k");
  q_.add_after("now", absl::ZeroDuration());
  q_.add_after("past", absl::Seconds(-3));
  EXPECT_EQ(q_.len(), 3u);
  EXPECT_THAT(q_.get(), Optional(std::string("k")));
}

TEST_F(DelayingQueueTest, DueKeysKeepTheirPriorityAndAreTrackedWhileWaiting) {
  q_.add_after("refresh", absl::Seconds(5));
  q_.add_after("retry", absl::Seconds(5), Priority::kUrgent);
  q_.add("queued-normal");
  EXPECT_THAT(q_.untracked({"refresh", "unknown", "queued-normal"}), ElementsAre("unknown"));
  ASSERT_TRUE(clock_.await_waiters(1));
  clock_.step(absl::Seconds(5));
  ASSERT_TRUE(await_len(q_, 3));
  EXPECT_THAT(q_.get(), Optional(std::string("retry")));  // urgent, though added last
  EXPECT_THAT(q_.get(), Optional(std::string("queued-normal")));
  EXPECT_THAT(q_.get(), Optional(std::string("refresh")));
}

// A controller's refreshes: thousands of keys wait, fall due in order and
// are scheduled again, so the queue's bookkeeping gives memory back and
// takes it again many times over (under ASan this is what finds memory
// reused while still poisoned).
TEST_F(DelayingQueueTest, ThousandsOfKeysFallDueInOrderRoundAfterRound) {
  constexpr int kKeys = 2000;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      q_.add_after(util::cat("ns-", i % 50, "/role-", round, "-", i), absl::Seconds(1 + i % 7));
    }
    EXPECT_EQ(q_.waiting(), static_cast<size_t>(kKeys));
    std::vector<std::string> due;
    for (int second = 1; second <= 7; ++second) {
      const size_t expect = (kKeys + 7 - second) / 7;  // keys whose i % 7 == second - 1
      for (std::string& key : step_and_drain(absl::Seconds(1), expect))
        due.push_back(std::move(key));
    }
    EXPECT_EQ(due.size(), static_cast<size_t>(kKeys));
    EXPECT_EQ(q_.waiting(), 0u);
  }
}

TEST_F(DelayingQueueTest, ShutDownStopsTheTimerAndWorkers) {
  q_.add_after("k", absl::Hours(1));
  std::thread worker([&] { EXPECT_EQ(q_.get(), std::nullopt); });
  q_.shut_down();
  worker.join();
  q_.add_after("x", absl::Seconds(1));  // ignored after shutdown
  EXPECT_EQ(q_.len(), 0u);
}

TEST(RateLimiterTest, ExponentialBackoffGrowsAndForgets) {
  ExponentialFailureRateLimiter limiter;  // 5 ms .. 1000 s
  EXPECT_EQ(limiter.when("a"), absl::Milliseconds(5));
  EXPECT_EQ(limiter.when("a"), absl::Milliseconds(10));
  EXPECT_EQ(limiter.when("a"), absl::Milliseconds(20));
  EXPECT_EQ(limiter.when("b"), absl::Milliseconds(5));  // per key
  EXPECT_EQ(limiter.num_requeues("a"), 3);
  for (int i = 0; i < 30; ++i)
    (void)limiter.when("a");
  EXPECT_EQ(limiter.when("a"), absl::Seconds(1000));  // capped
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0);
  EXPECT_EQ(limiter.when("a"), absl::Milliseconds(5));
}

TEST(RateLimiterTest, DefaultIsTheLongerOfBackoffAndOverallBucket) {
  util::testing::FakeClock clock;
  auto limiter = default_controller_rate_limiter(clock);  // 10 qps, burst 100
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(limiter->when(util::cat("k", i)), absl::Milliseconds(5));
  // The bucket is empty: the 101st key waits for a token (1/10 s), longer than 5 ms.
  EXPECT_EQ(limiter->when("k100"), absl::Milliseconds(100));
  EXPECT_EQ(limiter->num_requeues("k1"), 1);
  limiter->forget("k1");
  EXPECT_EQ(limiter->num_requeues("k1"), 0);
}

TEST(RateLimitingQueueTest, FailuresBackOffAndForgetResets) {
  util::testing::FakeClock clock;
  RateLimitingQueue q(
      clock, std::make_unique<ExponentialFailureRateLimiter>(absl::Seconds(1), absl::Seconds(60)));
  q.add("k");
  ASSERT_THAT(q.get(), Optional(std::string("k")));
  q.add_rate_limited("k");  // failed once: 1 s
  q.done("k");
  EXPECT_EQ(q.len(), 0u);
  ASSERT_TRUE(clock.await_waiters(1));
  clock.step(absl::Seconds(1));
  ASSERT_TRUE(await_len(q, 1));
  ASSERT_THAT(q.get(), Optional(std::string("k")));
  q.add_rate_limited("k");  // failed twice: 2 s
  q.done("k");
  EXPECT_EQ(q.num_requeues("k"), 2);
  ASSERT_TRUE(clock.await_waiters(1));
  clock.step(absl::Seconds(1));
  EXPECT_EQ(q.waiting(), 1u);  // 1 s of 2 s: still waiting
  clock.step(absl::Seconds(1));
  ASSERT_TRUE(await_len(q, 1));
  ASSERT_THAT(q.get(), Optional(std::string("k")));
  q.forget("k");  // succeeded
  q.done("k");
  EXPECT_EQ(q.num_requeues("k"), 0);
  q.add_after("k", absl::Minutes(45));  // the next scheduled refresh
  EXPECT_EQ(q.waiting(), 1u);
  q.shut_down();
}

}  // namespace
}  // namespace kube
