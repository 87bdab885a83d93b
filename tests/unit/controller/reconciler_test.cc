// The reconciler, one key at a time, against an in-memory apiserver
// (kube::testing::FakeApiServer behind the real RestClient) and a scripted
// credential source: what it writes, what it tells the user, what it returns
// for the queue, and what it refuses to pay twice for.
#include "controller/loop/reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <set>

#include "controller/domain/views.h"
#include "pkg/aws/aws_error.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/config.h"
#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/support/http/fake_transport.h"
#include "tests/support/kube/fake_api_server.h"
#include "tests/support/kube/fake_recorder.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kRoles = "/apis/zalando.org/v1/namespaces/demo/awsiamroles";
constexpr std::string_view kSecrets = "/api/v1/namespaces/demo/secrets";
constexpr std::string_view kAppRoleArn = "arn:aws:iam::123456789012:role/team/app/my-role";

// Answers AssumeRole from a script; by default with fresh one-hour credentials.
class ScriptedCredentials final : public CredentialSource {
 public:
  explicit ScriptedCredentials(util::Clock& clock) : clock_(clock) {}

  util::StatusOr<IssuedCredentials> issue(const RoleRequest& request, std::stop_token) override {
    util::MutexLock lock(mu_);
    ++calls_;
    last_request_ = request;
    Answer next;
    if (!script_.empty()) {
      next = std::move(script_.front());
      script_.pop_front();
    }
    if (!next.error.ok()) return next.error;
    return IssuedCredentials{
        .credentials = {.role_arn = request.role.str(),
                        .access_key_id = "ASIAFAKE" + std::to_string(calls_),
                        .secret_access_key = util::SecretString("secret-" + std::to_string(calls_)),
                        .session_token = util::SecretString("token"),
                        .expiration = clock_.system_now() + absl::Hours(1)},
        .note = std::move(next.note)};
  }

  void fail_next(util::Status error) {
    util::MutexLock lock(mu_);
    script_.push_back({.error = std::move(error)});
  }
  void answer_next_with_note(std::string note) {
    util::MutexLock lock(mu_);
    script_.push_back({.note = std::move(note)});
  }
  int calls() const {
    util::MutexLock lock(mu_);
    return calls_;
  }
  std::optional<RoleRequest> last_request() const {
    util::MutexLock lock(mu_);
    return last_request_;
  }

 private:
  struct Answer {
    util::Status error;  // OK: credentials
    std::string note;
  };
  util::Clock& clock_;
  mutable util::Mutex mu_;
  std::deque<Answer> script_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<RoleRequest> last_request_ ABSL_GUARDED_BY(mu_);
};

http::Response verbatim_error(int code, std::string body) {
  return {code, {}, std::move(body)};
}

