// The controller end to end, in process: the Kubernetes API simulator (over
// loopback HTTP, CRD applied with the real kubectl), the STS/IMDS simulator,
// the real clients (HTTP/1.1 transport, REST client, STS client, IMDS
// credentials) and the controller's informers, queue and workers. Time is a
// FakeClock shared by the controller and the STS simulator, so refreshes an
// hour away happen when the test steps the clock.
#include <absl/time/clock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "controller/domain/secret_data.h"
#include "controller/loop/controller.h"
#include "controller/loop/pod_webhook.h"
#include "pkg/aws/providers/assume_role_provider.h"
#include "pkg/aws/providers/caching_provider.h"
#include "pkg/aws/providers/default_chain.h"
#include "pkg/http/http1_transport.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/config.h"
#include "pkg/kube/event.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/secret.h"
#include "pkg/util/base64.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/pki/test_pki.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/sim/aws/config_loader.h"
#include "tests/sim/kube/server.h"
#include "tests/support/util/fake_clock.h"

namespace controller {
namespace {

namespace fs = std::filesystem;
constexpr const char* kNamespace = "demo";
constexpr const char* kMyRoleArn = "arn:aws:iam::123456789012:role/team/app/my-role";
constexpr const char* kOtherAccount = "210987654321";

fs::path source_dir() {
  const char* env = std::getenv("KAIC_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  return (env != nullptr && *env != '\0') ? fs::path(env) : fs::path(KAIC_SOURCE_DIR_FALLBACK);
}

// Polls `condition` until it holds or `timeout` of real time passed. The
// controller runs on its own threads; this waits for what it does, not for time.
template <typename F>
bool eventually(F condition, absl::Duration timeout = absl::Seconds(15)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

std::string data(const kube::Object& secret, std::string_view key) {
  auto value = kube::SecretView(secret).data(key);
  return value.ok() ? std::string(value->reveal()) : "";
}

class ControllerE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kube_sim = sim::kube::Server::create({});
    ASSERT_TRUE(kube_sim.ok()) << kube_sim.status();
    kube_sim_ = std::move(*kube_sim);
    ASSERT_TRUE(kube_sim_->start().ok());
    kubeconfig_ =
        fs::path(::testing::TempDir()) / ("kubeconfig-" + std::to_string(kube_sim_->port()));
    ASSERT_TRUE(kube_sim_->write_kubeconfig(kubeconfig_.string(), util::SecretString("")).ok());
    const std::string apply = "kubectl --kubeconfig " + kubeconfig_.string() + " apply -f " +
                              (source_dir() / "crd/awsiamrole-crd.yaml").string() + " >/dev/null";
    ASSERT_EQ(std::system(apply.c_str()), 0) << apply;  // NOLINT(concurrency-mt-unsafe)

    auto iam =
        sim::aws::load_iam_config((source_dir() / "tests/sim/aws/sandbox-config.yaml").string());
    ASSERT_TRUE(iam.ok()) << iam.status();
    iam->accounts.push_back(kOtherAccount);  // for roles in another account
    auto aws_sim = sim::aws::AwsSimulator::create({.config = *iam}, clock_);
    ASSERT_TRUE(aws_sim.ok()) << aws_sim.status();
    aws_sim_ = std::move(*aws_sim);
    ASSERT_TRUE(aws_sim_->start().ok());

    transport_ = *http::Http1Transport::create({});
    auto kube_config = kube::config_from_url(kube_sim_->url());
    ASSERT_TRUE(kube_config.ok());
    kube_ = std::make_unique<kube::RestClient>(*kube_config, *transport_, clock_,
                                               kube::RestClientOptions{.qps = 0});
    sts_ = *aws::StsClient::create(*transport_, clock_,
                                   {.endpoint = {.endpoint_override = aws_sim_->sts_endpoint()},
                                    .calls = {.qps = 1000, .burst = 1000}});
    imds_ = *aws::ImdsClient::create(*transport_, clock_, {.endpoint = aws_sim_->imds_endpoint()});
    base_ = aws::default_chain(*transport_, clock_, *sts_, *imds_, {.env = aws::fixed_env({})});
    source_ = std::make_unique<StsCredentialSource>(*sts_, *base_);
    recorder_ = std::make_unique<kube::ApiEventRecorder>(*kube_, clock_);

    kube::Object ns;
    ns.set_api_version("v1");
    ns.set_kind("Namespace");
    ns.set_name(kNamespace);
    ASSERT_TRUE(kube_->create(kube::Resource::namespaces(), ns).ok());
  }

  void TearDown() override {
    stop_controller();
    recorder_->shut_down();
    // Close our connections first: the simulators' stop() waits for idle ones.
    recorder_.reset();
    source_.reset();
    base_.reset();
    imds_.reset();
    sts_.reset();
    kube_.reset();
    transport_.reset();
    aws_sim_->stop();
    kube_sim_->stop();
    std::error_code ignored;
    fs::remove(kubeconfig_, ignored);
  }

  void start_controller(CredentialSource* source = nullptr) {
    controller_ =
        std::make_unique<Controller>(*kube_, source != nullptr ? *source : *source_, *recorder_,
                                     clock_, reconciler_options_, controller_options_);
    stop_ = std::make_unique<std::stop_source>();
    informers_ = std::jthread([this] { controller_->run_informers(stop_->get_token()); });
    workers_ = std::jthread([this] { controller_->run_workers(stop_->get_token()); });
  }

  void stop_controller() {
    if (!controller_) return;
    stop_->request_stop();
    workers_.join();
    informers_.join();
    controller_.reset();
  }

  kube::Object create_role(const std::string& name, const std::string& spec_json) {
    auto object =
        kube::Object::parse(R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole",)"
                            R"("metadata":{"name":")" +
                            name + R"(","namespace":")" + kNamespace + R"(","labels":{"app":")" +
                            name + R"("}},"spec":)" + spec_json + "}");
    EXPECT_TRUE(object.ok()) << object.status();
    auto created = kube_->create(awsiamroles_resource(), *object);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : kube::Object();
  }

  void patch_spec(const std::string& name, const std::string& spec_json) {
    auto patched = kube_->patch(awsiamroles_resource(), kNamespace, name, kube::PatchType::kMerge,
                                R"({"spec":)" + spec_json + "}");
    ASSERT_TRUE(patched.ok()) << patched.status();
  }

  std::optional<kube::Object> get(const kube::Resource& resource, const std::string& name) {
    auto object = kube_->get(resource, kNamespace, name);
    if (!object.ok()) return std::nullopt;
    return *object;
  }
  std::optional<kube::Object> secret(const std::string& name) {
    return get(kube::Resource::secrets(), name);
  }

  // The Secret once it satisfies `condition`.
  kube::Object await_secret(
      const std::string& name, const std::function<bool(const kube::Object&)>& condition =
                                   [](const kube::Object&) { return true; }) {
    std::optional<kube::Object> found;
    EXPECT_TRUE(eventually([&] {
      found = secret(name);
      return found && condition(*found);
    })) << "Secret "
        << name << (found ? " never reached the expected state" : " never appeared");
    return found.value_or(kube::Object());
  }

  AwsIamRoleStatus status(const std::string& name) {
    auto object = get(awsiamroles_resource(), name);
    if (!object) return {};
    auto role = parse_awsiamrole(object->json());
    return role.ok() ? role->status : AwsIamRoleStatus{};
  }

  bool ready_is(const std::string& name, std::string_view value, std::string_view reason) {
    const AwsIamRoleStatus s = status(name);
    const Condition* ready = s.condition("Ready");
    return ready != nullptr && ready->status == value && ready->reason == reason;
  }

  // Events on the AWSIAMRole `name` with `reason`.
  std::vector<kube::Event> events(const std::string& name, std::string_view reason) {
    std::vector<kube::Event> out;
    auto list = kube_->list(kube::Resource::events(), kNamespace);
    if (!list.ok()) return out;
    for (const kube::Object& object : list->items) {
      auto event = kube::event_from_object(object);
      if (event.ok() && event->involved.name == name && event->reason == reason) {
        out.push_back(*event);
      }
    }
    return out;
  }
  bool has_event(const std::string& name, std::string_view reason) {
    return eventually([&] { return !events(name, reason).empty(); });
  }

  int64_t assume_role_calls(std::string_view role_arn) {
    int64_t n = 0;
    for (const auto& call : aws_sim_->calls().calls_of("AssumeRole")) {
      if (call.role_arn == role_arn) ++n;
    }
    return n;
  }

  // A role the controller may assume only with these conditions met.
  void add_pinned_role(const std::string& arn, std::optional<std::string> external_id,
                       std::vector<sim::aws::TagRequirement> required_tags = {}) {
    ASSERT_TRUE(aws_sim_->iam()
                    .add_role({.arn = arn,
                               .trust = {"arn:aws:iam::123456789012:role/kube-aws-iam-controller"},
                               .external_id = std::move(external_id),
                               .required_session_tags = std::move(required_tags)})
                    .ok());
  }

  // Sets (or, with nullopt, removes) an annotation of the test's Namespace.
  void annotate_namespace(std::string_view key, const std::optional<std::string>& value) {
    kube::JsonValue annotations(rapidjson::kObjectType);
    kube::json::set(
        annotations, key,
        value ? kube::json::make_string(*value) : kube::JsonValue(rapidjson::kNullType));
    kube::JsonValue patch(rapidjson::kObjectType);
    kube::json::set(kube::json::ensure_object(patch, "metadata"), "annotations",
                    std::move(annotations));
    auto patched = kube_->patch(kube::Resource::namespaces(), "", kNamespace,
                                kube::PatchType::kMerge, kube::json::serialize(patch));
    ASSERT_TRUE(patched.ok()) << patched.status();
  }

  bool has_event_saying(const std::string& name, std::string_view reason, std::string_view text) {
    return eventually([&] {
      for (const kube::Event& event : events(name, reason)) {
        if (event.message.find(text) != std::string::npos) return true;
      }
      return false;
    });
  }

  util::testing::FakeClock clock_;
  ControllerOptions controller_options_{.workers = 2, .resync = absl::ZeroDuration()};
  ReconcilerOptions reconciler_options_{
      .plan = {.base_role_arn = *aws::BaseRoleArn::parse("arn:aws:iam::123456789012:role/")}};
  std::unique_ptr<sim::kube::Server> kube_sim_;
  std::unique_ptr<sim::aws::AwsSimulator> aws_sim_;
  fs::path kubeconfig_;
  std::unique_ptr<http::Http1Transport> transport_;
  std::unique_ptr<kube::RestClient> kube_;
  std::unique_ptr<aws::StsClient> sts_;
  std::unique_ptr<aws::ImdsClient> imds_;
  aws::CredentialsProviderPtr base_;
  std::unique_ptr<StsCredentialSource> source_;
  std::unique_ptr<kube::ApiEventRecorder> recorder_;
  std::unique_ptr<Controller> controller_;
  std::unique_ptr<std::stop_source> stop_;
  std::jthread informers_;
  std::jthread workers_;
};

