// The event correlator's decisions (as values) and the recorder's I/O.
#include "pkg/kube/event_recorder.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/kube/fake_recorder.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using Action = Correlation::Action;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Event occurrence(std::string_view name = "role", std::string_view reason = "CreateCredentials",
                 std::string_view message = "created", EventType type = EventType::kNormal) {
  Event e;
  e.involved = {"zalando.org/v1",           "AWSIAMRole", std::string(name), "demo",
                "uid-" + std::string(name), "5"};
  e.type = type;
  e.reason = reason;
  e.message = message;
  e.component = "kube-aws-iam-controller";
  return e;
}

struct Step {
  absl::Duration at;  // since kT0
  Event occurrence;
  Action want;
  int32_t want_count;
  int want_name;  // the n-th distinct name created in this row (0-based)
};

struct CorrelatorCase {
  const char* name;
  std::vector<Step> steps;
};

class CorrelatorTableTest : public ::testing::TestWithParam<CorrelatorCase> {};

TEST_P(CorrelatorTableTest, Decides) {
  EventCorrelator correlator;
  std::vector<std::string> names;
  for (size_t i = 0; i < GetParam().steps.size(); ++i) {
    const Step& step = GetParam().steps[i];
    const Correlation c = correlator.correlate(step.occurrence, kT0 + step.at);
    SCOPED_TRACE(util::cat("step ", i));
    ASSERT_EQ(c.action, step.want);
    if (step.want == Action::kDrop) continue;
    EXPECT_EQ(c.event.count, step.want_count);
    EXPECT_EQ(c.event.last_timestamp, kT0 + step.at);
    if (step.want == Action::kCreate) {
      EXPECT_EQ(c.event.first_timestamp, kT0 + step.at);
      ASSERT_EQ(static_cast<int>(names.size()), step.want_name);
      names.push_back(c.event.name);
    } else {
      EXPECT_EQ(c.event.name, names.at(step.want_name));
    }
    EXPECT_EQ(c.event.namespace_name, "demo");
    EXPECT_TRUE(c.event.name.starts_with(step.occurrence.involved.name + ".")) << c.event.name;
  }
}

