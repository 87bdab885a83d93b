#include "pkg/util/adaptive_rate_limiter.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/util/fake_clock.h"

namespace util {
namespace {

using Ticket = AdaptiveRateLimiter::Ticket;

constexpr double kUnlimited = std::numeric_limits<double>::infinity();

// Takes n tickets that must all be available now.
std::vector<Ticket> take_now(AdaptiveRateLimiter& limiter, int n) {
  std::vector<Ticket> tickets;
  tickets.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::optional<Ticket> ticket = limiter.try_acquire();
    EXPECT_TRUE(ticket.has_value()) << "ticket " << i;
    if (ticket) tickets.push_back(*ticket);
  }
  return tickets;
}

// Unlimited at the start: 50 requests succeed within the first 100 ms, then a
// 51st is throttled. W_max = 50 accepted in the last second; rate = 0.7 * 50.
void cut_at_50(testing::FakeClock& clock, AdaptiveRateLimiter& limiter) {
  const std::vector<Ticket> tickets = take_now(limiter, 51);
  for (int i = 0; i < 50; ++i) {
    limiter.on_response(tickets[i], /*throttled=*/false);
    clock.step(absl::Milliseconds(2));
  }
  limiter.on_response(tickets[50], /*throttled=*/true);
  ASSERT_DOUBLE_EQ(limiter.allowed_rate(), 35);
}

// Counts the tickets try_acquire() grants polling every millisecond for `length`.
int granted_over(testing::FakeClock& clock, AdaptiveRateLimiter& limiter, absl::Duration length) {
  int granted = 0;
  for (absl::Duration t; t < length; t += absl::Milliseconds(1)) {
    clock.step(absl::Milliseconds(1));
    while (limiter.try_acquire())
      ++granted;
  }
  return granted;
}

TEST(AdaptiveRateLimiterTest, UnlimitedBeforeTheFirstThrottle) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  const MonotonicTime start = clock.monotonic_now();
  for (int i = 0; i < 1000; ++i) {
    const std::optional<Ticket> ticket = limiter.acquire(std::stop_token());
    ASSERT_TRUE(ticket.has_value()) << i;
    EXPECT_EQ(ticket->sent, start);
    limiter.on_response(*ticket, /*throttled=*/false);
  }
  EXPECT_EQ(limiter.allowed_rate(), kUnlimited);
  EXPECT_EQ(limiter.cuts(), 0u);
}

TEST(AdaptiveRateLimiterTest, FirstThrottleCutsToBetaTimesWhatTheServerAccepted) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  cut_at_50(clock, limiter);  // 0.7 * 50 accepted = 35/s, not 0.7 * the 51 sent
  EXPECT_EQ(limiter.throttles(), 1u);
  EXPECT_EQ(limiter.cuts(), 1u);
  // The bucket starts empty: nothing goes at once, then 35/s (no success
  // answers are reported, so the rate stays at the cut).
  EXPECT_FALSE(limiter.try_acquire());
  EXPECT_NEAR(granted_over(clock, limiter, absl::Seconds(2)), 70, 1);
}

TEST(AdaptiveRateLimiterTest, AcquireWaitsForItsTokenAtTheCutRate) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  cut_at_50(clock, limiter);
  const MonotonicTime cut = clock.monotonic_now();
  std::optional<Ticket> ticket;
  std::atomic<bool> done = false;
  std::jthread waiter([&](const std::stop_token& stop) {
    ticket = limiter.acquire(stop);
    done = true;
  });
  ASSERT_TRUE(clock.await_waiters(1));
  clock.step(absl::Milliseconds(28));  // one token at 35/s takes 28.57 ms
  EXPECT_FALSE(done);
  clock.step(absl::Milliseconds(1));
  waiter.join();
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->sent - cut, absl::Milliseconds(29));
}