class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() { transport_.set_handler(api_.handler()); }

  // An AWSIAMRole in namespace demo, as a user applies it.
  void apply_role(std::string_view name, std::string_view spec,
                  std::string_view labels = R"({"team":"a"})") {
    api_.apply(kRoles,
               *kube::Object::parse(util::cat(
                   R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":")",
                   name, R"(","namespace":"demo","generation":1,"labels":)", labels, R"(},"spec":)",
                   spec, "}")));
  }

  // The informers' caches, caught up with the server (projected as the
  // controller's informers project them).
  void sync_caches() {
    sync(kRoles, role_cache_, role_view, {});
    sync(kSecrets, secret_cache_, secret_view, "kube-aws-iam-controller");
  }

  Outcome reconcile(std::string_view name) {
    return reconciler_.reconcile(util::cat("demo/", name), {}).next;
  }

  std::optional<kube::Object> secret(std::string_view name) const {
    return api_.get(kSecrets, name);
  }
  std::string secret_data(std::string_view name, std::string_view key) const {
    auto s = secret(name);
    if (!s) return "";
    auto value = kube::SecretView(*s).data(key);
    return value.ok() ? std::string(value->reveal()) : "";
  }
  AwsIamRoleStatus status(std::string_view name) const {
    return parse_awsiamrole(api_.get(kRoles, name)->json())->status;
  }
  const Condition& ready(std::string_view name) {
    status_ = status(name);
    const Condition* c = status_.condition("Ready");
    EXPECT_NE(c, nullptr);
    static const Condition kNone;
    return c != nullptr ? *c : kNone;
  }
  int writes_to(std::string_view resource) const {
    int n = 0;
    for (const std::string& line : api_.request_log()) {
      if (!line.starts_with("GET") && line.find(resource) != std::string::npos) ++n;
    }
    return n;
  }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    for (const auto& e : events_.recorded()) {
      if (e.type == kube::EventType::kWarning) out.push_back(e.reason);
    }
    return out;
  }

  util::testing::FakeClock clock_;
  kube::testing::FakeApiServer api_;
  http::testing::FakeTransport transport_;
  kube::RestClient client_{*kube::config_from_url("http://apiserver.test"),
                           transport_,
                           clock_,
                           {.qps = 0, .max_retries = 0}};
  RestObjectWriter writer_{client_};
  kube::Store<AwsIamRole> role_cache_;
  kube::Store<ManagedSecret> secret_cache_;
  kube::MutationCache<AwsIamRole> roles_{role_cache_, /*include_adds=*/false};
  kube::MutationCache<ManagedSecret> secrets_{secret_cache_, /*include_adds=*/true};
  ScriptedCredentials sts_{clock_};
  kube::testing::FakeRecorder events_;
  Reconciler reconciler_{
      {.roles = roles_,
       .secrets = secrets_,
       .kube = writer_,
       .credentials = sts_,
       .events = events_,
       .clock = clock_},
      {.plan = {.base_role_arn = *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/")}}};
  AwsIamRoleStatus status_;

 private:
  // `heritage`: the label selector of the controller's Secret informer.
  // As an informer's relist: the views of what is listed (an unchanged
  // version keeps its cached view), and nothing else.
  template <typename View>
  void sync(std::string_view collection, kube::Store<View>& store,
            View (*view_of)(const kube::Object&), std::string_view heritage) {
    std::set<std::string, std::less<>> listed;
    for (const kube::Object& o : api_.list(collection)) {
      if (!heritage.empty() &&
          (o.label("heritage") != heritage || o.label("type") != "awsiamrole")) {
        continue;
      }
      auto view = std::make_shared<const View>(view_of(o));
      listed.insert(view->key());
      const auto cached = store.get(view->key());
      if (cached == nullptr || cached->resource_version() != view->resource_version()) {
        store.upsert(std::move(view));
      }
    }
    for (const std::string& key : store.keys()) {
      if (!listed.contains(key)) store.remove(key);
    }
  }
};

TEST_F(ReconcilerTest, NewRoleGetsItsSecretStatusAndEventAndARefreshTime) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  const Outcome outcome = reconcile("app");

  ASSERT_TRUE(std::holds_alternative<Done>(outcome));
  // One hour of credentials, refreshed 22 minutes before they expire.
  EXPECT_EQ(std::get<Done>(outcome).look_again_at,
            clock_.system_now() + absl::Hours(1) - absl::Minutes(22));
  EXPECT_EQ(sts_.calls(), 1);
  EXPECT_EQ(secret_data("app", kRoleArnKey), kAppRoleArn);
  EXPECT_EQ(secret("app")->label("heritage"), "kube-aws-iam-controller");
  EXPECT_EQ(secret("app")->label("team"), "a");
  EXPECT_EQ(ready("app").status, "True");
  EXPECT_EQ(status("app").role_arn, kAppRoleArn);
  ASSERT_EQ(events_.recorded().size(), 1u);
  EXPECT_EQ(events_.recorded()[0].reason, "CreateCredentials");
}

TEST_F(ReconcilerTest, AStatusWriteKeepsConditionsOtherWritersOwn) {
  api_.apply(kRoles, *kube::Object::parse(R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole",
    "metadata":{"name":"app","namespace":"demo","generation":1},
    "spec":{"roleReference":"team/app/my-role"},
    "status":{"conditions":[{"type":"PodsMountCorrectly","status":"False",
      "reason":"PodsMountWrongly","message":"1 pod never sees the Secret refreshed"}]}})"));
  sync_caches();
  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("app")));

  EXPECT_EQ(ready("app").status, "True");
  const AwsIamRoleStatus written = status("app");
  const Condition* mounts = written.condition("PodsMountCorrectly");
  ASSERT_NE(mounts, nullptr) << "the conditions list is written whole";
  EXPECT_EQ(mounts->status, "False");
  EXPECT_EQ(mounts->message, "1 pod never sees the Secret refreshed");
}