const Event kA = occurrence();
INSTANTIATE_TEST_SUITE_P(
    Rows, CorrelatorTableTest,
    ::testing::Values(
        CorrelatorCase{"first_occurrence_creates",
                       {{absl::ZeroDuration(), kA, Action::kCreate, 1, 0}}},
        CorrelatorCase{"the_same_event_again_patches_the_count",
                       {{absl::ZeroDuration(), kA, Action::kCreate, 1, 0},
                        {absl::Minutes(1), kA, Action::kPatch, 2, 0},
                        {absl::Minutes(3), kA, Action::kPatch, 3, 0}}},
        CorrelatorCase{"after_the_window_it_is_a_new_event",
                       {{absl::ZeroDuration(), kA, Action::kCreate, 1, 0},
                        {absl::Minutes(10), kA, Action::kPatch, 2, 0},
                        {absl::Minutes(20) + absl::Seconds(1), kA, Action::kCreate, 1, 1}}},
        CorrelatorCase{
            "a_different_message_reason_type_or_object_is_another_event",
            {{absl::ZeroDuration(), kA, Action::kCreate, 1, 0},
             {absl::Seconds(1), occurrence("role", "CreateCredentials", "other"), Action::kCreate,
              1, 1},
             {absl::Seconds(2), occurrence("role", "UpdateCredentials"), Action::kCreate, 1, 2},
             {absl::Seconds(3),
              occurrence("role", "CreateCredentials", "created", EventType::kWarning),
              Action::kCreate, 1, 3},
             {absl::Seconds(4), occurrence("other-role"), Action::kCreate, 1, 4},
             {absl::Seconds(5), kA, Action::kPatch, 2, 0}}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(CorrelatorTest, SpamFilterAllowsABurstOf25ThenOnePerFiveMinutes) {
  EventCorrelator correlator;
  for (int i = 0; i < 25; ++i) {
    EXPECT_NE(correlator.correlate(occurrence("role", "R", util::cat("m", i)), kT0).action,
              Action::kDrop)
        << i;
  }
  EXPECT_EQ(correlator.correlate(occurrence("role", "R", "m25"), kT0).action, Action::kDrop);
  EXPECT_EQ(correlator.correlate(kA, kT0 + absl::Minutes(4)).action,
            Action::kDrop);                                                         // identical too
  EXPECT_NE(correlator.correlate(occurrence("other"), kT0).action, Action::kDrop);  // per object
  EXPECT_EQ(correlator.correlate(occurrence("role", "R", "m26"), kT0 + absl::Minutes(5)).action,
            Action::kCreate);
  EXPECT_EQ(correlator.correlate(occurrence("role", "R", "m27"), kT0 + absl::Minutes(5)).action,
            Action::kDrop);
}

TEST(CorrelatorTest, ForgetMakesTheNextOccurrenceCreateAnew) {
  EventCorrelator correlator;
  const Correlation first = correlator.correlate(kA, kT0);
  correlator.forget(first.event);
  const Correlation second = correlator.correlate(kA, kT0 + absl::Seconds(1));
  EXPECT_EQ(second.action, Action::kCreate);
  EXPECT_NE(second.event.name, first.event.name);
}

// Each LRU keeps at most max_entries keys: the least recently used goes, and
// what it knew with it (a spent spam budget, an event to aggregate onto).
TEST(CorrelatorTest, RemembersAtMostMaxEntriesLeastRecentlyUsedFirst) {
  EventCorrelator correlator({.spam_burst = 1, .max_entries = 2});
  EXPECT_EQ(correlator.correlate(occurrence("a"), kT0).action, Action::kCreate);
  EXPECT_EQ(correlator.correlate(occurrence("b"), kT0).action, Action::kCreate);
  // "a" has spent its burst of one: dropped, and its budget was just used.
  EXPECT_EQ(correlator.correlate(occurrence("a"), kT0).action, Action::kDrop);
  // "c": the spam filter forgets "b" (least recently used there), the
  // aggregation "a" (the drop never reached it).
  EXPECT_EQ(correlator.correlate(occurrence("c"), kT0).action, Action::kCreate);
  EXPECT_EQ(correlator.correlate(occurrence("a"), kT0).action, Action::kDrop);
  // "b" has a full budget again and its event is still known: counted.
  const Correlation b = correlator.correlate(occurrence("b"), kT0);
  EXPECT_EQ(b.action, Action::kPatch);
  EXPECT_EQ(b.event.count, 2);
}

TEST(CorrelatorTest, NamesAreUniqueHexSuffixesEvenAtTheSameInstant) {
  EventCorrelator correlator;
  EXPECT_EQ(correlator.next_name(kA.involved, absl::FromUnixNanos(0x18eab713b99d77e7)),
            "role.18eab713b99d77e7");  // the Go original's form
  EXPECT_EQ(correlator.next_name(kA.involved, absl::FromUnixNanos(0x18eab713b99d77e7)),
            "role.18eab713b99d77e8");
  Event cluster_scoped = kA;
  cluster_scoped.involved.namespace_name.clear();
  EXPECT_EQ(correlator.correlate(cluster_scoped, kT0).event.namespace_name, "default");
}

class RecorderTest : public ::testing::Test {
 protected:
  RecorderTest() {
    config_.server = "https://k8s";
    fake_.set_handler(server_.handler());
    RestClientOptions options;
    options.qps = 0;
    client_ = std::make_unique<RestClient>(config_, fake_, clock_, options);
  }

  std::vector<Event> events() {
    std::vector<Event> out;
    for (const Object& o : server_.list("/api/v1/namespaces/demo/events"))
      out.push_back(event_from_object(o).value());
    return out;
  }

  Config config_;
  kube::testing::FakeApiServer server_;
  http::testing::FakeTransport fake_;
  util::testing::FakeClock clock_{kT0};
  std::unique_ptr<RestClient> client_;
};

TEST_F(RecorderTest, CreatesThenPatchesTheCountOfRepeats) {
  EventRecorderOptions options;
  options.reporting_instance = "pod-1";
  ApiEventRecorder recorder(*client_, clock_, options);
  recorder.record(kA.involved, EventType::kNormal, "CreateCredentials", "created");
  recorder.flush();
  clock_.step(absl::Seconds(30));
  recorder.record(kA.involved, EventType::kNormal, "CreateCredentials", "created");
  recorder.flush();
  const std::vector<Event> written = events();
  ASSERT_EQ(written.size(), 1u);
  const Event& e = written[0];
  EXPECT_EQ(e.count, 2);
  EXPECT_EQ(e.first_timestamp, kT0);
  EXPECT_EQ(e.last_timestamp, kT0 + absl::Seconds(30));
  EXPECT_EQ(e.involved, kA.involved);
  EXPECT_EQ(e.reason, "CreateCredentials");
  EXPECT_EQ(e.component, "kube-aws-iam-controller");
  EXPECT_EQ(e.reporting_instance, "pod-1");
  EXPECT_EQ(e.name, "role.18fae27693b40000");  // kT0 in nanoseconds, hex
  EXPECT_EQ(recorder.created(), 1u);
  EXPECT_EQ(recorder.patched(), 1u);
  const std::vector<std::string> log = server_.request_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "POST /api/v1/namespaces/demo/events");
  EXPECT_EQ(log[1], "PATCH /api/v1/namespaces/demo/events/" + e.name);
  const auto requests = fake_.requests();
  EXPECT_EQ(requests[1].headers.get("Content-Type"), "application/strategic-merge-patch+json");
  EXPECT_EQ(requests[1].body, R"({"count":2,"lastTimestamp":"2027-01-15T08:00:30Z"})");
}

TEST_F(RecorderTest, AnEventTheServerDroppedIsWrittenAnew) {
  ApiEventRecorder recorder(*client_, clock_);
  recorder.record(kA.involved, EventType::kWarning, "GetCredentialsFailed", "AccessDenied");
  recorder.flush();
  ASSERT_EQ(events().size(), 1u);
  server_.remove("/api/v1/namespaces/demo/events", events()[0].name);  // the 1 h TTL passed
  recorder.record(kA.involved, EventType::kWarning, "GetCredentialsFailed", "AccessDenied");
  recorder.flush();
  ASSERT_EQ(events().size(), 1u);
  EXPECT_EQ(events()[0].count, 2);
  EXPECT_EQ(events()[0].type, EventType::kWarning);
  EXPECT_EQ(recorder.created(), 2u);
  EXPECT_EQ(recorder.failed(), 0u);
}

TEST_F(RecorderTest, FailedWritesAreCountedAndReported) {
  std::vector<std::string> errors;
  EventRecorderOptions options;
  options.on_error = [&](const Event& e, const util::Status& s) {
    errors.push_back(e.reason + ": " + s.to_string());
  };
  ApiEventRecorder recorder(*client_, clock_, options);
  server_.fail_next(1, 403, "Forbidden");
  recorder.record(kA.involved, EventType::kNormal, "CreateCredentials", "created");
  recorder.flush();
  EXPECT_EQ(recorder.failed(), 1u);
  EXPECT_THAT(errors, ElementsAre("CreateCredentials: PERMISSION_DENIED: injected Forbidden"));
  recorder.record(kA.involved, EventType::kNormal, "CreateCredentials", "created");
  recorder.flush();
  EXPECT_EQ(recorder.created(), 1u);  // forgotten after the failure: created, not patched
}

TEST(RecorderBlockingTest, RecordNeverBlocksOnAStuckApiserver) {
  util::testing::FakeClock clock;
  http::testing::FakeTransport fake;
  util::Mutex mu;
  util::CondVar cv;
  bool release = false;
  test::Counter entered;
  fake.set_handler([&](const http::Request&) -> util::StatusOr<http::Response> {
    entered.increment();
    util::MutexLock lock(mu);
    while (!release)
      cv.wait(mu);
    return util::unavailable_error("apiserver gone");
  });
  Config config;
  config.server = "https://k8s";
  RestClientOptions client_options;
  client_options.qps = 0;
  RestClient client(config, fake, clock, client_options);
  EventRecorderOptions options;
  options.queue_capacity = 100;
  ApiEventRecorder recorder(client, clock, options);
  recorder.record(kA.involved, EventType::kNormal, "R", "first");
  ASSERT_TRUE(entered.await_at_least(1));  // the writer is stuck in the transport
  for (int i = 0; i < 10'000; ++i) {
    recorder.record(kA.involved, EventType::kNormal, "R", util::cat("m", i));
  }
  // All 10,000 calls returned while the write is stuck: 100 queued, the rest dropped.
  EXPECT_EQ(recorder.dropped_queue_full(), 9'900u);
  {
    util::MutexLock lock(mu);
    release = true;
    cv.notify_all();
  }
  recorder.shut_down();
}

TEST(FakeRecorderTest, KeepsLinesForAssertions) {
  kube::testing::FakeRecorder recorder;
  recorder.record(kA.involved, EventType::kWarning, "GetCredentialsFailed", "denied");
  EXPECT_THAT(recorder.lines(), ElementsAre("Warning GetCredentialsFailed denied"));
}

}  // namespace
}  // namespace kube