TEST(AdaptiveRateLimiterTest, ThrottlesOfRequestsSentBeforeACutCutOnce) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  std::vector<Ticket> in_flight = take_now(limiter, 30);
  for (int i = 0; i < 20; ++i)
    limiter.on_response(in_flight[i], /*throttled=*/false);
  // Ten requests in flight together are throttled together: one congestion
  // event, one cut to 0.7 * 20 = 14/s (the SDKs would cut to 20 * 0.7^10).
  for (int i = 20; i < 30; ++i)
    limiter.on_response(in_flight[i], /*throttled=*/true);
  EXPECT_EQ(limiter.throttles(), 10u);
  EXPECT_EQ(limiter.cuts(), 1u);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 14);

  // A request sent after the cut and throttled is a new event: 0.7 * 14.
  clock.step(absl::Milliseconds(100));  // 1.4 tokens
  const std::optional<Ticket> after = limiter.try_acquire();
  ASSERT_TRUE(after.has_value());
  limiter.on_response(*after, /*throttled=*/true);
  EXPECT_EQ(limiter.cuts(), 2u);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 0.7 * 14);
  // A late throttle of one sent before the first cut changes nothing.
  limiter.on_response(in_flight[0], /*throttled=*/true);
  EXPECT_EQ(limiter.throttles(), 12u);
  EXPECT_EQ(limiter.cuts(), 2u);
}

TEST(AdaptiveRateLimiterTest, WMaxIsWhatTheServerAcceptedInTheLastSecond) {
  struct Successes {
    int at_ms;  // after start-up
    int count;
  };
  struct Case {
    const char* name;
    std::vector<Successes> successes;
    int throttle_at_ms;
    double want_rate;  // 0.7 * max(successes in the last second, 0.5), at least 0.5
  };
  const Case cases[] = {
      {"counts-only-the-last-second", {{0, 200}, {1000, 40}}, 1500, 28},
      {"a-full-second-even-at-start-up", {{0, 10}}, 500, 7},  // not 0.7 * 10 / 0.5 s
      {"none-in-the-last-second-is-the-min-rate", {{0, 200}}, 1500, 0.5},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::FakeClock clock;
    AdaptiveRateLimiter limiter(clock);
    const MonotonicTime start = clock.monotonic_now();
    const auto step_to = [&](int ms) {
      clock.step(start + absl::Milliseconds(ms) - clock.monotonic_now());
    };
    for (const Successes& s : c.successes) {
      step_to(s.at_ms);
      for (const Ticket& t : take_now(limiter, s.count))
        limiter.on_response(t, false);
    }
    step_to(c.throttle_at_ms);
    limiter.on_response(*limiter.try_acquire(), /*throttled=*/true);
    EXPECT_DOUBLE_EQ(limiter.allowed_rate(), c.want_rate);
  }
}

TEST(AdaptiveRateLimiterTest, CubicRecoveryIsBackAtWMaxAfterKSecondsThenProbesAbove) {
  // W_max = 50, beta = 0.7, C = 0.4: K = cbrt(50 * 0.3 / 0.4) = cbrt(37.5) = 3.347 s;
  // rate(t) = 0.4 * (t - K)^3 + 50.
  const double k = std::cbrt(37.5);
  struct Case {
    const char* name;
    double seconds_after_cut;
    double want_rate;
  };
  const Case cases[] = {
      {"at-the-cut", 0, 35},
      {"concave-halfway", k / 2, 50 - 0.4 * 37.5 / 8},  // 48.125
      {"back-at-w-max-after-k", k, 50},
      {"plateau", k + 0.5, 50.05},
      {"probing-above", k + 2, 53.2},  // 0.4 * 2^3 + 50
      {"probing-faster", k + 5, 100},  // 0.4 * 5^3 + 50
  };
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  // Tickets taken before the cut: their successes still count for recovery.
  const std::vector<Ticket> spare = take_now(limiter, 10);
  cut_at_50(clock, limiter);
  const MonotonicTime cut = clock.monotonic_now();
  size_t next = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    clock.step(cut + absl::Seconds(c.seconds_after_cut) - clock.monotonic_now());
    limiter.on_response(spare[next++], /*throttled=*/false);
    EXPECT_NEAR(limiter.allowed_rate(), c.want_rate, 1e-6);
  }
}