TEST_F(ReconcilerTest, SessionPoliciesReachTheRequest) {
  apply_role("scoped", R"({"roleReference":"team/app/my-role","roleSessionDuration":900,
    "policy":"{\"Version\":\"2012-10-17\"}",
    "policyARNs":["arn:aws:iam::aws:policy/ReadOnlyAccess"]})");
  apply_role("plain", R"({"roleReference":"team/app/my-role"})");
  sync_caches();

  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("scoped")));
  std::optional<RoleRequest> request = sts_.last_request();
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->duration_seconds, 900);
  EXPECT_EQ(request->policy, R"({"Version":"2012-10-17"})");
  EXPECT_THAT(request->policy_arns, ElementsAre("arn:aws:iam::aws:policy/ReadOnlyAccess"));

  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("plain")));
  request = sts_.last_request();
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->duration_seconds, 3600);
  EXPECT_EQ(request->policy, std::nullopt);
  EXPECT_THAT(request->policy_arns, IsEmpty());
}

TEST_F(ReconcilerTest, TheSecretItWritesIsCachedWithNothingElseOnIt) {
  // The view keeps what the controller writes as flags and a uid; only what
  // is not the controller's (here the role's own label, copied onto its
  // Secret) is kept as it is.
  apply_role("plain", R"({"roleReference":"team/app/my-role"})", "{}");
  apply_role("labelled", R"({"roleReference":"team/app/my-role"})", R"({"team":"a"})");
  sync_caches();
  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("plain")));
  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("labelled")));
  sync_caches();

  const auto plain = secrets_.get("demo/plain");
  ASSERT_NE(plain, nullptr);
  EXPECT_TRUE(plain->ours());
  EXPECT_THAT(plain->label_keys(), ElementsAre("heritage", "type"));
  ASSERT_EQ(plain->owner_references().size(), 1u);
  EXPECT_EQ(plain->role_owner_uid, plain->owner_references()[0].uid);
  EXPECT_EQ(plain->others, nullptr);

  const auto labelled = secrets_.get("demo/labelled");
  ASSERT_NE(labelled, nullptr);
  EXPECT_THAT(labelled->label_keys(), ElementsAre("heritage", "type", "team"));
  EXPECT_TRUE(labelled->has_label("team", "a"));
  ASSERT_NE(labelled->others, nullptr);
  EXPECT_THAT(labelled->other_owner_references(), IsEmpty());
  EXPECT_THAT(labelled->other_data_keys(), IsEmpty());
}

TEST_F(ReconcilerTest, CachesKeepNoCredentialsButServeOwnWritesUntilCaughtUp) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  reconcile("app");
  // The informer has not seen the write yet; the read-your-writes cache has,
  // as the informer's view: what the credentials are for, not what they are.
  const auto written = secrets_.get("demo/app");
  ASSERT_NE(written, nullptr);
  EXPECT_TRUE(written->holds_credentials);
  EXPECT_THAT(written->data.problems, IsEmpty());
  EXPECT_EQ(written->data.role_arn, kAppRoleArn);

  // Reconciling again before the caches catch up does nothing at all.
  const int writes = writes_to("secrets") + writes_to("awsiamroles");
  const Outcome again = reconcile("app");
  EXPECT_TRUE(std::holds_alternative<Done>(again));
  EXPECT_EQ(sts_.calls(), 1);
  EXPECT_EQ(writes_to("secrets") + writes_to("awsiamroles"), writes);
  sync_caches();
  EXPECT_EQ(secrets_.size(), 1u);  // the echo has not reached a handler yet
  EXPECT_TRUE(secrets_.is_own_echo(*secret_cache_.get("demo/app")));
}