TEST_F(ControllerE2ETest, WritesWorkingCredentialsStatusAndEvent) {
  start_controller();
  const kube::Object role = create_role("app", R"({"roleReference":"team/app/my-role"})");
  const kube::Object secret = await_secret("app");

  for (std::string_view key : {kCredentialsKey, kCredentialsProcessKey, kCredentialsJsonKey,
                               kRoleArnKey, kExpireKey, kGenerationKey}) {
    EXPECT_FALSE(data(secret, key).empty()) << key;
  }
  EXPECT_EQ(data(secret, kRoleArnKey), kMyRoleArn);
  EXPECT_EQ(data(secret, kGenerationKey), "1");
  EXPECT_EQ(data(secret, kCredentialsProcessKey),
            "[default]\ncredential_process = cat /meta/aws-iam/credentials.json\n");
  EXPECT_EQ(secret.labels(),
            (kube::StringMap{
                {"app", "app"}, {"heritage", "kube-aws-iam-controller"}, {"type", "awsiamrole"}}));
  ASSERT_EQ(secret.owner_references().size(), 1U);
  EXPECT_EQ(secret.owner_references()[0], (kube::OwnerReference{.api_version = "zalando.org/v1",
                                                                .kind = "AWSIAMRole",
                                                                .name = "app",
                                                                .uid = std::string(role.uid()),
                                                                .controller = true,
                                                                .block_owner_deletion = true}));

  // The credentials are real: STS accepts them as the assumed role.
  const std::string json = data(secret, kCredentialsJsonKey);
  const std::regex key_re(
      R"re("AccessKeyId":"([^"]+)","SecretAccessKey":"([^"]+)","SessionToken":"([^"]+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(json, m, key_re));
  auto identity = sts_->get_caller_identity({.access_key_id = m[1].str(),
                                             .secret_access_key = util::SecretString(m[2].str()),
                                             .session_token = util::SecretString(m[3].str())});
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->arn,
            "arn:aws:sts::123456789012:assumed-role/my-role/123456789012.team.app.my-role");

  ASSERT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
  const AwsIamRoleStatus s = status("app");
  EXPECT_EQ(s.role_arn, kMyRoleArn);
  EXPECT_EQ(s.observed_generation, 1);
  EXPECT_EQ(s.expiration, data(secret, kExpireKey));

  ASSERT_TRUE(has_event("app", "CreateCredentials"));
  const kube::Event event = events("app", "CreateCredentials")[0];
  EXPECT_EQ(event.type, kube::EventType::kNormal);
  EXPECT_EQ(event.message, "Created credentials for role '" + std::string(kMyRoleArn) +
                               "', expiry time: " + util::format_go_time(*s.expiration.time()));
  EXPECT_EQ(assume_role_calls(kMyRoleArn), 1);
}

TEST_F(ControllerE2ETest, ReissuesWhenTheSpecOrTheRoleChanges) {
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  const std::string first_key = data(await_secret("app"), kCredentialsJsonKey);

  patch_spec("app", R"({"roleSessionDuration":7200})");
  const kube::Object second =
      await_secret("app", [](const kube::Object& s) { return data(s, kGenerationKey) == "2"; });
  EXPECT_NE(data(second, kCredentialsJsonKey), first_key);
  // Instance-profile credentials are a role session, so AWS treats this as
  // role chaining and caps it at one hour; the controller says so.
  EXPECT_EQ(*util::parse_rfc3339(data(second, kExpireKey)), clock_.system_now() + absl::Hours(1));
  EXPECT_TRUE(has_event("app", "SessionDurationClamped"));
  EXPECT_TRUE(has_event("app", "UpdateCredentials"));

  patch_spec("app", R"({"roleReference":"other-role"})");
  const kube::Object third = await_secret("app", [](const kube::Object& s) {
    return data(s, kRoleArnKey) == "arn:aws:iam::123456789012:role/other-role";
  });
  EXPECT_EQ(data(third, kGenerationKey), "3");
  EXPECT_TRUE(eventually([&] {
    return status("app").role_arn == "arn:aws:iam::123456789012:role/other-role" &&
           status("app").observed_generation == 3;
  }));
}

TEST_F(ControllerE2ETest, PathArnsGetValidSessionNamesOfAtMost64Characters) {
  start_controller();
  const std::string arn =
      "arn:aws:iam::123456789012:role/platform/team-with-a-long-name/service/"
      "a-role-name-that-is-long-enough-to-overflow-the-limit";
  create_role("long", R"({"roleReference":")" + arn + R"("})");
  EXPECT_EQ(data(await_secret("long"), kRoleArnKey), arn);
  const auto calls = aws_sim_->calls().calls_of("AssumeRole");
  const auto call =
      std::find_if(calls.begin(), calls.end(), [&](const auto& c) { return c.role_arn == arn; });
  ASSERT_NE(call, calls.end());
  EXPECT_EQ(call->result, "Success");
  EXPECT_LE(call->session_name.size(), 64U);
  EXPECT_TRUE(std::regex_match(call->session_name, std::regex(R"([\w+=,.@-]+)")))
      << call->session_name;
  EXPECT_TRUE(call->session_name.starts_with("123456789012.p.t.s.")) << call->session_name;
}

TEST_F(ControllerE2ETest, RefreshesBeforeExpiryOnlyWhenDue) {
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  const kube::Object first = await_secret("app");
  const absl::Time expire = *util::parse_rfc3339(data(first, kExpireKey));
  ASSERT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
  EXPECT_EQ(assume_role_calls(kMyRoleArn), 1);

  // Refresh is due 22 minutes before expiry (pods must read >= 20 min).
  // The refresh is scheduled after the status is written: step time only then.
  ASSERT_TRUE(eventually([&] { return controller_->queue_scheduled() == 1; }));
  clock_.step(expire - absl::Minutes(22) - clock_.system_now() + absl::Seconds(1));
  const kube::Object second = await_secret(
      "app", [&](const kube::Object& s) { return data(s, kExpireKey) != data(first, kExpireKey); });
  EXPECT_EQ(*util::parse_rfc3339(data(second, kExpireKey)), clock_.system_now() + absl::Hours(1));
  EXPECT_NE(data(second, kCredentialsJsonKey), data(first, kCredentialsJsonKey));
  EXPECT_EQ(assume_role_calls(kMyRoleArn), 2);
  EXPECT_TRUE(has_event("app", "UpdateCredentials"));
  EXPECT_TRUE(eventually([&] { return status("app").expiration == data(second, kExpireKey); }));
}

TEST_F(ControllerE2ETest, StsFailureKeepsTheOldCredentialsAndWarns) {
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  const kube::Object first = await_secret("app");
  const absl::Time expire = *util::parse_rfc3339(data(first, kExpireKey));
  ASSERT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));

  aws_sim_->faults().set_role_error(kMyRoleArn, "AccessDenied");
  // The refresh is scheduled after the status is written: step time only then.
  ASSERT_TRUE(eventually([&] { return controller_->queue_scheduled() == 1; }));
  clock_.step(expire - absl::Minutes(22) - clock_.system_now() + absl::Seconds(1));
  ASSERT_TRUE(has_event("app", "GetCredentialsFailed"));
  const kube::Event warning = events("app", "GetCredentialsFailed")[0];
  EXPECT_EQ(warning.type, kube::EventType::kWarning);
  EXPECT_TRUE(warning.message.starts_with("Failed to get credentials for role '" +
                                          std::string(kMyRoleArn) + "': AccessDenied"))
      << warning.message;
  EXPECT_EQ(warning.message.find("request id"), std::string::npos) << "repeats must aggregate";
  ASSERT_TRUE(eventually([&] { return ready_is("app", "False", kReasonGetCredentialsFailed); }));
  // Still valid for 22 minutes: the Secret keeps serving them, untouched.
  EXPECT_EQ(data(*secret("app"), kCredentialsJsonKey), data(first, kCredentialsJsonKey));
  EXPECT_EQ(status("app").expiration, data(first, kExpireKey));

  // AWS refused: retrying soon cannot help, so the role is rechecked every
  // kBlockedRecheck (a fixed trust policy is noticed then), not hammered.
  const int64_t refused = aws_sim_->calls().count("AssumeRole", "AccessDenied");
  clock_.step(absl::Seconds(30));
  EXPECT_EQ(aws_sim_->calls().count("AssumeRole", "AccessDenied"), refused);
  aws_sim_->faults().set_role_error(kMyRoleArn, "");
  clock_.step(kBlockedRecheck);
  const kube::Object recovered = await_secret("app", [&](const kube::Object& s) {
    return data(s, kCredentialsJsonKey) != data(first, kCredentialsJsonKey);
  });
  EXPECT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
}

