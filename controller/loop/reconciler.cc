#include "controller/loop/reconciler.h"

#include "pkg/aws/aws_error.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/event.h"
#include "pkg/kube/secret.h"
#include "pkg/util/log.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// Event reasons (DESIGN.md §2), on the AWSIAMRole.
constexpr std::string_view kEventCreateCredentials = "CreateCredentials";
constexpr std::string_view kEventUpdateCredentials = "UpdateCredentials";
constexpr std::string_view kEventGetCredentialsFailed = "GetCredentialsFailed";
constexpr std::string_view kEventCreateSecretFailed = "CreateSecretFailed";
constexpr std::string_view kEventUpdateSecretFailed = "UpdateSecretFailed";
constexpr std::string_view kEventReadSecretFailed = "ReadSecretFailed";
constexpr std::string_view kEventSessionDurationClamped = "SessionDurationClamped";
constexpr std::string_view kEventRoleNotPermitted = "RoleNotPermitted";

// Ours replaces any earlier reference to the same AWSIAMRole; others stay.
// Only one owner may be the controller, so ours is not if another one is.
std::vector<kube::OwnerReference> owner_references_for(const ManagedSecret* secret,
                                                       const AwsIamRole& role) {
  std::vector<kube::OwnerReference> refs;
  kube::OwnerReference ours = owner_reference(role);
  if (secret != nullptr) {
    for (const kube::OwnerReference& ref : secret->owner_references()) {
      if (ref.uid == role.uid) continue;
      if (ref.controller) ours.controller = false;
      refs.push_back(ref);
    }
  }
  refs.push_back(std::move(ours));
  return refs;
}

// A merge patch that gives `current` the labels, ownerReferences and
// annotations of `desired` — and with `with_data` exactly its data — on the
// condition that `current` is still the server's version. Labels and data
// keys that only `current` has are removed; annotations of others stay, but
// kubectl's last-applied-configuration goes (it can hold seed credentials).
std::string secret_patch(const ManagedSecret& current, const kube::Object& desired,
                         bool with_data) {
  kube::JsonValue patch(rapidjson::kObjectType);
  kube::JsonValue& metadata = kube::json::ensure_object(patch, "metadata");
  kube::json::set_string(metadata, "resourceVersion", current.resource_version());
  kube::JsonAllocator allocator;
  auto copy_with_removals = [&](const kube::JsonValue* wanted, auto&& existing_keys) {
    kube::JsonValue out(rapidjson::kObjectType);
    if (wanted != nullptr) out.CopyFrom(*wanted, allocator);
    for (const std::string_view key : existing_keys) {
      if (kube::json::find(out, key) == nullptr) {
        kube::json::set(out, key, kube::JsonValue(rapidjson::kNullType));
      }
    }
    return out;
  };
  kube::json::set(metadata, "labels",
                  copy_with_removals(kube::json::find_path(desired.json(), {"metadata", "labels"}),
                                     current.label_keys()));
  if (const kube::JsonValue* wanted =
          kube::json::find_path(desired.json(), {"metadata", "ownerReferences"})) {
    kube::JsonValue refs;
    refs.CopyFrom(*wanted, allocator);
    kube::json::set(metadata, "ownerReferences", std::move(refs));
  }
  kube::JsonValue annotations(rapidjson::kObjectType);
  for (const auto& [key, value] : desired.annotations()) {
    kube::json::set_string(annotations, key, value);
  }
  kube::json::set(annotations, kLastAppliedAnnotation, kube::JsonValue(rapidjson::kNullType));
  kube::json::set(metadata, "annotations", std::move(annotations));
  if (with_data) {
    // The six keys the controller writes are always in `desired`.
    kube::json::set(
        patch, "data",
        copy_with_removals(kube::json::find(desired.json(), "data"), current.other_data_keys()));
  }
  return kube::json::serialize(patch);
}

}  // namespace

kube::Resource awsiamroles_resource() {
  return {.group = "zalando.org",
          .version = "v1",
          .resource = "awsiamroles",
          .kind = std::string(kAwsIamRoleKind),
          .namespaced = true};
}

Reconciler::Reconciler(ReconcilerDeps deps, ReconcilerOptions options)
    : deps_(deps), options_(std::move(options)) {}

ReconcileResult Reconciler::reconcile(const std::string& key, const std::stop_token& stop) {
  return reconcile_role(key, stop);
}