TEST(AdaptiveRateLimiterTest, ReturnsToUnlimitedAfterALongCalm) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  const std::vector<Ticket> spare = take_now(limiter, 10);
  cut_at_50(clock, limiter);
  // Unlimited again once 0.4 * (t - 3.347)^3 + 50 > max(16 * 50, 1000) = 1000,
  // i.e. t > 3.347 + cbrt(950 / 0.4) = 16.68 s.
  clock.step(absl::Seconds(16));
  limiter.on_response(spare[0], false);
  EXPECT_NEAR(limiter.allowed_rate(), 0.4 * std::pow(16 - std::cbrt(37.5), 3) + 50, 1e-6);
  clock.step(absl::Seconds(1));
  limiter.on_response(spare[1], false);
  EXPECT_EQ(limiter.allowed_rate(), kUnlimited);
  clock.step(absl::Seconds(2));
  const std::vector<Ticket> burst = take_now(limiter, 1000);  // start fast again
  // The next throttle finds the limit anew: 100 of the burst were accepted.
  for (int i = 0; i < 100; ++i)
    limiter.on_response(burst[i], false);
  limiter.on_response(burst[100], /*throttled=*/true);
  EXPECT_EQ(limiter.cuts(), 2u);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 70);
}

TEST(AdaptiveRateLimiterTest, APublishedQuotaStartsLimitingOnItsPlateauWithAFullBucket) {
  // W_max = 10: K = cbrt(10 * 0.3 / 0.4) = cbrt(7.5); the curve starts at its plateau.
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock, {.published_qps = 10});
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 10);
  const std::vector<Ticket> burst = take_now(limiter, 10);  // the service's bucket is full too
  EXPECT_FALSE(limiter.try_acquire().has_value());
  EXPECT_EQ(granted_over(clock, limiter, absl::Seconds(1)), 10);
  // Successes probe above it as after a cut K seconds ago: 0.4 * 2^3 + 10 at 2 s more.
  clock.step(absl::Seconds(1));
  limiter.on_response(burst[0], /*throttled=*/false);
  EXPECT_NEAR(limiter.allowed_rate(), 13.2, 1e-6);
  EXPECT_EQ(limiter.cuts(), 0u);
  // A throttle cuts from what the server accepted, as ever.
  limiter.on_response(burst[1], /*throttled=*/true);
  EXPECT_EQ(limiter.cuts(), 1u);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 0.7);  // 1 accepted in the last second: W_max = 1
}

TEST(AdaptiveRateLimiterTest, CeilingIsNeverExceededAndItsBurstHonoured) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock, {.ceiling_qps = 10, .ceiling_burst = 20});
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 10);  // limiting before any throttle
  const std::vector<Ticket> burst = take_now(limiter, 20);
  EXPECT_FALSE(limiter.try_acquire());
  EXPECT_NEAR(granted_over(clock, limiter, absl::Seconds(10)), 100, 1);

  // A throttle cuts below the ceiling: W_max = min(10/s, 20 accepted) = 10.
  for (const Ticket& t : burst)
    limiter.on_response(t, false);
  clock.step(absl::Milliseconds(100));
  const std::optional<Ticket> throttled = limiter.try_acquire();
  ASSERT_TRUE(throttled.has_value());
  limiter.on_response(*throttled, /*throttled=*/true);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 7);
  // After a long calm it is back at the ceiling, not unlimited, and the bucket
  // holds the ceiling's burst again.
  clock.step(absl::Minutes(5));
  limiter.on_response(burst[0], false);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 10);
  clock.step(absl::Seconds(2));
  take_now(limiter, 20);
  EXPECT_FALSE(limiter.try_acquire());
}