TEST_F(ControllerE2ETest, RestartWithValidSecretsMakesNoCallsAndNoWrites) {
  start_controller();
  for (const char* name : {"a", "b", "c"})
    create_role(name, R"({"roleReference":"team/app/my-role"})");
  for (const char* name : {"a", "b", "c"}) {
    await_secret(name);
    ASSERT_TRUE(eventually([&] { return ready_is(name, "True", kReasonCredentialsIssued); }));
  }
  stop_controller();
  const int64_t sts_calls = aws_sim_->calls().count("AssumeRole", "Success");
  const int64_t secret_writes = kube_sim_->counters().writes("secrets");
  const int64_t role_writes = kube_sim_->counters().writes("awsiamroles");

  clock_.step(absl::Minutes(10));  // later, but before any refresh is due
  start_controller();
  ASSERT_TRUE(eventually([&] { return controller_->first_pass_done(); }));
  EXPECT_EQ(aws_sim_->calls().count("AssumeRole", "Success"), sts_calls);
  EXPECT_EQ(kube_sim_->counters().writes("secrets"), secret_writes);
  EXPECT_EQ(kube_sim_->counters().writes("awsiamroles"), role_writes);
}

// A namespace being deleted, held by a finalizer as a real one is while its
// content goes: its AWSIAMRoles cost no STS call and no write (the apiserver
// would refuse the Secrets anyway), while a role elsewhere is served.
TEST_F(ControllerE2ETest, RolesInANamespaceBeingDeletedCostNoStsCallAndNoWrite) {
  auto doomed =
      kube::Object::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed",)"
                          R"("finalizers":["kube-aws-iam-controller.test/hold"]}})");
  ASSERT_TRUE(doomed.ok()) << doomed.status();
  ASSERT_TRUE(kube_->create(kube::Resource::namespaces(), *doomed).ok());
  for (int i = 0; i < 30; ++i) {
    auto role = kube::Object::parse(
        R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"r)" +
        std::to_string(i) +
        R"(","namespace":"doomed"},"spec":{"roleReference":"team/app/my-role"}})");
    ASSERT_TRUE(role.ok()) << role.status();
    ASSERT_TRUE(kube_->create(awsiamroles_resource(), *role).ok());
  }
  ASSERT_TRUE(kube_->remove(kube::Resource::namespaces(), "", "doomed").ok());
  auto terminating = kube_->get(kube::Resource::namespaces(), "", "doomed");
  ASSERT_TRUE(terminating.ok()) << terminating.status();
  ASSERT_TRUE(terminating->deletion_timestamp().has_value()) << "the finalizer did not hold it";
  create_role("live", R"({"roleReference":"team/app/my-role"})");
  const int64_t secret_writes = kube_sim_->counters().writes("secrets");
  const int64_t role_writes = kube_sim_->counters().writes("awsiamroles");

  start_controller();
  await_secret("live");
  ASSERT_TRUE(eventually([&] { return controller_->first_pass_done(); }));
  ASSERT_TRUE(eventually([&] { return ready_is("live", "True", kReasonCredentialsIssued); }));
  EXPECT_EQ(aws_sim_->calls().calls_of("AssumeRole").size(), 1U) << "only the live role's";
  EXPECT_EQ(kube_sim_->counters().writes("secrets") - secret_writes, 1)
      << "only the live role's Secret";
  EXPECT_EQ(kube_sim_->counters().writes("awsiamroles") - role_writes, 1)
      << "only the live role's status";
}

