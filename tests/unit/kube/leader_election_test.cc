// Leader election: the decision table (pure), config validation, and two
// candidates on one Lease served by an in-memory apiserver, on a fake clock.
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/leader_elector.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kWall = absl::FromUnixSeconds(1'800'000'000);
const util::MonotonicTime kT = util::MonotonicTime::from_epoch(absl::Hours(10));

LeaderElectionConfig config_for(std::string identity) {
  LeaderElectionConfig c;
  c.lease_namespace = "kube-system";
  c.lease_name = "kube-aws-iam-controller";
  c.identity = std::move(identity);
  return c;  // 15 s / 10 s / 2 s
}

LeaseRecord held_by(std::string holder, int32_t duration = 15, int32_t transitions = 4,
                    absl::Time renewed = kWall - absl::Seconds(3)) {
  LeaseRecord r;
  r.holder_identity = std::move(holder);
  r.lease_duration_seconds = duration;
  r.acquire_time = kWall - absl::Hours(1);
  r.renew_time = renewed;
  r.lease_transitions = transitions;
  return r;
}

struct DecisionCase {
  const char* name;
  std::optional<LeaseRecord> observed;
  absl::Duration changed_ago;  // observed_changed_at = now - changed_ago
  LeaderAction want;
  int32_t want_transitions;
};

class DecideTest : public ::testing::TestWithParam<DecisionCase> {};

TEST_P(DecideTest, Table) {
  const DecisionCase& c = GetParam();
  const LeaderDecision d = decide(c.observed, kT - c.changed_ago, kT, kWall, config_for("me"));
  ASSERT_EQ(d.action, c.want);
  if (c.want == LeaderAction::kFollow) {
    EXPECT_EQ(d.record, *c.observed);  // nothing to write
    return;
  }
  EXPECT_EQ(d.record.holder_identity, "me");
  EXPECT_EQ(d.record.lease_duration_seconds, 15);
  EXPECT_EQ(d.record.renew_time, kWall);
  EXPECT_EQ(d.record.lease_transitions, c.want_transitions);
  if (c.want == LeaderAction::kRenew) {
    EXPECT_EQ(d.record.acquire_time, c.observed->acquire_time);  // kept
  } else {
    EXPECT_EQ(d.record.acquire_time, kWall);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, DecideTest,
    ::testing::Values(DecisionCase{"no_lease_creates_it", std::nullopt, absl::ZeroDuration(),
                                   LeaderAction::kAcquire, 0},
                      DecisionCase{"my_lease_is_renewed", held_by("me"), absl::Seconds(2),
                                   LeaderAction::kRenew, 4},
                      DecisionCase{"my_lease_is_renewed_even_if_unseen_for_long", held_by("me"),
                                   absl::Hours(1), LeaderAction::kRenew, 4},
                      DecisionCase{"another_holder_seen_changing_recently_is_followed",
                                   held_by("other"), absl::Seconds(14), LeaderAction::kFollow, 0},
                      DecisionCase{"another_holder_unchanged_for_the_lease_duration_is_replaced",
                                   held_by("other"), absl::Seconds(15), LeaderAction::kAcquire, 5},
                      DecisionCase{"a_renew_time_in_the_future_does_not_protect_a_dead_holder",
                                   held_by("other", 15, 4, kWall + absl::Hours(1)),
                                   absl::Seconds(16), LeaderAction::kAcquire, 5},
                      DecisionCase{"a_renew_time_in_the_past_does_not_expire_a_live_holder",
                                   held_by("other", 15, 4, kWall - absl::Hours(1)),
                                   absl::Seconds(1), LeaderAction::kFollow, 0},
                      DecisionCase{"the_holders_own_lease_duration_counts", held_by("other", 60),
                                   absl::Seconds(20), LeaderAction::kFollow, 0},
                      DecisionCase{"a_released_lease_is_taken_at_once", held_by("", 1),
                                   absl::ZeroDuration(), LeaderAction::kAcquire, 5}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(LeaderConfigTest, ValidatesLikeClientGo) {
  EXPECT_TRUE(validate(config_for("me")).ok());
  auto with = [](auto change) {
    LeaderElectionConfig c = config_for("me");
    change(c);
    return validate(c);
  };
  EXPECT_THAT(with([](auto& c) { c.identity.clear(); }).message(), HasSubstr("identity is empty"));
  EXPECT_THAT(with([](auto& c) { c.lease_name.clear(); }).message(),
              HasSubstr("lease namespace and name"));
  EXPECT_THAT(with([](auto& c) { c.renew_deadline = absl::Seconds(15); }).message(),
              HasSubstr("lease duration must be greater than the renew deadline"));
  EXPECT_THAT(with([](auto& c) { c.renew_deadline = absl::Milliseconds(2400); }).message(),
              HasSubstr("renew deadline must be greater than 1.2 × the retry period"));
  EXPECT_TRUE(with([](auto& c) { c.renew_deadline = absl::Milliseconds(2401); }).ok());
  EXPECT_THAT(with([](auto& c) { c.retry_period = absl::ZeroDuration(); }).message(),
              HasSubstr("retry period must be positive"));
  EXPECT_THAT(with([](auto& c) { c.lease_duration = absl::Milliseconds(15500); }).message(),
              HasSubstr("whole number of seconds"));
  Config config;
  http::testing::FakeTransport fake;
  util::testing::FakeClock clock;
  RestClient client(config, fake, clock);
  EXPECT_EQ(LeaderElector::create(LeaderElectionConfig{}, client, clock).status().code(),
            util::StatusCode::kInvalidArgument);
}

TEST(LeaseReleaseTest, ReleasedRecordHandsOverAtOnce) {
  const LeaseRecord released = released_record(held_by("me"), kWall);
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 4);
  EXPECT_EQ(decide(released, kT, kT, kWall, config_for("next")).action, LeaderAction::kAcquire);
}

// One replica of the controller: its own transport (which the test can cut
// off from the apiserver), client and elector, running on its own thread.
class Candidate {
 public:
  Candidate(std::string identity, kube::testing::FakeApiServer& server, util::Clock& clock,
            std::vector<std::string>& journal, util::Mutex& journal_mu)
      : identity_(std::move(identity)), journal_(journal), journal_mu_(journal_mu) {
    transport_.set_handler(
        [this, &server](const http::Request& r) -> util::StatusOr<http::Response> {
          if (partitioned_.load()) return util::unavailable_error("connection refused");
          return server.handle(r);
        });
    Config config;
    config.server = "https://k8s";
    RestClientOptions options;
    options.qps = 0;
    client_ = std::make_unique<RestClient>(config, transport_, clock, options);
    LeaderElectionConfig c = config_for(identity_);
    c.callbacks.on_started_leading = [this](std::stop_token stop) {
      note("start");
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      cv.wait(lock, stop, [] { return false; });  // lead until told to stop
      note("stop");
    };
    c.callbacks.on_stopped_leading = [this] { note("stopped"); };
    c.callbacks.on_new_leader = [this](const std::string& who) { note("sees " + who); };
    elector_ = LeaderElector::create(std::move(c), *client_, clock).value();
  }
  ~Candidate() { shut_down(); }

  void run() {
    thread_ = std::jthread([this](std::stop_token stop) {
      elector_->run(std::move(stop));
      finished_.store(true);
    });
  }
  void shut_down() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  void partition() { partitioned_.store(true); }
  // The requests this replica sent since the last call, as "METHOD path".
  std::vector<std::string> take_requests() {
    std::vector<std::string> out;
    for (const http::Request& r : transport_.requests())
      out.push_back(util::cat(http::method_name(r.method), " ", r.url));
    transport_.clear();
    return out;
  }

  LeaderElector& elector() { return *elector_; }
  bool finished() const { return finished_.load(); }
  const std::string& identity() const { return identity_; }

 private:
  void note(const std::string& what) {
    util::MutexLock lock(journal_mu_);
    journal_.push_back(identity_ + " " + what);
  }

  const std::string identity_;
  std::vector<std::string>& journal_;
  util::Mutex& journal_mu_;
  http::testing::FakeTransport transport_;
  std::atomic<bool> partitioned_{false};
  std::unique_ptr<RestClient> client_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<bool> finished_{false};
  std::jthread thread_;
};

class TwoCandidatesTest : public ::testing::Test {
 protected:
  TwoCandidatesTest()
      : a_("a", server_, clock_, journal_, journal_mu_),
        b_("b", server_, clock_, journal_, journal_mu_) {}

  std::vector<Candidate*> all() { return {&a_, &b_}; }

  // Waits (bounded, real time) until `done` holds.
  static bool eventually(const std::function<bool()>& done) {
    util::RealClock real;
    const util::MonotonicTime deadline = real.monotonic_now() + absl::Seconds(10);
    while (!done()) {
      if (real.monotonic_now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  // Every running candidate is back waiting on the clock (or has finished).
  void settle(const std::vector<int64_t>& before) {
    ASSERT_TRUE(eventually([&] {
      size_t running = 0;
      for (size_t i = 0; i < all().size(); ++i) {
        Candidate* c = all()[i];
        if (c->finished()) continue;
        if (c->elector().attempts() <= before[i]) return false;
        ++running;
      }
      return clock_.waiters() == running;
    }));
  }

  void start() {
    std::vector<int64_t> before{a_.elector().attempts(), b_.elector().attempts()};
    for (Candidate* c : all())
      c->run();
    settle(before);
  }

  // One round: each running candidate wakes exactly once (waits are at most
  // 2.2 × retry = 4.4 s) and acts; then the invariant is checked.
  void round() {
    std::vector<int64_t> before{a_.elector().attempts(), b_.elector().attempts()};
    clock_.step(absl::Milliseconds(4500));
    settle(before);
    EXPECT_LE(leaders(), 1);
  }

  int leaders() { return int{a_.elector().is_leader()} + int{b_.elector().is_leader()}; }

  Candidate* leader() {
    for (Candidate* c : all()) {
      if (c->elector().is_leader()) return c;
    }
    return nullptr;
  }

  LeaseRecord lease() {
    return read_lease_record(*server_.get(
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", "kube-aws-iam-controller"));
  }

  std::vector<std::string> journal() {
    util::MutexLock lock(journal_mu_);
    return journal_;
  }

  kube::testing::FakeApiServer server_;
  util::testing::FakeClock clock_{kWall};
  util::Mutex journal_mu_;
  std::vector<std::string> journal_;
  Candidate a_;
  Candidate b_;
};

TEST_F(TwoCandidatesTest, ExactlyOneLeadsAndKeepsRenewing) {
  start();
  ASSERT_EQ(leaders(), 1);
  Candidate* first = leader();
  for (int i = 0; i < 10; ++i) {
    round();
    ASSERT_EQ(leader(), first);  // renewing every retry period keeps it
  }
  EXPECT_EQ(lease().holder_identity, first->identity());
  EXPECT_EQ(lease().lease_transitions, 0);
  Candidate* other = first == &a_ ? &b_ : &a_;
  EXPECT_EQ(other->elector().leader(), first->identity());
}

// As client-go's leader: it renews the Lease as it last wrote it, one PUT per
// retry period and no GET; when someone else wrote the Lease in between, the
// conditional PUT fails and it reads the Lease and renews from that.
TEST_F(TwoCandidatesTest, TheLeaderRenewsWithOneWriteAndReadsOnlyAfterAConflict) {
  start();
  ASSERT_EQ(leaders(), 1);
  Candidate* first = leader();
  const std::string lease_url =
      "https://k8s/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
      "kube-aws-iam-controller";
  const std::string put = "PUT " + lease_url;
  first->take_requests();
  for (int i = 0; i < 3; ++i)
    round();
  EXPECT_THAT(first->take_requests(), ElementsAre(put, put, put));

  // Another client edits the Lease (a label): the version the leader holds is stale.
  Object edited = *server_.get("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases",
                               "kube-aws-iam-controller");
  edited.set_label("edited-by", "someone");
  server_.apply("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", edited);
  round();
  EXPECT_THAT(first->take_requests(), ElementsAre(put, "GET " + lease_url, put));
  EXPECT_EQ(leader(), first);
  EXPECT_EQ(lease().holder_identity, first->identity());
  round();
  EXPECT_THAT(first->take_requests(), ElementsAre(put));
}

TEST_F(TwoCandidatesTest, FailsOverWhenTheHolderStopsRenewing) {
  start();
  Candidate* old_leader = leader();
  ASSERT_NE(old_leader, nullptr);
  Candidate* successor = old_leader == &a_ ? &b_ : &a_;
  old_leader->partition();  // its renewals fail from now on
  int rounds = 0;
  while (!successor->elector().is_leader() && rounds < 10) {
    round();
    ++rounds;
  }
  ASSERT_TRUE(successor->elector().is_leader());
  // The old leader gave up at its renew deadline (10 s), the successor took
  // over only once the record had not changed for the lease duration (15 s).
  EXPECT_FALSE(old_leader->elector().is_leader());
  EXPECT_TRUE(old_leader->finished());
  EXPECT_GE(rounds * 4.5, 15);
  EXPECT_EQ(lease().holder_identity, successor->identity());
  EXPECT_EQ(lease().lease_transitions, 1);
  const std::vector<std::string> j = journal();
  const auto at = [&](const std::string& e) {
    return std::find(j.begin(), j.end(), e) - j.begin();
  };
  EXPECT_LT(at(old_leader->identity() + " stop"), at(successor->identity() + " start"));
  EXPECT_LT(at(old_leader->identity() + " stopped"), at(successor->identity() + " start"));
}

TEST_F(TwoCandidatesTest, ReleaseOnShutdownHandsOverImmediately) {
  start();
  Candidate* old_leader = leader();
  ASSERT_NE(old_leader, nullptr);
  Candidate* successor = old_leader == &a_ ? &b_ : &a_;
  old_leader->shut_down();  // releases the Lease on the way out
  EXPECT_EQ(lease().holder_identity, "");
  EXPECT_EQ(lease().lease_duration_seconds, 1);
  round();  // one retry period later, far less than the 15 s lease
  EXPECT_TRUE(successor->elector().is_leader());
  EXPECT_EQ(lease().holder_identity, successor->identity());
  EXPECT_THAT(journal(), ::testing::Contains(old_leader->identity() + " stopped"));
}

TEST_F(TwoCandidatesTest, RaceForAnExpiredLeaseHasOneWinner) {
  LeaseRecord stale = held_by("crashed-pod");
  server_.apply("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases",
                make_lease("kube-system", "kube-aws-iam-controller", stale));
  start();
  EXPECT_EQ(leaders(), 0);  // a live-looking holder: wait for the lease duration
  for (int i = 0; i < 3; ++i)
    round();
  EXPECT_EQ(leaders(), 0);  // 13.5 s
  round();                  // 18 s: both try; the resourceVersion lets one win
  EXPECT_EQ(leaders(), 1);
  EXPECT_EQ(lease().lease_transitions, 5);
  EXPECT_THAT(journal(), ::testing::Contains("a sees crashed-pod"));
}

}  // namespace
}  // namespace kube