size_t Reconciler::unwritten_credentials() const {
  util::MutexLock lock(mu_);
  return unwritten_.size();
}

void Reconciler::namespace_may_accept_writes(std::string_view ns) {
  util::MutexLock lock(mu_);
  if (auto it = terminating_.find(ns); it != terminating_.end()) {
    LOG(INFO) << "a new AWSIAMRole in namespace " << ns
              << ": the namespace is no longer being deleted";
    terminating_.erase(it);
  }
}

std::shared_ptr<const NamespacePolicy> Reconciler::policy_for(std::string_view ns) const {
  if (!options_.namespace_restrictions) return nullptr;
  const auto view = deps_.namespaces != nullptr ? deps_.namespaces->get(ns) : nullptr;
  return policy_in_force(view.get(), ns);
}

Reconciler::Decision Reconciler::decide(const std::string& key) {
  Decision decision{.role = deps_.roles.get(key), .secret = deps_.secrets.get(key)};
  std::shared_ptr<const NamespacePolicy> policy;
  if (decision.role != nullptr) policy = policy_for(decision.role->namespace_);
  decision.plan = plan(decision.role.get(), decision.secret.get(), deps_.clock.system_now(),
                       options_.plan, policy.get());
  return decision;
}

ReconcileResult Reconciler::reconcile_role(const std::string& key, const std::stop_token& stop) {
  const auto [role, secret, plan] = decide(key);
  if (!role) {
    util::MutexLock lock(mu_);
    unwritten_.erase(key);
  }
  // Nothing can be created in a namespace being deleted, and everything in it
  // goes with it: no STS call, no write, no Warning.
  const std::string_view ns = role     ? std::string_view(role->namespace_)
                              : secret ? std::string_view(secret->namespace_)
                                       : std::string_view();
  if (!ns.empty() && namespace_terminating(ns)) {
    VLOG(1) << "reconcile " << key << ": namespace " << ns << " is being deleted";
    return {Effect::kSkipped, Blocked{.error = util::failed_precondition_error(
                                          util::cat("namespace ", ns, " is being deleted"))}};
  }
  VLOG(1) << "reconcile " << key << ": " << action_name(plan.action)
          << (plan.why.empty() ? "" : ": ") << plan.why;

  ReconcileResult reconciled{Effect::kUnchanged, Done{.look_again_at = plan.refresh_at}};
  switch (plan.action) {
    case Action::kDeleteOrphan:
      return delete_orphan(*secret, plan, stop);
    case Action::kIssue:
      return issue(*role, secret.get(), plan, stop);
    case Action::kReportInvalid:
      // Told once per problem: the status says it from then on, and the key
      // waits for the spec to change.
      if (plan.status) {
        warn(*role, kEventGetCredentialsFailed,
             util::cat("Failed to get credentials for role '", role->spec.role_reference,
                       "': ", plan.why));
      }
      reconciled = {Effect::kInvalid, Blocked{.error = util::invalid_argument_error(plan.why)}};
      break;
    case Action::kReportNotPermitted:
      reconciled = refuse(*role, secret.get(), plan, stop);
      break;
    case Action::kRepairMetadata:
      reconciled = repair_metadata(*role, *secret, plan, stop);
      break;
    case Action::kNone:
      break;
  }
  if (plan.status && reconciled.effect != Effect::kFailed) {
    write_status(*role, *plan.status, stop);
  }
  return reconciled;
}

RoleRequest Reconciler::request_for(const AwsIamRole& role, const aws::RoleArn& arn) const {
  RoleRequest request{.role = arn,
                      .duration_seconds = static_cast<int>(role.spec.session_duration_seconds)};
  if (const SessionPolicies* policies = role.spec.session_policies.get()) {
    request.policy = policies->policy;
    request.policy_arns = policies->policy_arns;
  }
  if (options_.session_tags) {
    request.tags = {{"kubernetes-namespace", role.namespace_},
                    {"kubernetes-awsiamrole", role.name}};
    if (!options_.cluster_name.empty()) {
      request.tags.push_back({"kubernetes-cluster", options_.cluster_name});
    }
  }
  if (options_.external_id) {
    request.external_id = options_.external_id->render(role.namespace_, role.name);
  }
  return request;
}