// RBAC that does not let the controller read Namespaces (the Go original's
// did not need to): it does not wait for that cache and serves roles anyway.
TEST_F(ControllerE2ETest, WithoutAccessToNamespacesRolesAreServedAnyway) {
  kube_sim_->access().deny({.resource = "namespaces"});
  create_role("live", R"({"roleReference":"team/app/my-role"})");
  start_controller();
  await_secret("live");
  ASSERT_TRUE(eventually([&] { return ready_is("live", "True", kReasonCredentialsIssued); }));
  EXPECT_TRUE(controller_->synced());
}

TEST_F(ControllerE2ETest, DeletesSecretsWhoseRoleIsGone) {
  kube_sim_->set_garbage_collection(false);  // prove the controller does it
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  await_secret("app");
  ASSERT_TRUE(kube_->remove(awsiamroles_resource(), kNamespace, "app").ok());
  EXPECT_TRUE(eventually([&] { return !secret("app"); }));

  // A labelled Secret that never had a role, e.g. left over while the
  // controller was down.
  kube::Object ghost = kube::SecretBuilder(kNamespace, "ghost")
                           .label("heritage", "kube-aws-iam-controller")
                           .label("type", "awsiamrole")
                           .build();
  ASSERT_TRUE(kube_->create(kube::Resource::secrets(), ghost).ok());
  EXPECT_TRUE(eventually([&] { return !secret("ghost"); }));
}

