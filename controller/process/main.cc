// kube-aws-iam-controller: gives pods AWS IAM role credentials through
// Secrets. Wires the flags to the Kubernetes and AWS clients, the controller
// loop, leader election and the health/metrics endpoint; exits 0 on SIGTERM
// after finishing in-flight work and releasing the Lease.
#include <absl/random/random.h>
#include <gflags/gflags.h>
#include <malloc.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "controller/loop/controller.h"
#include "controller/loop/controller_metrics.h"
#include "controller/loop/credential_source.h"
#include "controller/loop/mount_audit.h"
#include "controller/loop/pod_webhook.h"
#include "controller/loop/webhook_certificates.h"
#include "controller/process/base_role_arn_discovery.h"
#include "controller/process/build_info.h"
#include "controller/process/config.h"
#include "controller/process/health_server.h"
#include "controller/process/webhook_server.h"
#include "pkg/aws/partition.h"
#include "pkg/aws/providers/assume_role_provider.h"
#include "pkg/aws/providers/caching_provider.h"
#include "pkg/aws/providers/default_chain.h"
#include "pkg/aws/providers/imds_client.h"
#include "pkg/aws/providers/roles_anywhere_provider.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/x509_identity_files.h"
#include "pkg/http/http1_transport.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/config.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/leader_elector.h"
#include "pkg/tls/key_pair.h"
#include "pkg/util/log.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// How often a handshake may look whether the webhook's certificate files
// changed (kubelet updates a Secret volume within about a minute).
constexpr absl::Duration kCertificateRecheck = absl::Seconds(10);

[[noreturn]] void fail(std::string_view what, const util::Status& status) {
  LOG(ERROR) << what << ": " << status.message();
  std::cerr << "kube-aws-iam-controller: " << what << ": " << status.message() << "\n";
  std::exit(1);  // NOLINT(concurrency-mt-unsafe): start-up failure, nothing to unwind
}

template <typename T>
T must(util::StatusOr<T> value, std::string_view what) {
  if (!value.ok()) fail(what, value.status());
  return std::move(*value);
}

std::string random_suffix() {
  absl::BitGen random;
  char hex[16];
  std::snprintf(hex, sizeof(hex), "_%08x", absl::Uniform<uint32_t>(random));
  return hex;
}

// Says once, with the fix, what the informers' retries only report: the CRD
// is missing, or RBAC forbids what the controller needs. Runs beside the
// informers, so an apiserver that does not answer delays nothing else;
// start-up goes on (the informers keep retrying, /readyz stays 503), so fixing
// either needs no restart.
void preflight(kube::RestClient& kube, const Config& config, const std::stop_token& stop) {
  std::vector<kube::Resource> resources = {awsiamroles_resource(), kube::Resource::secrets()};
  if (config.namespace_restrictions) resources.push_back(kube::Resource::namespaces());
  for (const kube::Resource& resource : resources) {
    const util::Status status = kube.list(resource, resource.namespaced ? config.namespace_ : "",
                                          {.limit = 1, .stop = stop})
                                    .status();
    if (stop.stop_requested()) return;
    if (status.ok()) continue;
    if (kube::is_not_found(status) && resource.resource == "awsiamroles") {
      LOG(ERROR) << "the AWSIAMRole CRD is not installed (" << status.message()
                 << "): kubectl apply -f crd/awsiamrole-crd.yaml";
    } else if (status.code() == util::StatusCode::kPermissionDenied) {
      LOG(ERROR) << "RBAC does not allow listing " << resource.resource << ": " << status.message()
                 << " (see the ClusterRole in docs/deployment.yaml)";
    } else {
      LOG(WARNING) << "cannot list " << resource.resource << " yet: " << status.message();
    }
  }
}