TEST_F(ReconcilerTest, AFailedSecretWriteIsRetriedWithoutPayingStsTwice) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  api_.fail_next(1, 500, "InternalError");  // the Secret create
  const Outcome failed = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Retry>(failed));
  EXPECT_EQ(reconciler_.unwritten_credentials(), 1u);
  EXPECT_THAT(warnings(), ElementsAre("CreateSecretFailed"));
  EXPECT_EQ(ready("app").reason, kReasonSecretWriteFailed);

  sync_caches();
  const Outcome retried = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Done>(retried));
  EXPECT_EQ(sts_.calls(), 1) << "the retry repeats only the write";
  EXPECT_THAT(secret_data("app", kCredentialsJsonKey), HasSubstr(R"("AccessKeyId":"ASIAFAKE1")"));
  EXPECT_EQ(reconciler_.unwritten_credentials(), 0u);
  EXPECT_EQ(ready("app").status, "True");
}

TEST_F(ReconcilerTest, KeptCredentialsAreDroppedWhenTheSpecChangesOrTheyAge) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  api_.fail_next(1, 500, "InternalError");
  reconcile("app");
  // Too old to be worth writing (inside the refresh lead): a new session.
  clock_.step(absl::Minutes(39));
  sync_caches();
  reconcile("app");
  EXPECT_EQ(sts_.calls(), 2);
  EXPECT_THAT(secret_data("app", kCredentialsJsonKey), HasSubstr(R"("AccessKeyId":"ASIAFAKE2")"));

  apply_role("other", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  api_.fail_next(1, 500, "InternalError");
  reconcile("other");
  apply_role("other", R"({"roleReference":"team/app/my-role","roleSessionDuration":7200})");
  sync_caches();
  reconcile("other");
  EXPECT_EQ(sts_.calls(), 4) << "credentials of the old spec are not written for the new one";
}

TEST_F(ReconcilerTest, NamespaceBeingDeletedGetsNoStsCallsNoWritesAndNoWarnings) {
  apply_role("a", R"({"roleReference":"team/app/my-role"})");
  apply_role("b", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  // Verbatim from a real apiserver (NamespaceLifecycle admission).
  api_.fail_next_with(verbatim_error(
      403,
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"a\" is forbidden: unable to create new content in namespace demo because it is being terminated","reason":"Forbidden","details":{"name":"a","kind":"secrets","causes":[{"reason":"NamespaceTerminating","message":"namespace demo is being terminated","field":"metadata.namespace"}]},"code":403})"));
  const Outcome a = reconcile("a");
  ASSERT_TRUE(std::holds_alternative<Blocked>(a));
  EXPECT_EQ(std::get<Blocked>(a).recheck_after, std::nullopt) << "waits for the deletion";
  EXPECT_THAT(warnings(), IsEmpty());
  const int writes = writes_to("secrets") + writes_to("awsiamroles");

  const Outcome b = reconcile("b");
  ASSERT_TRUE(std::holds_alternative<Blocked>(b));
  EXPECT_EQ(sts_.calls(), 1) << "only the first role asked STS";
  EXPECT_EQ(writes_to("secrets") + writes_to("awsiamroles"), writes);
  EXPECT_THAT(warnings(), IsEmpty());

  // A role created later shows the namespace accepts writes again.
  reconciler_.namespace_may_accept_writes("demo");
  EXPECT_TRUE(std::holds_alternative<Done>(reconcile("b")));
  EXPECT_TRUE(std::holds_alternative<Done>(reconcile("a")));
  EXPECT_EQ(sts_.calls(), 2) << "a's kept credentials were written";
}

TEST_F(ReconcilerTest, ThrottlingIsRetriedQuietly) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  sts_.fail_next(aws::aws_error_status({.code = "Throttling", .message = "Rate exceeded"}, 400));
  const Outcome outcome = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Retry>(outcome));
  EXPECT_THAT(warnings(), IsEmpty());
  EXPECT_EQ(writes_to("awsiamroles"), 0) << "no Ready=False for a throttled call";
}