TEST_F(ControllerE2ETest, ReportsAnInvalidRoleWithoutCallingSts) {
  start_controller();
  create_role("bad", R"({"roleReference":"arn:aws:iam::12345:role/x"})");
  ASSERT_TRUE(eventually([&] { return ready_is("bad", "False", kReasonInvalidSpec); }));
  ASSERT_TRUE(has_event("bad", "GetCredentialsFailed"));
  EXPECT_EQ(events("bad", "GetCredentialsFailed")[0].type, kube::EventType::kWarning);
  EXPECT_FALSE(secret("bad"));
  EXPECT_EQ(aws_sim_->calls().calls_of("AssumeRole").size(), 0U);
}

TEST_F(ControllerE2ETest, AdoptsASeedSecretButNeverSomebodyElses) {
  kube::Object seed = kube::SecretBuilder(kNamespace, "seed")
                          .data(kCredentialsJsonKey, util::SecretString(R"({"Version":1})"))
                          .data(kCredentialsProcessKey, util::SecretString("[default]\n"))
                          .build();
  ASSERT_TRUE(kube_->create(kube::Resource::secrets(), seed).ok());
  kube::Object foreign = kube::SecretBuilder(kNamespace, "foreign")
                             .data("password", util::SecretString("hunter2"))
                             .build();
  ASSERT_TRUE(kube_->create(kube::Resource::secrets(), foreign).ok());
  start_controller();
  create_role("seed", R"({"roleReference":"team/app/my-role"})");
  create_role("foreign", R"({"roleReference":"team/app/my-role"})");

  const kube::Object adopted =
      await_secret("seed", [](const kube::Object& s) { return data(s, kGenerationKey) == "1"; });
  EXPECT_EQ(adopted.label("heritage"), "kube-aws-iam-controller");
  EXPECT_EQ(data(adopted, kRoleArnKey), kMyRoleArn);
  EXPECT_TRUE(has_event("seed", "UpdateCredentials"));

  ASSERT_TRUE(has_event("foreign", "CreateSecretFailed"));
  EXPECT_NE(events("foreign", "CreateSecretFailed")[0].message.find("not overwriting it"),
            std::string::npos);
  EXPECT_TRUE(eventually([&] { return ready_is("foreign", "False", kReasonSecretWriteFailed); }));
  const kube::Object untouched = *secret("foreign");
  EXPECT_EQ(kube::SecretView(untouched).data_keys(), std::vector<std::string>{"password"});
}