// The certificate files of IAM Roles Anywhere, refused at start-up when they
// cannot sign; rotations in the log.
std::unique_ptr<aws::X509IdentityFiles> roles_anywhere_files(const RolesAnywhereConfig& ra,
                                                             util::Clock& clock) {
  std::unique_ptr<aws::X509IdentityFiles> files =
      must(aws::X509IdentityFiles::load(
               {.certificate = ra.certificate,
                .private_key = ra.private_key,
                .chain = ra.certificate_chain},
               clock,
               [](const aws::X509FilesChange& change) {
                 if (change.loaded) {
                   LOG(INFO) << "IAM Roles Anywhere: the certificate files changed; now signing "
                                "with "
                             << change.loaded->describe() << ", valid until "
                             << util::format_rfc3339(change.loaded->not_after());
                 } else {
                   LOG(WARNING) << "IAM Roles Anywhere: " << change.rejected.message()
                                << "; signing with the certificate loaded before while it is valid";
                 }
               }),
           "cannot use IAM Roles Anywhere");
  return files;
}

// With --roles-anywhere-direct nothing assumes roles with a base identity:
// role names are appended to --base-role-arn, else to the trust anchor's
// account's role prefix (the profile's roles are in its account).
util::StatusOr<DiscoveredBaseRoleArn> roles_anywhere_base_role_arn(
    const RolesAnywhereConfig& ra, const std::optional<aws::BaseRoleArn>& flag) {
  if (flag) return DiscoveredBaseRoleArn{.arn = *flag, .source = "--base-role-arn"};
  ASSIGN_OR_RETURN(
      const aws::Arn anchor,
      aws::parse_roles_anywhere_arn(ra.trust_anchor_arn, aws::RolesAnywhereResource::kTrustAnchor));
  ASSIGN_OR_RETURN(aws::BaseRoleArn arn, aws::BaseRoleArn::parse(util::cat(
                                             "arn:", aws::partition_name(anchor.partition()),
                                             ":iam::", anchor.account_id(), ":role/")));
  return DiscoveredBaseRoleArn{
      .arn = std::move(arn),
      .source = util::cat("the trust anchor's account, ", anchor.account_id())};
}

// Blocks SIGTERM/SIGINT in every thread (call before starting any) and
// returns a thread that turns the first one into a stop request.
std::jthread stop_on_signal(std::stop_source& stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return std::jthread([signals, stop]() mutable {
    int received = 0;
    sigwait(&signals, &received);
    LOG(INFO) << "received " << (received == SIGTERM ? "SIGTERM" : "SIGINT")
              << ": finishing in-flight work and shutting down";
    stop.request_stop();
  });
}