util::StatusOr<Reconciler::Unwritten> Reconciler::credentials_for(const AwsIamRole& role,
                                                                  const RoleRequest& request,
                                                                  absl::Time now,
                                                                  const std::stop_token& stop) {
  const std::string key = role.key();
  {
    util::MutexLock lock(mu_);
    if (auto it = unwritten_.find(key); it != unwritten_.end()) {
      const Unwritten& kept = it->second;
      const absl::Time expiration = kept.issued.credentials.expiration;
      const absl::Duration lead =
          refresh_lead(role, options_.plan.refresh, kept.issued_at, expiration);
      if (kept.request == request && now < expiration - lead) {
        VLOG(1) << key << ": writing the credentials issued at "
                << util::format_rfc3339(kept.issued_at) << " (not written yet)";
        return kept;
      }
      unwritten_.erase(it);  // for another spec, or too old to be worth writing
    }
  }
  auto issued = deps_.credentials.issue(request, stop);
  if (!issued.ok()) return issued.status();
  Unwritten fresh{.request = request, .issued = std::move(*issued), .issued_at = now};
  util::MutexLock lock(mu_);
  unwritten_.insert_or_assign(key, fresh);
  return fresh;
}

ReconcileResult Reconciler::issue(const AwsIamRole& role, const ManagedSecret* secret,
                                  const Plan& plan, const std::stop_token& stop) {
  const aws::RoleArn& arn = *plan.role_arn;
  const absl::Time now = deps_.clock.system_now();
  auto issued = credentials_for(role, request_for(role, arn), now, stop);
  if (!issued.ok()) {
    // Events and the condition leave out the request id so repeats aggregate;
    // the log keeps it for AWS support.
    const std::string message = aws::without_request_id(issued.status());
    return fail(role,
                {.event_reason = kEventGetCredentialsFailed,
                 .event_message =
                     util::cat("Failed to get credentials for role '", arn.str(), "': ", message),
                 .condition_reason = kReasonGetCredentialsFailed,
                 .condition_message = message,
                 .log_detail = issued.status().message(),
                 .error = issued.status()},
                stop);
  }
  const RoleCredentials& credentials = issued->issued.credentials;
  const std::string& note = issued->issued.note;

  kube::SecretBuilder builder(role.namespace_, role.name);
  for (const auto& [key, value] :
       render_secret_data(credentials, role.generation, options_.mount_path)) {
    builder.data(key, value);
  }
  builder.labels(secret_labels(role)).owner_references(owner_references_for(secret, role));
  kube::Object desired = std::move(builder).build();
  desired.set_annotation(kIssuedAtAnnotation, util::format_rfc3339(issued->issued_at));
  auto written = write_secret(role, secret, desired, stop);
  if (auto* failure = std::get_if<Failure>(&written)) {
    if (kube::is_namespace_terminating(failure->error)) {
      remember_terminating(role.namespace_);
      return {Effect::kSkipped, Blocked{.error = failure->error}};
    }
    failure->condition_reason = kReasonSecretWriteFailed;
    failure->condition_message = failure->error.message();
    return fail(role, *failure, stop);
  }
  const bool created = std::get<SecretWritten>(written) == SecretWritten::kCreated;
  {
    util::MutexLock lock(mu_);
    unwritten_.erase(role.key());
  }
  deps_.events.record(
      event_reference(role), kube::EventType::kNormal,
      created ? kEventCreateCredentials : kEventUpdateCredentials,
      util::cat(created ? "Created" : "Updated", " credentials for role '", arn.str(),
                "', expiry time: ", util::format_go_time(credentials.expiration)));
  if (!note.empty()) warn(role, kEventSessionDurationClamped, note);
  LOG(INFO) << (created ? "created" : "updated") << " credentials for " << role.key() << " (role "
            << arn.str() << ", valid until " << util::format_rfc3339(credentials.expiration)
            << "): " << plan.why;
  write_status(role,
               issued_status(role, arn, credentials.expiration, now, options_.plan.refresh, note),
               stop);
  const absl::Duration lead =
      refresh_lead(role, options_.plan.refresh, issued->issued_at, credentials.expiration);
  return {Effect::kIssued, Done{.look_again_at = credentials.expiration - lead}};
}