TEST_F(ControllerE2ETest, AssumesThroughTheIntermediateRoleAndClampsChainedSessions) {
  auto intermediate = std::make_unique<aws::CachingProvider>(
      std::make_unique<aws::AssumeRoleProvider>(
          *base_, *sts_,
          aws::AssumeRoleOptions{
              .role = *aws::RoleArn::parse("arn:aws:iam::123456789012:role/kaic-intermediate")}),
      clock_);
  StsCredentialSource chained(*sts_, *intermediate);
  start_controller(&chained);
  create_role("app", R"({"roleReference":"team/app/my-role","roleSessionDuration":7200})");
  const kube::Object secret = await_secret("app");

  // AWS caps role-chained sessions at one hour: the controller asks again
  // for 3600 s and says so.
  EXPECT_EQ(*util::parse_rfc3339(data(secret, kExpireKey)), clock_.system_now() + absl::Hours(1));
  EXPECT_TRUE(has_event("app", "SessionDurationClamped"));
  ASSERT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
  EXPECT_NE(status("app").condition("Ready")->message.view().find("role chaining"),
            std::string::npos);

  // Who assumed what, as STS saw it.
  const auto calls = aws_sim_->calls().calls_of("AssumeRole");
  ASSERT_GE(calls.size(), 2U);
  EXPECT_EQ(calls[0].role_arn, "arn:aws:iam::123456789012:role/kaic-intermediate");
  EXPECT_NE(calls[0].caller_arn.find("assumed-role/kube-aws-iam-controller/"), std::string::npos)
      << calls[0].caller_arn;
  const auto success = std::find_if(calls.begin(), calls.end(), [](const auto& c) {
    return c.role_arn == kMyRoleArn && c.result == "Success";
  });
  ASSERT_NE(success, calls.end());
  EXPECT_NE(success->caller_arn.find("assumed-role/kaic-intermediate/"), std::string::npos)
      << success->caller_arn;
  EXPECT_EQ(success->duration_seconds, 3600);
}