TEST(AdaptiveRateLimiterTest, RateNeverFallsBelowTheMinRate) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  // Throttled with nothing accepted: W_max = 0.5 (the floor), 0.7 * 0.5 -> 0.5.
  limiter.on_response(*limiter.try_acquire(), /*throttled=*/true);
  EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 0.5);
  for (int i = 0; i < 5; ++i) {
    clock.step(absl::Seconds(2));  // one token at 0.5/s
    const std::optional<Ticket> ticket = limiter.try_acquire();
    ASSERT_TRUE(ticket.has_value()) << i;
    EXPECT_FALSE(limiter.try_acquire());
    limiter.on_response(*ticket, /*throttled=*/true);
    EXPECT_DOUBLE_EQ(limiter.allowed_rate(), 0.5) << i;
  }
  EXPECT_EQ(limiter.cuts(), 6u);
}

TEST(AdaptiveRateLimiterTest, AcquireReturnsNulloptWhenStoppedWhileWaiting) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  limiter.on_response(*limiter.try_acquire(), /*throttled=*/true);  // 0.5/s, empty
  std::optional<Ticket> ticket = Ticket{};
  std::jthread waiter([&](const std::stop_token& stop) { ticket = limiter.acquire(stop); });
  ASSERT_TRUE(clock.await_waiters(1));
  waiter.request_stop();
  waiter.join();  // without any clock step
  EXPECT_FALSE(ticket.has_value());
}

TEST(AdaptiveRateLimiterTest, WaitersAreServedInArrivalOrder) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  cut_at_50(clock, limiter);  // 35/s, empty: tokens at 28.6 ms, 57.1 ms
  std::atomic<bool> first_done = false;
  std::atomic<bool> second_done = false;
  std::jthread first(
      [&](const std::stop_token& stop) { first_done = limiter.acquire(stop).has_value(); });
  ASSERT_TRUE(clock.await_waiters(1));
  std::jthread second(
      [&](const std::stop_token& stop) { second_done = limiter.acquire(stop).has_value(); });
  ASSERT_TRUE(clock.await_waiters(2));
  // Whoever polls first, the token at 29 ms is the first caller's.
  clock.step(absl::Milliseconds(29));
  first.join();
  EXPECT_TRUE(first_done);
  EXPECT_FALSE(second_done);
  EXPECT_FALSE(limiter.try_acquire());  // no barging past a waiter either
  clock.step(absl::Milliseconds(29));
  second.join();
  EXPECT_TRUE(second_done);
}

TEST(AdaptiveRateLimiterTest, WaiterFollowsRateChanges) {
  testing::FakeClock clock;
  AdaptiveRateLimiter limiter(clock);
  const std::vector<Ticket> spare = take_now(limiter, 2);
  limiter.on_response(*limiter.try_acquire(), /*throttled=*/true);  // W_max 0.5: K = 0.72 s
  clock.step(absl::Seconds(8));
  ASSERT_TRUE(limiter.try_acquire());  // the one token the bucket holds at 0.5/s

  // A waiter owes a token: 2 s at 0.5/s. A success 8 s after the cut raises the
  // rate to 0.4 * (8 - 0.72)^3 + 0.5 = 154.9/s: it is served 6.5 ms later.
  std::atomic<bool> done = false;
  std::jthread waiter(
      [&](const std::stop_token& stop) { done = limiter.acquire(stop).has_value(); });
  ASSERT_TRUE(clock.await_waiters(1));
  limiter.on_response(spare[0], false);
  EXPECT_GT(limiter.allowed_rate(), 150);
  clock.step(absl::Milliseconds(7));
  waiter.join();
  EXPECT_TRUE(done);

  // 12 s later (no answers: the rate stays) another waiter finds the bucket
  // drained. A success returns the limiter to unlimited (the rate would be
  // 0.4 * (20 - 0.72)^3 = 2866/s > 1000/s): it goes without any clock step.
  clock.step(absl::Seconds(12));
  while (limiter.try_acquire()) {
  }
  done = false;
  std::jthread second(
      [&](const std::stop_token& stop) { done = limiter.acquire(stop).has_value(); });
  ASSERT_TRUE(clock.await_waiters(1));
  limiter.on_response(spare[1], false);
  second.join();
  EXPECT_TRUE(done);
  EXPECT_EQ(limiter.allowed_rate(), kUnlimited);
}