std::variant<Reconciler::SecretWritten, Reconciler::Failure> Reconciler::write_secret(
    const AwsIamRole& role, const ManagedSecret* secret, const kube::Object& desired,
    const std::stop_token& stop) {
  const std::string key = role.key();
  // Each step, and the Event that reports its failure.
  struct Step {
    std::string_view name;
    std::string_view failure_reason;
  };
  Step step{"update", kEventUpdateSecretFailed};
  SecretWritten done = SecretWritten::kUpdated;
  util::StatusOr<kube::Object> written = util::internal_error("not written");
  if (secret != nullptr) {
    written = deps_.kube.merge_patch(secrets_resource_, role.namespace_, role.name,
                                     secret_patch(*secret, desired, /*with_data=*/true), "", stop);
  } else {
    step = {"create", kEventCreateSecretFailed};
    done = SecretWritten::kCreated;
    written = deps_.kube.create(secrets_resource_, desired, stop);
    if (kube::is_already_exists(written.status())) {
      // Not in our cache, so not labelled as ours: a seed Secret from
      // set_secret.sh, or one of the Go original's. Adopt it only if it
      // holds credentials; never overwrite somebody else's Secret.
      auto live = deps_.kube.get(secrets_resource_, role.namespace_, role.name, stop);
      if (!live.ok()) {
        step = {"read existing", kEventReadSecretFailed};
        written = live.status();
      } else if (const ManagedSecret existing = secret_view(*live); !adoptable(existing)) {
        written = util::failed_precondition_error(
            util::cat("Secret ", key,
                      " exists and is not managed by kube-aws-iam-controller "
                      "(no heritage label, no credential keys); not overwriting it"));
      } else {
        LOG(INFO) << "adopting existing Secret " << key;
        step = {"adopt", kEventUpdateSecretFailed};
        done = SecretWritten::kUpdated;
        written =
            deps_.kube.merge_patch(secrets_resource_, role.namespace_, role.name,
                                   secret_patch(existing, desired, /*with_data=*/true), "", stop);
      }
    }
  }
  if (!written.ok()) {
    if (kube::is_conflict(written.status()) || kube::is_not_found(written.status())) {
      deps_.secrets.forget(key);  // what we knew of it is stale
    }
    return Failure{
        .event_reason = step.failure_reason,
        .event_message = util::cat("Failed to ", step.name, " Secret for role '",
                                   role.spec.role_reference, "': ", written.status().message()),
        .error = written.status()};
  }
  deps_.secrets.record(std::make_shared<const ManagedSecret>(secret_view(*written)));
  return done;
}

ReconcileResult Reconciler::repair_metadata(const AwsIamRole& role, const ManagedSecret& secret,
                                            const Plan& plan, const std::stop_token& stop) {
  const kube::Object desired = kube::SecretBuilder(secret.namespace_, secret.name)
                                   .labels(secret_labels(role))
                                   .owner_references(owner_references_for(&secret, role))
                                   .build();
  const std::string patch = secret_patch(secret, desired, /*with_data=*/false);
  auto patched =
      deps_.kube.merge_patch(secrets_resource_, secret.namespace_, secret.name, patch, "", stop);
  if (!patched.ok()) {
    LOG(WARNING) << "cannot repair the labels of Secret " << role.key() << ": " << patched.status();
    if (kube::is_conflict(patched.status())) deps_.secrets.forget(role.key());
    return {Effect::kFailed, classify_failure(patched.status())};
  }
  deps_.secrets.record(std::make_shared<const ManagedSecret>(secret_view(*patched)));
  LOG(INFO) << "repaired Secret " << role.key() << ": " << plan.why;
  return {Effect::kRepaired, Done{.look_again_at = plan.refresh_at}};
}

ReconcileResult Reconciler::delete_orphan(const ManagedSecret& secret, const Plan& plan,
                                          const std::stop_token& stop) {
  const util::Status status =
      deps_.kube.remove(secrets_resource_, secret.namespace_, secret.name, secret.uid.str(), stop);
  if (!status.ok() && !kube::is_not_found(status)) {
    LOG(WARNING) << "cannot delete orphaned Secret " << secret.key() << ": " << status;
    return {Effect::kFailed, classify_failure(status)};
  }
  LOG(INFO) << "deleted Secret " << secret.key() << ": " << plan.why;
  deps_.secrets.forget(secret.key());
  return {Effect::kDeleted, Done{}};
}