// --roles-anywhere-direct: each role's credentials from CreateSession,
// signed with the controller's certificate; no STS call, no role chaining
// (12-hour sessions); what CreateSession cannot do is refused per role.
TEST_F(ControllerE2ETest, RolesAnywhereDirectIssuesEveryRoleWithoutSts) {
  // The certificates of tests/pki are valid around now, not at the fake clock's start.
  clock_.set_system(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  const pki::testing::TestPki& pki = pki::testing::TestPki::instance();
  const std::string anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/e2e";
  const std::string profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/e2e";
  ASSERT_TRUE(
      aws_sim_->iam()
          .add_trust_anchor({.arn = anchor, .certificate_bundle = pki.read("trust-anchor.pem")})
          .ok());
  ASSERT_TRUE(aws_sim_->iam()
                  .add_profile({.arn = profile,
                                .role_arns = {"arn:aws:iam::123456789012:role/team/*"},
                                .duration = absl::Hours(12)})
                  .ok());
  auto client = aws::RolesAnywhereClient::create(
      *transport_, clock_,
      {.trust_anchor_arn = anchor, .endpoint_override = aws_sim_->roles_anywhere_endpoint()});
  ASSERT_TRUE(client.ok()) << client.status();
  auto identity = aws::X509IdentityFiles::load({.certificate = pki.path("rsa.pem"),
                                                .private_key = pki.path("rsa.key"),
                                                .chain = pki.path("chain.pem")},
                                               clock_);
  ASSERT_TRUE(identity.ok()) << identity.status();
  RolesAnywhereCredentialSource direct(**client, **identity, anchor, profile, clock_);
  start_controller(&direct);

  create_role("app", R"({"roleReference":"team/app/my-role","roleSessionDuration":43200})");
  const kube::Object issued = await_secret("app");
  EXPECT_EQ(*util::parse_rfc3339(data(issued, kExpireKey)), clock_.system_now() + absl::Hours(12));
  ASSERT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
  const std::regex key_re(
      R"re("AccessKeyId":"([^"]+)","SecretAccessKey":"([^"]+)","SessionToken":"([^"]+)")re");
  std::smatch m;
  const std::string json = data(issued, kCredentialsJsonKey);
  ASSERT_TRUE(std::regex_search(json, m, key_re));
  auto me = sts_->get_caller_identity({.access_key_id = m[1].str(),
                                       .secret_access_key = util::SecretString(m[2].str()),
                                       .session_token = util::SecretString(m[3].str())});
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_TRUE(me->arn.starts_with("arn:aws:sts::123456789012:assumed-role/my-role/")) << me->arn;
  EXPECT_EQ(aws_sim_->calls().count("CreateSession", "Success"), 1);
  EXPECT_TRUE(aws_sim_->calls().calls_of("AssumeRole").empty());

  create_role("policy",
              R"({"roleReference":"team/app/my-role","policy":"{\"Version\":\"2012-10-17\"}"})");
  ASSERT_TRUE(eventually([&] {
    const AwsIamRoleStatus refused = status("policy");
    const Condition* ready = refused.condition("Ready");
    return ready != nullptr && ready->status == "False" &&
           ready->message.view().find("not supported with --roles-anywhere-direct") !=
               std::string::npos;
  }));
  create_role("unlisted", R"({"roleReference":"unlisted-role"})");
  EXPECT_TRUE(has_event_saying("unlisted", "GetCredentialsFailed", "the profile does not list it"));
  EXPECT_FALSE(secret("policy").has_value());
  EXPECT_FALSE(secret("unlisted").has_value());
  EXPECT_TRUE(aws_sim_->calls().calls_of("AssumeRole").empty());
}

// A trust policy pins a role to a namespace by ExternalId; the controller
// derives the id from where the AWSIAMRole lives, so another namespace
// naming the same role is refused by STS.
TEST_F(ControllerE2ETest, ExternalIdPinsRolesToTheirNamespace) {
  add_pinned_role("arn:aws:iam::123456789012:role/pinned-here", "sandbox/demo");
  add_pinned_role("arn:aws:iam::123456789012:role/pinned-elsewhere", "sandbox/payments");
  reconciler_options_.external_id = *ExternalIdTemplate::parse("{cluster}/{namespace}", "sandbox");
  start_controller();
  create_role("here", R"({"roleReference":"pinned-here"})");
  create_role("elsewhere", R"({"roleReference":"pinned-elsewhere"})");

  await_secret("here");
  ASSERT_TRUE(has_event("elsewhere", "GetCredentialsFailed"));
  EXPECT_TRUE(events("elsewhere", "GetCredentialsFailed")[0].message.find("AccessDenied") !=
              std::string::npos);
  EXPECT_FALSE(secret("elsewhere").has_value());
  for (const auto& call : aws_sim_->calls().calls_of("AssumeRole")) {
    EXPECT_EQ(call.external_id, "sandbox/demo") << call.role_arn;
  }
}

TEST_F(ControllerE2ETest, SessionTagsPinRolesToTheirNamespace) {
  add_pinned_role("arn:aws:iam::123456789012:role/tagged-here", std::nullopt,
                  {{.key = "kubernetes-namespace", .value = "demo"},
                   {.key = "kubernetes-cluster", .value = "sandbox"}});
  add_pinned_role("arn:aws:iam::123456789012:role/tagged-elsewhere", std::nullopt,
                  {{.key = "kubernetes-namespace", .value = "payments"}});
  reconciler_options_.session_tags = true;
  reconciler_options_.cluster_name = "sandbox";
  start_controller();
  create_role("here", R"({"roleReference":"tagged-here"})");
  create_role("elsewhere", R"({"roleReference":"tagged-elsewhere"})");

  await_secret("here");
  ASSERT_TRUE(has_event("elsewhere", "GetCredentialsFailed"));
  EXPECT_FALSE(secret("elsewhere").has_value());
  using Tags = std::vector<std::pair<std::string, std::string>>;
  for (const auto& call : aws_sim_->calls().calls_of("AssumeRole")) {
    const std::string name = call.role_arn.ends_with("tagged-here") ? "here" : "elsewhere";
    EXPECT_EQ(call.tags, (Tags{{"kubernetes-namespace", "demo"},
                               {"kubernetes-awsiamrole", name},
                               {"kubernetes-cluster", "sandbox"}}));
    EXPECT_FALSE(call.external_id.has_value());
  }
}

TEST_F(ControllerE2ETest, NamespaceAnnotationsDecideWhichRolesItsAwsIamRolesGet) {
  controller_options_.namespace_restrictions = true;
  annotate_namespace(kAllowedRolesAnnotation, R"(["team/app/*"])");  // kube2iam's form
  start_controller();
  create_role("allowed", R"({"roleReference":"team/app/my-role"})");
  create_role("refused", R"({"roleReference":"other-role"})");

  await_secret("allowed");
  ASSERT_TRUE(eventually([&] { return ready_is("refused", "False", kReasonRoleNotPermitted); }));
  EXPECT_TRUE(has_event_saying("refused", "RoleNotPermitted",
                               "role arn:aws:iam::123456789012:role/other-role is not permitted "
                               "in namespace demo: add it to the Namespace's annotation "
                               "iam.amazonaws.com/allowed-roles"));
  EXPECT_EQ(events("refused", "RoleNotPermitted")[0].type, kube::EventType::kWarning);
  EXPECT_FALSE(secret("refused"));
  EXPECT_EQ(assume_role_calls("arn:aws:iam::123456789012:role/other-role"), 0);

  // kiam's form instead: the refused role is now allowed, the allowed one
  // refused — its Secret goes, and the Event says so.
  annotate_namespace(kAllowedRolesAnnotation, std::nullopt);
  annotate_namespace(kPermittedAnnotation, "arn:aws:iam::123456789012:role/other-.*");
  await_secret("refused");
  EXPECT_TRUE(eventually([&] { return ready_is("refused", "True", kReasonCredentialsIssued); }));
  EXPECT_TRUE(eventually([&] { return !secret("allowed"); }));
  EXPECT_TRUE(eventually([&] { return ready_is("allowed", "False", kReasonRoleNotPermitted); }));
  EXPECT_TRUE(has_event_saying("allowed", "RoleNotPermitted", "; deleted its Secret allowed"));
  const AwsIamRoleStatus refused_status = status("allowed");
  EXPECT_EQ(refused_status.role_arn, "") << "no credentials are served any more";
  EXPECT_EQ(refused_status.expiration, "");
  EXPECT_EQ(assume_role_calls(kMyRoleArn), 1);
}

TEST_F(ControllerE2ETest, NamespaceRestrictionsDefaultOtherAccountsAndBadAnnotations) {
  add_pinned_role("arn:aws:iam::210987654321:role/foreign", std::nullopt);
  controller_options_.namespace_restrictions = true;
  controller_options_.default_allowed_roles = {"team/app/*"};
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  create_role("foreign", R"({"roleReference":"arn:aws:iam::210987654321:role/foreign"})");

  // No annotation: the default allows names of the controller's own account only.
  await_secret("app");
  ASSERT_TRUE(eventually([&] { return ready_is("foreign", "False", kReasonRoleNotPermitted); }));
  EXPECT_TRUE(has_event_saying("foreign", "RoleNotPermitted",
                               "roles of account 210987654321 are allowed only by patterns that "
                               "begin with arn:aws:iam::210987654321:"));
  EXPECT_EQ(assume_role_calls("arn:aws:iam::210987654321:role/foreign"), 0);

  // Named explicitly, the other account's role is allowed.
  annotate_namespace(kAllowedRolesAnnotation,
                     R"(["team/app/*", "arn:aws:iam::210987654321:role/foreign"])");
  await_secret("foreign");

  // A malformed annotation refuses every role of the namespace, and says why.
  annotate_namespace(kPermittedAnnotation, "(team");
  EXPECT_TRUE(eventually([&] { return !secret("app") && !secret("foreign"); }));
  EXPECT_TRUE(has_event_saying("app", "RoleNotPermitted",
                               "the Namespace's annotation iam.amazonaws.com/permitted is not a "
                               "valid regular expression: missing ): (team"));
  annotate_namespace(kPermittedAnnotation, std::nullopt);
  annotate_namespace(kAllowedRolesAnnotation, "team/app/*");  // not JSON
  EXPECT_TRUE(has_event_saying("app", "RoleNotPermitted",
                               "iam.amazonaws.com/allowed-roles is not a JSON array"));
  annotate_namespace(kAllowedRolesAnnotation, R"(["team/app/*"])");
  await_secret("app");
  EXPECT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
}

TEST_F(ControllerE2ETest, WithoutNamespaceRestrictionsAnnotationsAreIgnored) {
  annotate_namespace(kAllowedRolesAnnotation, R"(["nothing"])");
  annotate_namespace(kPermittedAnnotation, "nothing");
  start_controller();
  create_role("app", R"({"roleReference":"team/app/my-role"})");
  await_secret("app");
  EXPECT_TRUE(eventually([&] { return ready_is("app", "True", kReasonCredentialsIssued); }));
  EXPECT_TRUE(events("app", "RoleNotPermitted").empty());
}

TEST_F(ControllerE2ETest, AWebhookWiredPodGetsItsAwsIamRoleAndSecretWithoutAnyOtherStep) {
  start_controller();
  // The webhook as the binary runs it: from the controller's caches and a
  // ServiceAccount cache, creating AWSIAMRoles off the admission path.
  kube::Informer<ServiceAccountView> accounts(
      *kube_, kube::Resource::service_accounts(), clock_, {},
      [](kube::Object&& object) { return service_account_view(object); });
  RestObjectWriter writer(*kube_);
  RoleCreator creator(writer, clock_);
  // Each stops as it goes out of scope, before the objects it runs.
  std::jthread accounts_thread([&](const std::stop_token& stop) { accounts.run(stop); });
  std::jthread creator_thread([&](const std::stop_token& stop) { creator.run(stop); });
  ASSERT_TRUE(controller_->wait_for_sync(stop_->get_token()));
  ASSERT_TRUE(accounts.wait_for_sync(stop_->get_token()));
  PodWebhookOptions options;
  options.wiring.base_role_arn = &*reconciler_options_.plan.base_role_arn;
  const PodWebhook webhook(controller_->role_cache(), accounts.store(),
                           controller_->namespace_cache(), creator, options);

  // The pod as kubectl sends it, annotated for kube2iam.
  const std::string pod = R"({"apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "app", "namespace": "demo",
                 "annotations": {"iam.amazonaws.com/role": "team/app/my-role"}},
    "spec": {"containers": [{"name": "app", "image": "busybox"}]}})";
  const absl::Time admitted = absl::Now();
  const PodWebhook::Answer answer = webhook.review(util::cat(
      R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u",
      "kind": {"group": "", "version": "v1", "kind": "Pod"},
      "resource": {"group": "", "version": "v1", "resource": "pods"},
      "namespace": "demo", "operation": "CREATE", "object": )",
      pod, "}}"));
  ASSERT_EQ(answer.http_status, 200) << answer.body;

  // The pod as the apiserver stores it: the patch applied, the object valid.
  const kube::JsonValue review = kube::json::parse(answer.body).value();
  const std::string patch =
      util::base64_decode(kube::json::get_string(*kube::json::find(review, "response"), "patch"))
          .value();
  auto stored = kube_->patch(
      kube::Resource{.version = "v1", .resource = "pods", .kind = "Pod", .namespaced = true},
      kNamespace, "app", kube::PatchType::kJson, patch);
  EXPECT_EQ(stored.status().code(), util::StatusCode::kNotFound) << "a patch needs the pod first";
  auto created = kube_->create(
      kube::Resource{.version = "v1", .resource = "pods", .kind = "Pod", .namespaced = true},
      *kube::Object::parse(pod));
  ASSERT_TRUE(created.ok()) << created.status();
  stored = kube_->patch(
      kube::Resource{.version = "v1", .resource = "pods", .kind = "Pod", .namespaced = true},
      kNamespace, "app", kube::PatchType::kJson, patch);
  ASSERT_TRUE(stored.ok()) << stored.status() << "\n" << patch;
  const kube::JsonValue& volume = (*kube::json::find_path(stored->json(), {"spec", "volumes"}))[0];
  const std::string secret_name(
      kube::json::get_string(*kube::json::find(volume, "secret"), "secretName"));
  EXPECT_EQ(secret_name, derived_role_name("team/app/my-role"));

  // Its Secret, issued for the role, without anyone creating an AWSIAMRole.
  const kube::Object issued = await_secret(
      secret_name, [](const kube::Object& s) { return !data(s, kRoleArnKey).empty(); });
  std::cerr << "Secret " << secret_name << " ready "
            << absl::ToDoubleMilliseconds(absl::Now() - admitted) << " ms after the admission\n";
  EXPECT_EQ(data(issued, kRoleArnKey), kMyRoleArn);
  const std::optional<kube::Object> role = get(awsiamroles_resource(), secret_name);
  ASSERT_TRUE(role.has_value());
  EXPECT_EQ(role->label(kDerivedLabel), "true");
  EXPECT_EQ(creator.counts().created, 1u);
}

}  // namespace
}  // namespace controller
