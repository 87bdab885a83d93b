// pkg/kube against the Kubernetes API simulator (tests/sim/kube) over real
// HTTP with http::Http1Transport: REST errors, an informer through drops and
// a forced 410, events, and two leader electors on one Lease. Real time;
// every wait is bounded and waits for an event, never a fixed sleep.
#include <memory>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/http/http1_transport.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/informer.h"
#include "pkg/kube/kubeconfig.h"
#include "pkg/kube/leader_elector.h"
#include "pkg/kube/rest_client.h"
#include "pkg/kube/secret.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/server.h"
#include "tests/unit/kube/mirror.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::IsEmpty;

class SimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    schemas_ = new std::shared_ptr<const sim::kube::SchemaLibrary>(
        sim::kube::SchemaLibrary::load(sim::kube::SchemaLibrary::default_path()).value());
  }
  static void TearDownTestSuite() {
    delete schemas_;
    schemas_ = nullptr;
  }

  void SetUp() override {
    sim::kube::ServerOptions options;
    options.schemas = *schemas_;
    auto server = sim::kube::Server::create(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(server).value();
    ASSERT_TRUE(server_->start().ok());
    auto transport = http::Http1Transport::create({});
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = std::move(transport).value();
    client_ = new_client();
  }

  void TearDown() override { server_->stop(); }

  std::unique_ptr<RestClient> new_client() {
    Config config;
    config.server = server_->url();
    RestClientOptions options;
    options.qps = 0;
    return std::make_unique<RestClient>(config, *transport_, clock_, options);
  }

  Object create_secret(std::string_view ns, std::string_view name, std::string_view value = "v") {
    Object s = SecretBuilder(ns, name)
                   .label("app", "test")
                   .data("k", util::SecretString(std::string(value)))
                   .build();
    auto created = client_->create(Resource::secrets(), s);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? std::move(created).value() : Object();
  }

  std::map<std::string, std::string> server_state(std::string_view ns) {
    std::map<std::string, std::string> out;
    auto list = client_->list(Resource::secrets(), ns);
    EXPECT_TRUE(list.ok()) << list.status();
    if (!list.ok()) return out;
    for (const Object& o : list->items)
      out[o.key()] = std::string(o.resource_version());
    return out;
  }

  static std::shared_ptr<const sim::kube::SchemaLibrary>* schemas_;
  util::RealClock clock_;
  std::unique_ptr<sim::kube::Server> server_;
  std::unique_ptr<http::Http1Transport> transport_;
  std::unique_ptr<RestClient> client_;
};

std::shared_ptr<const sim::kube::SchemaLibrary>* SimTest::schemas_ = nullptr;

TEST_F(SimTest, RestVerbsAndErrorsMatchTheApiserver) {
  const Object created = create_secret("default", "s1");
  EXPECT_FALSE(created.uid().empty());
  auto again = client_->create(Resource::secrets(), SecretBuilder("default", "s1").build());
  EXPECT_EQ(again.status().code(), util::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().message(), "secrets \"s1\" already exists");

  Object stale = created;
  stale.set_label("x", "1");
  ASSERT_TRUE(client_->update(Resource::secrets(), stale).ok());
  auto conflict = client_->update(Resource::secrets(), stale);  // same, now stale version
  EXPECT_TRUE(is_conflict(conflict.status())) << conflict.status();

  auto patched = client_->patch(Resource::secrets(), "default", "s1", PatchType::kMerge,
                                R"({"metadata":{"labels":{"y":"2"}}})");
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_EQ(patched->label("y"), "2");
  EXPECT_EQ(SecretView(*patched).data("k")->reveal(), "v");

  ListOptions by_label;
  by_label.label_selector = "y=2";
  EXPECT_EQ(client_->list(Resource::secrets(), "", by_label)->items.size(), 1u);

  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "not-the-uid";
  EXPECT_EQ(client_->remove(Resource::secrets(), "default", "s1", wrong_uid).code(),
            util::StatusCode::kAborted);
  EXPECT_TRUE(client_->remove(Resource::secrets(), "default", "s1").ok());
  EXPECT_EQ(client_->get(Resource::secrets(), "default", "s1").status().code(),
            util::StatusCode::kNotFound);
}

// The whole configuration path: the simulator's kubeconfig (TLS with its own
// CA, a bearer token) → Config → Http1Transport + RestClient.
TEST_F(SimTest, KubeconfigWithTlsAndTokenReachesTheServer) {
  sim::kube::ServerOptions options;
  options.schemas = *schemas_;
  options.tls = true;
  options.tokens.emplace_back(util::SecretString("s3cret"),
                              "system:serviceaccount:kube-system:kaic");
  auto server = sim::kube::Server::create(options).value();
  ASSERT_TRUE(server->start().ok());
  const std::string path = ::testing::TempDir() + "/kube-sim-kubeconfig";
  ASSERT_TRUE(server->write_kubeconfig(path, util::SecretString("s3cret")).ok());
  auto config = load_kubeconfig({path}, "", clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->server.starts_with("https://127.0.0.1:"));
  http::Http1TransportOptions transport_options;
  transport_options.tls = config->tls;
  auto transport = http::Http1Transport::create(transport_options);
  ASSERT_TRUE(transport.ok()) << transport.status();
  RestClient client(*config, **transport, clock_);
  auto list = client.list(Resource::secrets(), "default");
  EXPECT_TRUE(list.ok()) << list.status();
  Config wrong = *config;
  wrong.token = std::make_shared<StaticTokenSource>(util::SecretString("wrong"));
  RestClient denied(wrong, **transport, clock_);
  EXPECT_EQ(denied.list(Resource::secrets(), "default").status().code(),
            util::StatusCode::kUnauthenticated);
  server->stop();
}