int run(const Config& config) {
  // On the heap: g++ 12 misreports an inline std::stop_source as uninitialized.
  auto stop_owner = std::make_unique<std::stop_source>();
  std::stop_source& stop = *stop_owner;
  std::jthread signal_thread = stop_on_signal(stop);
  util::RealClock clock;
  metrics::Registry registry;
  ControllerMetrics controller_metrics(
      registry, {.version = std::string(version()), .revision = std::string(revision())});

  // The port listens before anything that can take time (base role ARN
  // discovery may wait for IMDS), so a probe never finds it closed: /healthz
  // answers at once, /readyz 503 "starting" until the controller runs.
  // health->stop() below ends it before `controller` goes.
  std::atomic<const Controller*> running{nullptr};
  std::atomic<bool> leading{false};
  std::unique_ptr<HealthServer> health;
  if (config.metrics_port >= 0) {
    health = must(HealthServer::start(config.metrics_host, config.metrics_port, registry,
                                      [&]() -> std::string {
                                        const Controller* controller = running.load();
                                        if (controller == nullptr) return "starting";
                                        if (!controller->synced()) return "caches not synced";
                                        if (leading && !controller->first_pass_done()) {
                                          return "first pass over all roles not done";
                                        }
                                        return "";
                                      }),
                  "cannot serve /healthz, /readyz and /metrics");
    LOG(INFO) << "serving /healthz, /readyz, /metrics on " << config.metrics_host << ":"
              << health->port();
  }

  // Kubernetes.
  kube::ConfigSources sources = kube::ConfigSources::from_environment();
  sources.apiserver_url = config.apiserver;
  sources.kubeconfig_flag = config.kubeconfig;
  const kube::Config kube_config =
      must(kube::load_config(sources, clock), "cannot configure the Kubernetes client");
  LOG(INFO) << "Kubernetes API " << kube_config.server << " (" << kube_config.source << ")";
  // Every worker may write at once, besides two watches, the Event writer
  // and leader election.
  auto kube_transport =
      must(http::Http1Transport::create(
               {.tls = kube_config.tls, .max_connections_per_host = config.workers + 8}),
           "Kubernetes HTTP client");
  kube::RestClient kube(kube_config, *kube_transport, clock,
                        {.qps = config.kube_qps,
                         .burst = config.kube_burst,
                         .observer = [&](const kube::RequestInfo& request) {
                           controller_metrics.kube_request(request);
                         }});

  // AWS, verified with the system's CA certificates.
  const http::SystemRoots system_roots = http::find_system_roots();
  if (system_roots.empty()) {
    LOG(WARNING) << "no CA certificates found (SSL_CERT_FILE, SSL_CERT_DIR, "
                    "/etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, ...): "
                    "AWS endpoints reached over HTTPS cannot be verified";
  } else {
    LOG(INFO) << "CA certificates for AWS: " << http::describe(system_roots);
  }
  auto aws_transport =
      must(http::Http1Transport::create(
               {.max_connections_per_host = config.workers + 4, .system_roots = system_roots}),
           "AWS HTTP client");
  // Every AWS API attempt (STS's and CreateSession's) in the same metrics.
  const aws::ApiObserver observe_aws_attempt = [&](const aws::ApiAttempt& attempt) {
    controller_metrics.aws_attempt(attempt);
  };
  auto sts = must(aws::StsClient::create(*aws_transport, clock,
                                         {.endpoint = {.region = config.sts_region,
                                                       .use_fips = config.sts_fips,
                                                       .endpoint_override = config.sts_endpoint},
                                          .calls = {.qps = config.sts_qps,
                                                    .burst = config.sts_burst,
                                                    .observer = observe_aws_attempt}}),
                  "STS client");
  LOG(INFO) << "STS endpoint " << sts->endpoint().url;
  controller_metrics.observe_rate_limits(sts->rate_limiter(), kube.rate_limiter());
  aws::ImdsOptions imds_options = aws::imds_options_from_env(aws::process_env());
  imds_options.stop = stop.get_token();
  const auto imds =
      must(aws::ImdsClient::create(*aws_transport, clock, std::move(imds_options)), "IMDS client");
  std::unique_ptr<aws::RolesAnywhereClient> roles_anywhere_client;
  std::unique_ptr<aws::X509IdentityFiles> roles_anywhere_identity;
  aws::CredentialsProviderPtr roles_anywhere;
  std::string roles_anywhere_signing;  // "profile ..., signing with certificate ..." for the log
  if (config.roles_anywhere) {
    roles_anywhere_client = must(aws::RolesAnywhereClient::create(
                                     *aws_transport, clock,
                                     {.trust_anchor_arn = config.roles_anywhere->trust_anchor_arn,
                                      .endpoint_override = config.roles_anywhere->endpoint,
                                      .calls = {.published_qps = aws::kCreateSessionDefaultQuota,
                                                .observer = observe_aws_attempt}}),
                                 "IAM Roles Anywhere client");
    roles_anywhere_identity = roles_anywhere_files(*config.roles_anywhere, clock);
    controller_metrics.observe_certificate(*roles_anywhere_identity);
    roles_anywhere_signing =
        util::cat("profile ", config.roles_anywhere->profile_arn, ", signing with certificate ",
                  roles_anywhere_identity->loaded()->describe(), ", valid until ",
                  util::format_rfc3339(roles_anywhere_identity->loaded()->not_after()),
                  " (endpoint ", roles_anywhere_client->endpoint().url, ")");
  }
  if (config.roles_anywhere && !config.roles_anywhere->direct) {
    roles_anywhere = must(aws::RolesAnywhereProvider::create(
                              *roles_anywhere_client, *roles_anywhere_identity,
                              {.trust_anchor_arn = config.roles_anywhere->trust_anchor_arn,
                               .profile_arn = config.roles_anywhere->profile_arn,
                               .role_arn = config.roles_anywhere->role_arn,
                               .session_duration = config.roles_anywhere->session_duration,
                               .stop = stop.get_token()}),
                          "cannot use IAM Roles Anywhere");
    LOG(INFO) << "IAM Roles Anywhere: the controller is " << config.roles_anywhere->role_arn
              << " through " << roles_anywhere_signing;
  }
  aws::CredentialsProviderPtr base =
      aws::default_chain(*aws_transport, clock, *sts, *imds,
                         {.env = aws::process_env(),
                          .stop = stop.get_token(),
                          .roles_anywhere = std::move(roles_anywhere)});
  const bool direct = config.roles_anywhere && config.roles_anywhere->direct;
  std::optional<aws::BaseRoleArn> base_role_arn;
  std::string no_base_reason;
  util::StatusOr<DiscoveredBaseRoleArn> discovered =
      direct ? roles_anywhere_base_role_arn(*config.roles_anywhere, config.base_role_arn)
             : discover_base_role_arn(
                   {.flag = config.base_role_arn, .imds = *imds, .credentials = *base, .sts = *sts},
                   stop.get_token());
  if (discovered.ok()) {
    LOG(INFO) << "base role ARN " << discovered->arn.str() << " (" << discovered->source << ")";
    base_role_arn = discovered->arn;
  } else {
    no_base_reason = discovered.status().message();
    LOG(WARNING) << no_base_reason << ": only full role ARNs can be used";
  }
  aws::CredentialsProviderPtr intermediate;
  if (!config.assume_role.empty()) {
    const aws::RoleArn role = must(
        aws::resolve_role_reference(config.assume_role, base_role_arn ? &*base_role_arn : nullptr),
        "invalid --assume-role");
    intermediate = std::make_unique<aws::CachingProvider>(
        std::make_unique<aws::AssumeRoleProvider>(*base, *sts,
                                                  aws::AssumeRoleOptions{.role = role}),
        clock);
    LOG(INFO) << "roles are assumed through the intermediate role " << role.str();
  }
  std::unique_ptr<CredentialSource> credentials;
  if (direct) {
    credentials = std::make_unique<RolesAnywhereCredentialSource>(
        *roles_anywhere_client, *roles_anywhere_identity, config.roles_anywhere->trust_anchor_arn,
        config.roles_anywhere->profile_arn, clock);
    LOG(INFO) << "IAM Roles Anywhere, direct: every AWSIAMRole's credentials come from "
                 "CreateSession through "
              << roles_anywhere_signing << "; STS is not called";
  } else {
    credentials = std::make_unique<StsCredentialSource>(*sts, intermediate ? *intermediate : *base);
  }

  kube::ApiEventRecorder events(
      kube, clock,
      // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing calls setenv
      {.host = std::getenv("NODE_NAME") != nullptr ? std::getenv("NODE_NAME") : "",
       .reporting_instance = config.identity});
  Controller controller(kube, *credentials, events, clock,
                        {.plan = {.refresh = config.refresh,
                                  .base_role_arn = base_role_arn,
                                  .no_base_role_arn_reason = no_base_reason},
                         .mount_path = config.credentials_mount_path,
                         .session_tags = config.session_tags,
                         .cluster_name = config.cluster_name,
                         .external_id = config.external_id},
                        {.namespace_ = config.namespace_,
                         .workers = config.workers,
                         .resync = config.interval,
                         .namespace_restrictions = config.namespace_restrictions,
                         .default_allowed_roles = config.default_allowed_roles},
                        &controller_metrics);
  controller_metrics.observe(controller, config.workers);

  running = &controller;

  // The admission webhook, on every replica (the apiserver calls whichever
  // one its Service picks). It listens at once, so a bad certificate fails
  // the start, and answers 503 until the caches it reads have synced (the
  // apiserver then applies the failurePolicy).
  std::unique_ptr<kube::Informer<ServiceAccountView>> service_accounts;
  std::unique_ptr<RestObjectWriter> role_writer;
  std::unique_ptr<RoleCreator> role_creator;
  std::unique_ptr<PodWebhook> pod_webhook;
  std::unique_ptr<tls::KeyPairFiles> key_pair_files;
  std::unique_ptr<WebhookCertificates> webhook_certificates;
  std::unique_ptr<kube::Informer<PodMountView>> pods;
  std::unique_ptr<MountAudit> mount_audit;
  std::unique_ptr<WebhookServer> webhook_server;
  std::atomic<bool> webhook_synced{false};
  std::vector<std::jthread> webhook_threads;
  if (config.webhook) {
    const WebhookConfig& webhook = *config.webhook;
    service_accounts = std::make_unique<kube::Informer<ServiceAccountView>>(
        kube, kube::Resource::service_accounts(), clock,
        kube::InformerOptions{.namespace_name = config.namespace_},
        [](kube::Object&& object) { return service_account_view(object); });
    role_writer = std::make_unique<RestObjectWriter>(kube);
    role_creator = std::make_unique<RoleCreator>(*role_writer, clock);
    PodWebhookOptions options{
        .wiring = {.mount_path = config.credentials_mount_path,
                   .region = webhook.region.empty() ? std::nullopt
                                                    : std::optional<std::string>(webhook.region),
                   .accept_irsa_annotation = webhook.irsa_annotation,
                   .refuse_forbidden_roles = webhook.refuse_forbidden_roles,
                   .base_role_arn = base_role_arn ? &*base_role_arn : nullptr,
                   .external_id = config.external_id ? &*config.external_id : nullptr},
        .namespace_restrictions = config.namespace_restrictions};
    if (!webhook.own_namespace.empty()) options.exempt_namespaces.insert(webhook.own_namespace);
    pod_webhook = std::make_unique<PodWebhook>(controller.role_cache(), service_accounts->store(),
                                               controller.namespace_cache(), *role_creator,
                                               std::move(options));
    // Until the caches have synced, 503: the API server applies the failurePolicy.
    auto answer_review = [&](std::string_view body) -> WebhookServer::Answer {
      const util::MonotonicTime start = clock.monotonic_now();
      if (!webhook_synced.load(std::memory_order_acquire)) {
        controller_metrics.admitted(AdmissionResult::kNotSynced, 0, clock.monotonic_now() - start);
        return {.http_status = 503, .body = "caches not synced yet"};
      }
      PodWebhook::Answer answer = pod_webhook->review(body);
      controller_metrics.admitted(answer.result, answer.warnings, clock.monotonic_now() - start);
      return {.http_status = answer.http_status, .body = std::move(answer.body)};
    };
    WebhookServer::KeyPairSource key_pair;
    std::string certificate_source;
    if (webhook.certificate_file.empty()) {
      webhook_certificates = std::make_unique<WebhookCertificates>(
          kube, clock,
          WebhookCertificatesOptions{.namespace_ = webhook.own_namespace,
                                     .configuration = webhook.configuration,
                                     .hosts = webhook.certificate_hosts});
      // A first round before serving, so that the first handshake has a
      // certificate; when it fails, the certificates' own loop retries.
      if (util::Status first = webhook_certificates->sync(stop.get_token()); !first.ok()) {
        LOG(WARNING) << "webhook certificates: " << first.message() << " (retrying)";
      }
      key_pair = [&] { return webhook_certificates->current(); };
      certificate_source = util::cat("its own CA, Secret ", webhook.own_namespace,
                                     "/kube-aws-iam-controller-webhook-ca");
    } else {
      key_pair_files = must(
          tls::KeyPairFiles::load(
              webhook.certificate_file, webhook.private_key_file, kCertificateRecheck, clock,
              [file = webhook.certificate_file](const util::Status& result) {
                if (result.ok()) {
                  LOG(INFO) << "webhook: serving the new certificate from " << file;
                } else {
                  LOG(WARNING) << "webhook: keeping the current certificate: " << result.message();
                }
              }),
          "cannot serve the admission webhook");
      key_pair = [&] { return key_pair_files->current(); };
      certificate_source = webhook.certificate_file;
    }
    controller_metrics.observe_webhook_certificate(key_pair, webhook_certificates.get());
    webhook_server = must(WebhookServer::start({.host = webhook.host, .port = webhook.port},
                                               std::move(key_pair), answer_review),
                          "cannot serve the admission webhook");
    LOG(INFO) << "admission webhook on " << (webhook.host.empty() ? "0.0.0.0" : webhook.host) << ":"
              << webhook_server->port() << " (certificate: " << certificate_source << ")";
    if (webhook_certificates) {
      webhook_threads.emplace_back([&] { webhook_certificates->run(stop.get_token()); });
    }
    // Pods that mount a role's Secret so that they never see it refreshed
    // (admitted before the webhook, or wired by hand): reported on the role.
    pods = std::make_unique<kube::Informer<PodMountView>>(
        kube, kube::Resource::pods(), clock,
        kube::InformerOptions{.namespace_name = config.namespace_},
        [](kube::Object&& pod) { return pod_mount_view(pod); });
    mount_audit = std::make_unique<MountAudit>(controller.role_cache(), pods->store(), *role_writer,
                                               events, clock);
    using PodPtr = std::shared_ptr<const PodMountView>;
    pods->add_handlers(
        {.on_add = [&](const PodPtr& pod) { mount_audit->pod_changed(nullptr, pod.get()); },
         .on_update =
             [&](const PodPtr& old_pod, const PodPtr& pod) {
               mount_audit->pod_changed(old_pod.get(), pod.get());
             },
         .on_delete =
             [&](const PodPtr& pod, bool /*final_state_unknown*/) {
               mount_audit->pod_changed(pod.get(), nullptr);
             }});
    using RolePtr = std::shared_ptr<const AwsIamRole>;
    controller.add_role_handlers(
        {.on_add = [&](const RolePtr& role) { mount_audit->role_changed(*role); },
         .on_update = [&](const RolePtr& /*old_role*/,
                          const RolePtr& role) { mount_audit->role_changed(*role); }});
    webhook_threads.emplace_back([&] { pods->run(stop.get_token()); });
    webhook_threads.emplace_back([&] { mount_audit->run(stop.get_token()); });
    webhook_threads.emplace_back([&] { service_accounts->run(stop.get_token()); });
    webhook_threads.emplace_back([&] { role_creator->run(stop.get_token()); });
    webhook_threads.emplace_back([&] {
      if (controller.wait_for_sync(stop.get_token()) &&
          service_accounts->wait_for_sync(stop.get_token())) {
        webhook_synced.store(true, std::memory_order_release);
        LOG(INFO) << "admission webhook: caches synced, wiring pods";
      }
    });
  }

  std::jthread informers(
      [&](const std::stop_token&) { controller.run_informers(stop.get_token()); });
  std::jthread preflight_check([&] { preflight(kube, config, stop.get_token()); });
  auto lead = [&](const std::stop_token& lead_stop) {
    leading = true;
    controller_metrics.set_leading(true);
    controller.run_workers(lead_stop);
    controller_metrics.set_leading(false);
  };

  bool elect = config.leader_elect;
  if (elect) {
    const util::Status lease_access =
        kube.get(kube::Resource::leases(), config.leader_election_namespace,
                 config.leader_election_id, {.stop = stop.get_token()})
            .status();
    if (lease_access.code() == util::StatusCode::kPermissionDenied) {
      LOG(ERROR) << "LEADER ELECTION DISABLED: no access to Leases in namespace "
                 << config.leader_election_namespace << " (" << lease_access.message()
                 << "). Running unelected: do not run more than one replica. Grant "
                    "get/create/update on leases (docs/deployment.yaml) to enable it.";
      elect = false;
    }
  }
  int exit_code = 0;
  if (elect) {
    auto elector = must(
        kube::LeaderElector::create(
            {.lease_namespace = config.leader_election_namespace,
             .lease_name = config.leader_election_id,
             .identity = config.identity,
             .lease_duration = config.lease_duration,
             .renew_deadline = config.renew_deadline,
             .retry_period = config.retry_period,
             .callbacks = {.on_started_leading = lead,
                           .on_new_leader =
                               [&](const std::string& leader) {
                                 LOG(INFO) << "leader is now " << leader
                                           << (leader == config.identity ? " (this replica)" : "");
                               }}},
            kube, clock),
        "leader election");
    LOG(INFO) << "campaigning for Lease " << config.leader_election_namespace << "/"
              << config.leader_election_id << " as " << config.identity;
    elector->run(stop.get_token());
    if (!stop.stop_requested()) {
      LOG(ERROR) << "lost leadership; exiting so that the restart rejoins as a follower";
      exit_code = 1;
    }
  } else {
    lead(stop.get_token());
  }
  stop.request_stop();
  informers.join();
  preflight_check.join();
  if (webhook_server) webhook_server->stop();
  webhook_threads.clear();  // joins: each ends with `stop`
  events.flush();
  events.shut_down();
  if (health) health->stop();
  LOG(INFO) << "stopped";
  // The signal thread still waits in sigwait(); nothing else needs it.
  signal_thread.detach();
  return exit_code;
}