ReconcileResult Reconciler::refuse(const AwsIamRole& role, const ManagedSecret* secret,
                                   const Plan& plan, const std::stop_token& stop) {
  {
    util::MutexLock lock(mu_);
    unwritten_.erase(role.key());  // issued before the refusal: never to be written
  }
  bool deleted = false;
  if (plan.delete_secret) {
    const util::Status status = deps_.kube.remove(secrets_resource_, secret->namespace_,
                                                  secret->name, secret->uid.str(), stop);
    if (!status.ok() && !kube::is_not_found(status)) {
      LOG(WARNING) << "cannot delete Secret " << secret->key()
                   << " of a role no longer permitted: " << status;
      return {Effect::kFailed, classify_failure(status)};
    }
    deps_.secrets.forget(secret->key());
    deleted = true;
  }
  // Told once per refusal: the status says it from then on, and the key
  // waits for the role or its namespace to change.
  if (plan.status || deleted) {
    warn(role, kEventRoleNotPermitted,
         deleted ? util::cat(plan.why, "; deleted its Secret ", secret->name) : plan.why);
  }
  return {Effect::kNotPermitted, Blocked{.error = util::permission_denied_error(plan.why)}};
}

ReconcileResult Reconciler::fail(const AwsIamRole& role, const Failure& failure,
                                 const std::stop_token& stop) {
  if (is_quiet_failure(failure.error)) {
    VLOG(1) << role.key() << ": " << failure.error << " (retrying)";
  } else {
    warn(role, failure.event_reason, failure.event_message, failure.log_detail);
    write_status(role,
                 failed_status(role, failure.condition_reason, failure.condition_message,
                               deps_.clock.system_now()),
                 stop);
  }
  return {Effect::kFailed, classify_failure(failure.error)};
}

void Reconciler::write_status(const AwsIamRole& role, const AwsIamRoleStatus& status,
                              const std::stop_token& stop) {
  if (status_describes(role.status, status)) return;
  // The conditions list is written whole: keep the ones other writers own
  // (the mount audit's PodsMountCorrectly).
  AwsIamRoleStatus written = status;
  for (const Condition& c : role.status.conditions) {
    if (written.condition(c.type) == nullptr) written.conditions.push_back(c);
  }
  kube::JsonAllocator allocator;
  kube::JsonValue status_json = status_to_json(written, allocator);
  // A merge patch keeps what it leaves out: clear what the status no longer says.
  if (status.role_arn.empty() && !role.status.role_arn.empty()) {
    kube::json::set(status_json, "roleARN", kube::JsonValue(rapidjson::kNullType));
  }
  if (status.expiration.empty() && !role.status.expiration.empty()) {
    kube::json::set(status_json, "expiration", kube::JsonValue(rapidjson::kNullType));
  }
  kube::JsonValue body(rapidjson::kObjectType);
  body.AddMember("status", std::move(status_json), allocator);
  auto patched = deps_.kube.merge_patch(roles_resource_, role.namespace_, role.name,
                                        kube::json::serialize(body), "status", stop);
  if (!patched.ok()) {
    if (!kube::is_not_found(patched.status())) {
      LOG(WARNING) << "cannot update the status of AWSIAMRole " << role.key() << ": "
                   << patched.status();
    }
    return;
  }
  deps_.roles.record(std::make_shared<const AwsIamRole>(role_view(*patched)));
}

void Reconciler::warn(const AwsIamRole& role, std::string_view reason, std::string_view message,
                      std::string_view log_detail) {
  LOG(WARNING) << role.key() << ": " << reason << ": "
               << (log_detail.empty() ? message : log_detail);
  deps_.events.record(event_reference(role), kube::EventType::kWarning, reason, message);
}

bool Reconciler::namespace_terminating(std::string_view ns) const {
  if (deps_.namespaces != nullptr) {
    const auto view = deps_.namespaces->get(ns);
    if (view != nullptr && view->terminating) return true;
  }
  util::MutexLock lock(mu_);
  return terminating_.contains(ns);
}

void Reconciler::remember_terminating(std::string_view ns) {
  util::MutexLock lock(mu_);
  if (terminating_.emplace(ns).second) {
    LOG(INFO) << "namespace " << ns
              << " is being deleted: no STS calls or Secret writes for its AWSIAMRoles";
  }
}

}  // namespace controller