TEST_F(ReconcilerTest, AccessDeniedWarnsSaysNotReadyAndIsRecheckedSlowly) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  sts_.fail_next(aws::aws_error_status(
      {.code = "AccessDenied", .message = "not authorized", .request_id = "r-1"}, 403));
  const Outcome outcome = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Blocked>(outcome));
  EXPECT_EQ(std::get<Blocked>(outcome).recheck_after, kBlockedRecheck);
  ASSERT_EQ(events_.recorded().size(), 1u);
  EXPECT_EQ(events_.recorded()[0].reason, "GetCredentialsFailed");
  EXPECT_EQ(events_.recorded()[0].message,
            util::cat("Failed to get credentials for role '", kAppRoleArn,
                      "': AccessDenied: not authorized"));
  EXPECT_EQ(ready("app").status, "False");
  EXPECT_EQ(ready("app").message, "AccessDenied: not authorized");
}

TEST_F(ReconcilerTest, ConflictsAreRetriedQuietlyFromTheLatestState) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  reconcile("app");
  sync_caches();
  // Somebody changes the Secret; the controller still holds the old version.
  kube::Object changed = *secret("app");
  changed.set_annotation("touched", "yes");
  api_.apply(kSecrets, changed);
  clock_.step(absl::Minutes(39));  // the refresh is due
  const Outcome conflicted = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Retry>(conflicted));
  EXPECT_TRUE(kube::is_conflict(std::get<Retry>(conflicted).error));
  EXPECT_THAT(warnings(), IsEmpty());

  sync_caches();
  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("app")));
  EXPECT_EQ(sts_.calls(), 2) << "the refresh after the conflict reused its credentials";
  EXPECT_EQ(secret("app")->annotation("touched"), "yes");
}

TEST_F(ReconcilerTest, ARefreshKeepsOthersAnnotationsAndDropsKubectlsCopyOfTheSeed) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  reconcile("app");
  kube::Object annotated = *secret("app");
  annotated.set_annotation("backup.example.com/exclude", "true");
  annotated.set_annotation("kubectl.kubernetes.io/last-applied-configuration", "{seed}");
  api_.apply(kSecrets, annotated);
  sync_caches();
  clock_.step(absl::Minutes(39));  // the refresh is due
  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("app")));
  EXPECT_EQ(sts_.calls(), 2);
  EXPECT_EQ(secret("app")->annotation("backup.example.com/exclude"), "true");
  EXPECT_EQ(secret("app")->annotation("kubectl.kubernetes.io/last-applied-configuration"),
            std::nullopt);
  EXPECT_THAT(secret_data("app", kCredentialsJsonKey), HasSubstr(R"("AccessKeyId":"ASIAFAKE2")"));
}