TEST(AdaptiveRateLimiterTest, ValidateRejectsNonsense) {
  EXPECT_TRUE(AdaptiveRateLimiterOptions{}.validate().ok());
  EXPECT_TRUE((AdaptiveRateLimiterOptions{.ceiling_qps = 10, .ceiling_burst = 20}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.ceiling_qps = -1}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.ceiling_burst = 0}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.beta = 1}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.scale = 0}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.min_rate = 0}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.min_rate = std::nan("")}).validate().ok());
  EXPECT_FALSE((AdaptiveRateLimiterOptions{.published_qps = -1}).validate().ok());
}

// A server with a token bucket, and clients that each keep `workers` requests
// going through their own limiter; every answer arrives `latency` after its
// request was sent. Driven in 1 ms steps of fake time; deterministic.
struct ServerBucket {
  double qps;
  double burst;
  double tokens;
  MonotonicTime refilled_at;

  bool admit(MonotonicTime now) {
    tokens = std::min(burst, tokens + absl::ToDoubleSeconds(now - refilled_at) * qps);
    refilled_at = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
};

struct SimClient {
  struct InFlight {
    MonotonicTime answer_at;
    Ticket ticket;
    bool throttled;
  };
  SimClient(Clock& clock, int workers, AdaptiveRateLimiterOptions options = {})
      : limiter(clock, options), idle(workers) {}