TEST_F(SimTest, ThrottlingIsRetriedAfterRetryAfter) {
  create_secret("default", "s1");
  server_->faults().fail_next(
      {.count = 1, .verb = "get", .resource = "secrets", .code = 429, .retry_after_seconds = 1});
  auto got = client_->get(Resource::secrets(), "default", "s1");
  EXPECT_TRUE(got.ok()) << got.status();
}

TEST_F(SimTest, InformerFollowsThroughDroppedWatchesAndAForcedRelist) {
  for (int i = 0; i < 30; ++i)
    create_secret("default", util::cat("s", i));
  test::Mirror mirror;
  InformerOptions options;
  options.reflector.page_size = 10;
  options.reflector.backoff.initial = absl::Milliseconds(50);  // keep the test quick
  Informer<Object> informer(*client_, Resource::secrets(), clock_, options);
  informer.add_handlers(mirror.handlers());
  std::jthread run([&](std::stop_token stop) { informer.run(std::move(stop)); });
  std::stop_source never;
  ASSERT_TRUE(informer.wait_for_sync(never.get_token()));
  EXPECT_EQ(informer.store().size(), 30u);
  int calls = 30;

  // Live changes: one handler call each.
  for (int i = 30; i < 35; ++i)
    create_secret("default", util::cat("s", i));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(client_->remove(Resource::secrets(), "default", util::cat("s", i)).ok());
  calls += 10;
  ASSERT_TRUE(mirror.calls().await_at_least(calls));
  EXPECT_EQ(mirror.state(), server_state("default"));

  // Cut the watch: the informer resumes from its last version (no relist).
  server_->drop_watches();
  for (int i = 35; i < 40; ++i)
    create_secret("default", util::cat("s", i));
  calls += 5;
  ASSERT_TRUE(mirror.calls().await_at_least(calls));
  EXPECT_EQ(mirror.state(), server_state("default"));
  EXPECT_EQ(informer.reflector().list_count(), 1);

  // The next watch is answered 410 Expired: the informer relists and reports
  // what changed meanwhile.
  server_->faults().force_watch_expired(1);
  server_->drop_watches();
  for (int i = 5; i < 10; ++i)
    ASSERT_TRUE(client_->remove(Resource::secrets(), "default", util::cat("s", i)).ok());
  calls += 5;
  ASSERT_TRUE(mirror.calls().await_at_least(calls));
  EXPECT_EQ(mirror.state(), server_state("default"));
  EXPECT_EQ(informer.reflector().list_count(), 2);
  EXPECT_THAT(mirror.violations(), IsEmpty());
}

TEST_F(SimTest, RepeatedEventsAreAggregated) {
  ApiEventRecorder recorder(*client_, clock_);
  const ObjectReference role{"zalando.org/v1", "AWSIAMRole", "my-role", "default", "uid-1", "7"};
  recorder.record(role, EventType::kWarning, "GetCredentialsFailed", "AccessDenied");
  recorder.record(role, EventType::kWarning, "GetCredentialsFailed", "AccessDenied");
  recorder.flush();
  ListOptions describe;  // what `kubectl describe` asks for
  describe.field_selector = "involvedObject.name=my-role,involvedObject.namespace=default";
  auto events = client_->list(Resource::events(), "default", describe);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->items.size(), 1u);
  const Event e = event_from_object(events->items[0]).value();
  EXPECT_EQ(e.count, 2);
  EXPECT_EQ(e.reason, "GetCredentialsFailed");
  EXPECT_EQ(e.involved, role);
}

TEST_F(SimTest, TwoElectorsOneLeaderAndHandoverOnShutdown) {
  struct Replica {
    std::unique_ptr<RestClient> client;
    std::unique_ptr<LeaderElector> elector;
    std::jthread thread;
  };
  auto make = [&](const std::string& identity) {
    Replica r;
    r.client = new_client();
    LeaderElectionConfig c;
    c.lease_namespace = "default";
    c.lease_name = "kube-aws-iam-controller";
    c.identity = identity;
    c.lease_duration = absl::Seconds(3);
    c.renew_deadline = absl::Seconds(2);
    c.retry_period = absl::Milliseconds(200);
    r.elector = LeaderElector::create(c, *r.client, clock_).value();
    return r;
  };
  Replica a = make("a");
  Replica b = make("b");
  a.thread = std::jthread([&](std::stop_token s) { a.elector->run(std::move(s)); });
  b.thread = std::jthread([&](std::stop_token s) { b.elector->run(std::move(s)); });
  util::RealClock real;
  auto wait_for = [&](const std::function<bool()>& done) {
    const util::MonotonicTime deadline = real.monotonic_now() + absl::Seconds(20);
    while (!done()) {
      EXPECT_FALSE(a.elector->is_leader() && b.elector->is_leader()) << "two leaders";
      if (real.monotonic_now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  };
  ASSERT_TRUE(wait_for([&] { return a.elector->is_leader() || b.elector->is_leader(); }));
  Replica& leader = a.elector->is_leader() ? a : b;
  Replica& follower = a.elector->is_leader() ? b : a;
  const util::MonotonicTime released_at = real.monotonic_now();
  leader.thread.request_stop();
  leader.thread.join();  // released the Lease
  ASSERT_TRUE(wait_for([&] { return follower.elector->is_leader(); }));
  // Taken over after about one retry period, not after the 3 s lease.
  EXPECT_LT(real.monotonic_now() - released_at, absl::Seconds(3));
  auto lease = client_->get(Resource::leases(), "default", "kube-aws-iam-controller");
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ(read_lease_record(*lease).lease_transitions, 1);
  follower.thread.request_stop();
}

}  // namespace
}  // namespace kube