// Sets malloc parameter `param` to `value` unless the environment sets it
// (its MALLOC_* variable or its glibc.malloc.* tunable in GLIBC_TUNABLES):
// an operator's choice wins.
void set_malloc_parameter(int param, int value, const char* variable, std::string_view tunable) {
  const char* tunables = std::getenv("GLIBC_TUNABLES");  // NOLINT(concurrency-mt-unsafe)
  if (std::getenv(variable) != nullptr ||                // NOLINT(concurrency-mt-unsafe)
      (tunables != nullptr && std::string_view(tunables).find(tunable) != std::string_view::npos)) {
    return;
  }
  mallopt(param, value);  // NOLINT(concurrency-mt-unsafe): no other thread runs yet
}

// What glibc's malloc keeps of freed memory, told what this process does.
// - Arenas: glibc gives each thread that allocates an arena of its own, up to
//   eight per core, and an arena keeps what was freed in it: at 10,000 roles
//   the restarted controller had 13 arenas, most holding 0.5-1.5 MB beyond
//   what was live. Two are enough (glibc's per-thread caches serve most small
//   allocations without an arena's lock). Not one: the informers of the
//   AWSIAMRoles and of the Secrets fill the caches in parallel on a restart,
//   and with a single arena they take turns at its lock: the restart is
//   slower (docs/benchmarks.md).
// - Large blocks: glibc maps a block of 128 KiB or more on its own and gives
//   it back when freed, but raises that threshold to the size of each such
//   block freed, up to 32 MiB. A list page (~1 MB of JSON) raised it at once,
//   so the hash tables that hold every key during a relist or the first pass
//   grew inside the heap, and their arrays, freed in its middle, stayed
//   resident: ~3 MB at 10,000 roles after a restart. Fixed at 128 KiB, they
//   are mapped and given back.
void tune_malloc() {
  set_malloc_parameter(M_ARENA_MAX, 2, "MALLOC_ARENA_MAX", "glibc.malloc.arena_max");
  set_malloc_parameter(M_MMAP_THRESHOLD, 128 * 1024, "MALLOC_MMAP_THRESHOLD_",
                       "glibc.malloc.mmap_threshold");
}

}  // namespace
}  // namespace controller