TEST_F(ReconcilerTest, AdoptsASeedSecretButNeverSomebodyElses) {
  apply_role("seeded", R"({"roleReference":"team/app/my-role"})");
  apply_role("taken", R"({"roleReference":"team/app/my-role"})");
  // A seed from set_secret.sh: credential keys, no labels (so not in the cache).
  api_.apply(kSecrets, kube::SecretBuilder("demo", "seeded")
                           .data(kCredentialsJsonKey, util::SecretString("{}"))
                           .build());
  api_.apply(
      kSecrets,
      kube::SecretBuilder("demo", "taken").data("password", util::SecretString("hunter2")).build());
  sync_caches();

  EXPECT_TRUE(std::holds_alternative<Done>(reconcile("seeded")));
  EXPECT_EQ(secret_data("seeded", kRoleArnKey), kAppRoleArn);
  EXPECT_EQ(secret("seeded")->label("heritage"), "kube-aws-iam-controller");

  const Outcome taken = reconcile("taken");
  ASSERT_TRUE(std::holds_alternative<Blocked>(taken));
  EXPECT_EQ(std::get<Blocked>(taken).error.code(), util::StatusCode::kFailedPrecondition);
  EXPECT_EQ(secret_data("taken", "password"), "hunter2");
  EXPECT_THAT(warnings(), ElementsAre("CreateSecretFailed"));
  EXPECT_THAT(ready("taken").message, HasSubstr("not managed by kube-aws-iam-controller"));
}

TEST_F(ReconcilerTest, AClampedSessionIsToldAndKeptInTheStatus) {
  apply_role("app", R"({"roleReference":"team/app/my-role","roleSessionDuration":7200})");
  sync_caches();
  sts_.answer_next_with_note("sessions last 3600s");
  reconcile("app");
  EXPECT_THAT(warnings(), ElementsAre("SessionDurationClamped"));
  EXPECT_THAT(ready("app").message, HasSubstr("sessions last 3600s"));

  // Later reconciles keep the note rather than rewrite the message.
  sync_caches();
  const int status_writes = writes_to("awsiamroles");
  reconcile("app");
  EXPECT_EQ(writes_to("awsiamroles"), status_writes);
  EXPECT_THAT(ready("app").message, HasSubstr("sessions last 3600s"));
}

TEST_F(ReconcilerTest, AnUnusableSpecIsToldOnceAndWaitsForAChange) {
  apply_role("bad", R"({"roleReference":"arn:aws:iam::12:role/x"})");
  sync_caches();
  const Outcome first = reconcile("bad");
  ASSERT_TRUE(std::holds_alternative<Blocked>(first));
  EXPECT_EQ(std::get<Blocked>(first).recheck_after, std::nullopt);
  EXPECT_EQ(ready("bad").reason, kReasonInvalidSpec);
  EXPECT_THAT(warnings(), ElementsAre("GetCredentialsFailed"));

  reconcile("bad");  // e.g. after a restart: the status already says it
  sync_caches();
  reconcile("bad");
  EXPECT_THAT(warnings(), ElementsAre("GetCredentialsFailed"));
  EXPECT_EQ(sts_.calls(), 0);
}

TEST_F(ReconcilerTest, DeletesOrphansOfOurs) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  reconcile("app");
  api_.remove(kRoles, "app");  // without garbage collection
  sync_caches();
  const Outcome outcome = reconcile("app");
  ASSERT_TRUE(std::holds_alternative<Done>(outcome));
  EXPECT_FALSE(secret("app").has_value());
  EXPECT_THAT(api_.request_log().back(), HasSubstr("DELETE /api/v1/namespaces/demo/secrets/app"));
}

TEST_F(ReconcilerTest, RepairsDriftedLabelsWithoutTouchingTheCredentials) {
  apply_role("app", R"({"roleReference":"team/app/my-role"})");
  sync_caches();
  reconcile("app");
  const std::string credentials = secret_data("app", kCredentialsJsonKey);
  apply_role("app", R"({"roleReference":"team/app/my-role"})", R"({"team":"b"})");
  kube::Object drifted = *secret("app");
  drifted.set_label("stray", "x");
  api_.apply(kSecrets, drifted);
  sync_caches();

  ASSERT_TRUE(std::holds_alternative<Done>(reconcile("app")));
  EXPECT_EQ(secret("app")->label("team"), "b");
  EXPECT_EQ(secret("app")->label("stray"), std::nullopt);
  EXPECT_EQ(secret_data("app", kCredentialsJsonKey), credentials);
  EXPECT_EQ(sts_.calls(), 1);
}

}  // namespace
}  // namespace controller