  AdaptiveRateLimiter limiter;
  int idle;
  std::deque<InFlight> in_flight;  // in answer order: the latency is constant
  uint64_t sent = 0;
  uint64_t accepted = 0;
};

void simulate(testing::FakeClock& clock, ServerBucket& server,
              std::vector<std::unique_ptr<SimClient>>& clients, absl::Duration length,
              absl::Duration latency = absl::Milliseconds(30)) {
  const MonotonicTime end = clock.monotonic_now() + length;
  size_t first = 0;  // rotates, so no client always sends first
  while (clock.monotonic_now() < end) {
    const MonotonicTime now = clock.monotonic_now();
    for (auto& client : clients) {
      while (!client->in_flight.empty() && client->in_flight.front().answer_at <= now) {
        const SimClient::InFlight answer = client->in_flight.front();
        client->in_flight.pop_front();
        client->limiter.on_response(answer.ticket, answer.throttled);
        if (!answer.throttled) ++client->accepted;
        ++client->idle;
      }
    }
    // Idle workers send, one request per client in turn, while tokens last.
    for (bool any = true; any;) {
      any = false;
      for (size_t i = 0; i < clients.size(); ++i) {
        SimClient& client = *clients[(first + i) % clients.size()];
        if (client.idle == 0) continue;
        const std::optional<Ticket> ticket = client.limiter.try_acquire();
        if (!ticket) continue;
        client.in_flight.push_back({now + latency, *ticket, !server.admit(now)});
        --client.idle;
        ++client.sent;
        any = true;
      }
    }
    first = (first + 1) % clients.size();
    clock.step(absl::Milliseconds(1));
  }
}

TEST(AdaptiveRateLimiterSimulationTest, OneClientFindsTheServersRate) {
  // Server: 50/s, burst 50. Client: 8 workers, 30 ms latency: up to 266/s.
  testing::FakeClock clock;
  ServerBucket server{.qps = 50, .burst = 50, .tokens = 50, .refilled_at = clock.monotonic_now()};
  std::vector<std::unique_ptr<SimClient>> clients;
  clients.push_back(std::make_unique<SimClient>(clock, 8));
  simulate(clock, server, clients, absl::Seconds(60));

  const SimClient& c = *clients[0];
  const double throughput = static_cast<double>(c.accepted) / 60 / 50;
  const double throttled = 1 - static_cast<double>(c.accepted) / static_cast<double>(c.sent);
  RecordProperty("throughput_percent", static_cast<int>(std::lround(throughput * 100)));
  RecordProperty("throttled_per_mille", static_cast<int>(std::lround(throttled * 1000)));
  EXPECT_GE(throughput, 0.90) << c.accepted << " accepted of " << c.sent << " sent";
  EXPECT_LE(throttled, 0.05) << c.accepted << " accepted of " << c.sent << " sent";
}

// IAM Roles Anywhere's CreateSession: 10/s by default, 32 workers. Started
// unlimited (the SDKs), the client's opening burst meets a bucket of 10 and
// most of it is throttled; started at the published quota, it is not, and
// throttles stay rare (here: 50 vs 29 of about 1,000 calls).
TEST(AdaptiveRateLimiterSimulationTest, APublishedQuotaSparesTheOpeningBurst) {
  uint64_t throttled[2] = {0, 0};
  double throughput[2] = {0, 0};
  for (int published = 0; published < 2; ++published) {
    testing::FakeClock clock;
    ServerBucket server{.qps = 10, .burst = 10, .tokens = 10, .refilled_at = clock.monotonic_now()};
    std::vector<std::unique_ptr<SimClient>> clients;
    clients.push_back(std::make_unique<SimClient>(
        clock, 32, AdaptiveRateLimiterOptions{.published_qps = published != 0 ? 10.0 : 0.0}));
    simulate(clock, server, clients, absl::Seconds(100));
    throttled[published] = clients[0]->sent - clients[0]->accepted;
    throughput[published] = static_cast<double>(clients[0]->accepted) / 100 / 10;
  }
  RecordProperty("throttled_unlimited_start", static_cast<int>(throttled[0]));
  RecordProperty("throttled_published_start", static_cast<int>(throttled[1]));
  EXPECT_LT(throttled[1], throttled[0]);
  EXPECT_LE(throttled[1], 50u) << "of about 1,000 sent in 100 s";
  EXPECT_GE(throughput[1], 0.95);
}

TEST(AdaptiveRateLimiterSimulationTest, ThreeClientsShareTheServerFairly) {
  testing::FakeClock clock;
  ServerBucket server{.qps = 50, .burst = 50, .tokens = 50, .refilled_at = clock.monotonic_now()};
  std::vector<std::unique_ptr<SimClient>> clients;
  clients.reserve(3);
  for (int i = 0; i < 3; ++i)
    clients.push_back(std::make_unique<SimClient>(clock, 8));
  simulate(clock, server, clients, absl::Seconds(60));

  for (size_t i = 0; i < clients.size(); ++i) {
    const SimClient& c = *clients[i];
    SCOPED_TRACE(::testing::Message() << "client " << i);
    const double share = static_cast<double>(c.accepted) / 60 / (50.0 / 3);
    const double throttled = 1 - static_cast<double>(c.accepted) / static_cast<double>(c.sent);
    RecordProperty("share_percent_" + std::to_string(i),
                   static_cast<int>(std::lround(share * 100)));
    RecordProperty("throttled_per_mille_" + std::to_string(i),
                   static_cast<int>(std::lround(throttled * 1000)));
    EXPECT_NEAR(share, 1, 0.2) << c.accepted << " accepted of " << c.sent << " sent";
    EXPECT_LE(throttled, 0.10) << c.accepted << " accepted of " << c.sent << " sent";
  }
}

}  // namespace
}  // namespace util