int main(int argc, char** argv) {
  controller::tune_malloc();
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--") break;
    // --help-long and --help-man: kingpin's, which the Go original had.
    if (arg == "--help" || arg == "-h" || arg == "-help" || arg == "--help-long" ||
        arg == "--help-man") {
      std::cout << controller::usage_text("kube-aws-iam-controller");
      return 0;
    }
    if (arg == "--version") {
      std::cout << controller::version_line() << "\n";
      return 0;
    }
  }
  std::vector<std::string> normalized = controller::normalize_flag_syntax(args);
  std::vector<char*> gflags_argv{argv[0]};
  for (std::string& arg : normalized)
    gflags_argv.push_back(arg.data());
  int gflags_argc = static_cast<int>(gflags_argv.size());
  char** gflags_args = gflags_argv.data();
  gflags::SetUsageMessage("gives pods AWS IAM role credentials through Secrets");
  gflags::ParseCommandLineNonHelpFlags(&gflags_argc, &gflags_args, /*remove_flags=*/true);
  if (gflags_argc > 1) {
    std::cerr << "kube-aws-iam-controller: unexpected argument '" << gflags_args[1]
              << "' (see --help)\n";
    return 2;
  }
  auto config = controller::config_from_flags();
  if (!config.ok()) {
    std::cerr << "kube-aws-iam-controller: " << config.status().message() << "\n";
    return 2;
  }
  if (gflags::GetCommandLineFlagInfoOrDie("identity").is_default) {
    config->identity += controller::random_suffix();
  }
  util::log::configure({.format = config->log_format, .verbosity = config->debug ? 1 : 0});
  LOG(INFO) << controller::version_line();
  for (const std::string& warning : config->warnings)
    LOG(WARNING) << warning;
  return controller::run(*config);
}
