#include "controller/reconciler.h"

#include <glog/logging.h>

#include <charconv>

#include "pkg/aws/aws_error.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/event.h"
#include "pkg/kube/secret.h"
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

std::optional<uint64_t> resource_version_number(const kube::Object& object) {
  const std::string_view rv = object.resource_version();
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), value);
  if (ec != std::errc() || end != rv.data() + rv.size()) return std::nullopt;
  return value;
}

// Ours replaces any earlier reference to the same AWSIAMRole; others stay.
// Only one owner may be the controller, so ours is not if another one is.
std::vector<kube::OwnerReference> owner_references_for(const kube::Object* secret,
                                                       const AwsIamRole& role) {
  std::vector<kube::OwnerReference> refs;
  kube::OwnerReference ours = owner_reference(role);
  if (secret != nullptr) {
    for (kube::OwnerReference& ref : secret->owner_references()) {
      if (ref.uid == role.uid) continue;
      if (ref.controller) ours.controller = false;
      refs.push_back(std::move(ref));
    }
  }
  refs.push_back(std::move(ours));
  return refs;
}

}  // namespace

kube::Resource awsiamroles_resource() {
  return {.group = "zalando.org",
          .version = "v1",
          .resource = "awsiamroles",
          .kind = std::string(kAwsIamRoleKind),
          .namespaced = true};
}

std::string_view result_name(Result result) {
  switch (result) {
    case Result::kIssued:
      return "issued";
    case Result::kUnchanged:
      return "unchanged";
    case Result::kRepaired:
      return "repaired";
    case Result::kDeleted:
      return "deleted";
    case Result::kInvalid:
      return "invalid";
    case Result::kError:
      return "error";
  }
  return "error";
}

Reconciler::Reconciler(ReconcilerDeps deps, ReconcilerOptions options)
    : deps_(deps), options_(std::move(options)) {}

Outcome Reconciler::reconcile(const std::string& key, const std::stop_token& stop) {
  const util::MonotonicTime started = deps_.clock.monotonic_now();
  const kube::ObjectPtr role_object = deps_.roles.get(key);
  std::optional<AwsIamRole> role;
  Outcome outcome;
  if (role_object != nullptr) {
    auto parsed = parse_awsiamrole(role_object->json());
    if (!parsed.ok()) {
      LOG(ERROR) << "AWSIAMRole " << key << " is unreadable: " << parsed.status();
      outcome.result = Result::kInvalid;
      if (deps_.metrics) deps_.metrics->reconciled(result_name(outcome.result), absl::Seconds(0));
      return outcome;
    }
    role = std::move(*parsed);
  } else {
    util::MutexLock lock(mu_);
    status_written_.erase(key);
  }
  const kube::ObjectPtr secret = current_secret(key);
  const absl::Time now = deps_.clock.system_now();
  const Plan plan = controller::plan(role ? &*role : nullptr, secret.get(), now, options_.plan);
  if (role && !plan.status && plan.action != Action::kIssue) {
    util::MutexLock lock(mu_);
    status_written_.erase(key);  // the cache shows what we wrote
  }
  VLOG(1) << "reconcile " << key << ": " << action_name(plan.action)
          << (plan.why.empty() ? "" : ": ") << plan.why;

  switch (plan.action) {
    case Action::kDeleteOrphan: {
      kube::DeleteOptions options{.precondition_uid = std::string(secret->uid()), .stop = stop};
      const util::Status status =
          deps_.kube.remove(secrets_resource_, secret->namespace_name(), secret->name(), options);
      if (!status.ok() && !kube::is_not_found(status)) {
        LOG(WARNING) << "cannot delete orphaned Secret " << key << ": " << status;
        outcome = {.result = Result::kError, .error = status};
        break;
      }
      LOG(INFO) << "deleted Secret " << key << ": " << plan.why;
      forget_written(key);
      outcome.result = Result::kDeleted;
      break;
    }
    case Action::kReportInvalid:
      warn(*role_object, kEventGetCredentialsFailed,
           util::cat("Failed to get credentials for role '", role->spec.role_reference,
                     "': ", plan.why));
      outcome.result = Result::kInvalid;
      break;
    case Action::kRepairMetadata: {
      kube::Object desired = kube::SecretBuilder(*secret)
                                 .labels(secret_labels(*role))
                                 .owner_references(owner_references_for(secret.get(), *role))
                                 .build();
      SecretWrite write;
      auto written = write_secret(*role, secret.get(), std::move(desired), write);
      if (!written.ok()) {
        LOG(WARNING) << "cannot repair the labels of Secret " << key << ": " << written.status();
        outcome = {.result = Result::kError, .error = written.status()};
        break;
      }
      LOG(INFO) << "repaired Secret " << key << ": " << plan.why;
      outcome = {.result = Result::kRepaired, .refresh_at = plan.refresh_at};
      break;
    }
    case Action::kNone:
      outcome = {.result = Result::kUnchanged, .refresh_at = plan.refresh_at};
      break;
    case Action::kIssue:
      outcome = issue(*role, *role_object, secret.get(), plan, stop);
      break;
  }
  if (plan.status && outcome.result != Result::kIssued && outcome.result != Result::kError &&
      !already_described(key, *plan.status)) {
    write_status(*role, *plan.status);
  }
  if (deps_.metrics) {
    deps_.metrics->reconciled(result_name(outcome.result), deps_.clock.monotonic_now() - started);
  }
  return outcome;
}

Outcome Reconciler::issue(const AwsIamRole& role, const kube::Object& role_object,
                          const kube::Object* secret, const Plan& plan, std::stop_token stop) {
  const aws::RoleArn& arn = *plan.role_arn;
  RoleRequest request{.role = arn,
                      .duration_seconds = static_cast<int>(role.spec.session_duration_seconds),
                      .policy = role.spec.policy,
                      .policy_arns = role.spec.policy_arns};
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
  auto issued = deps_.credentials.issue(request, std::move(stop));
  const absl::Time now = deps_.clock.system_now();
  if (!issued.ok() && issued.status().code() == util::StatusCode::kCancelled) {
    return {.result = Result::kError, .error = issued.status()};  // shutting down: no news
  }
  if (!issued.ok()) {
    // Events and the condition leave out the request id so repeats aggregate;
    // the log keeps it for AWS support.
    const std::string message = aws::without_request_id(issued.status().message());
    warn(role_object, kEventGetCredentialsFailed,
         util::cat("Failed to get credentials for role '", arn.str(), "': ", message),
         issued.status().message());
    write_status(role, failed_status(role, kReasonGetCredentialsFailed, message, now));
    return {.result = Result::kError, .error = issued.status()};
  }
  const RoleCredentials& credentials = issued->credentials;

  kube::SecretBuilder builder = secret != nullptr ? kube::SecretBuilder(*secret)
                                                  : kube::SecretBuilder(role.namespace_, role.name);
  builder.clear_data();
  for (const auto& [key, value] :
       render_secret_data(credentials, role.generation, options_.mount_path)) {
    builder.data(key, value);
  }
  builder.labels(secret_labels(role)).owner_references(owner_references_for(secret, role));
  kube::Object desired = std::move(builder).build();
  desired.set_annotation(kIssuedAtAnnotation, util::format_rfc3339(now));
  SecretWrite write;
  auto written = write_secret(role, secret, std::move(desired), write);
  const bool created = write.created;
  if (!written.ok()) {
    if (!kube::is_conflict(written.status())) {  // a conflict is retried at once, not news
      warn(role_object, write.failure_reason,
           util::cat("Failed to ", write.failed_step, " Secret for role '", arn.str(),
                     "': ", written.status().message()));
      write_status(role,
                   failed_status(role, kReasonSecretWriteFailed, written.status().message(), now));
    }
    return {.result = Result::kError, .error = written.status()};
  }
  deps_.events.record(
      kube::ObjectReference::of(role_object), kube::EventType::kNormal,
      created ? kEventCreateCredentials : kEventUpdateCredentials,
      util::cat(created ? "Created" : "Updated", " credentials for role '", arn.str(),
                "', expiry time: ", util::format_go_time(credentials.expiration)));
  if (!issued->note.empty()) warn(role_object, kEventSessionDurationClamped, issued->note);
  LOG(INFO) << (created ? "created" : "updated") << " credentials for " << role.key() << " (role "
            << arn.str() << ", valid until " << util::format_rfc3339(credentials.expiration)
            << "): " << plan.why;
  write_status(role, issued_status(role, arn, credentials.expiration, now, options_.plan.refresh,
                                   issued->note));
  const absl::Duration lead =
      refresh_lead(role, options_.plan.refresh, now, credentials.expiration);
  return {.result = Result::kIssued, .refresh_at = credentials.expiration - lead};
}

util::StatusOr<kube::Object> Reconciler::write_secret(const AwsIamRole& role,
                                                      const kube::Object* secret,
                                                      kube::Object desired, SecretWrite& write) {
  const std::string key = role.key();
  util::StatusOr<kube::Object> written = util::internal_error("not written");
  if (secret != nullptr) {
    write = {.failure_reason = kEventUpdateSecretFailed, .failed_step = "update"};
    written = deps_.kube.update(secrets_resource_, desired);
  } else {
    write = {.failure_reason = kEventCreateSecretFailed, .failed_step = "create"};
    written = deps_.kube.create(secrets_resource_, desired);
    write.created = written.ok();
    if (kube::is_already_exists(written.status())) {
      // Not in our cache, so not labelled as ours: a seed Secret from
      // set_secret.sh, or one of the Go original's. Adopt it only if it
      // holds credentials; never overwrite somebody else's Secret.
      auto live = deps_.kube.get(secrets_resource_, role.namespace_, role.name);
      if (!live.ok()) {
        write = {.failure_reason = kEventReadSecretFailed, .failed_step = "read existing"};
        return live.status();
      }
      if (!adoptable(*live)) {
        return util::failed_precondition_error(
            util::cat("Secret ", key,
                      " exists and is not managed by kube-aws-iam-controller "
                      "(no heritage label, no credential keys); not overwriting it"));
      }
      LOG(INFO) << "adopting existing Secret " << key;
      desired.set_resource_version(live->resource_version());
      write = {.failure_reason = kEventUpdateSecretFailed, .failed_step = "adopt"};
      written = deps_.kube.update(secrets_resource_, desired);
    }
  }
  if (!written.ok()) {
    if (kube::is_conflict(written.status()) || kube::is_not_found(written.status())) {
      forget_written(key);
    }
    return written.status();
  }
  remember_written(key, std::make_shared<const kube::Object>(*written));
  return written;
}

void Reconciler::write_status(const AwsIamRole& role, const AwsIamRoleStatus& status) {
  const std::string key = role.key();
  {
    util::MutexLock lock(mu_);
    auto it = status_written_.find(key);
    if (it != status_written_.end() && it->second == status) return;
  }
  kube::JsonAllocator allocator;
  kube::JsonValue body(rapidjson::kObjectType);
  body.AddMember("status", status_to_json(status, allocator), allocator);
  auto patched =
      deps_.kube.patch(roles_resource_, role.namespace_, role.name, kube::PatchType::kMerge,
                       kube::json::serialize(body), {}, "status");
  if (!patched.ok()) {
    if (!kube::is_not_found(patched.status())) {
      LOG(WARNING) << "cannot update the status of AWSIAMRole " << key << ": " << patched.status();
    }
    return;
  }
  util::MutexLock lock(mu_);
  status_written_[key] = status;
}

bool Reconciler::already_described(const std::string& key, const AwsIamRoleStatus& status) {
  util::MutexLock lock(mu_);
  auto it = status_written_.find(key);
  if (it == status_written_.end()) return false;
  const AwsIamRoleStatus& written = it->second;
  const Condition* written_ready = written.condition("Ready");
  const Condition* ready = status.condition("Ready");
  return written.observed_generation == status.observed_generation &&
         written.role_arn == status.role_arn && written.expiration == status.expiration &&
         written_ready != nullptr && ready != nullptr && written_ready->status == ready->status &&
         written_ready->reason == ready->reason;
}

void Reconciler::warn(const kube::Object& role_object, std::string_view reason,
                      std::string_view message, std::string_view log_detail) {
  LOG(WARNING) << role_object.key() << ": " << reason << ": "
               << (log_detail.empty() ? message : log_detail);
  deps_.events.record(kube::ObjectReference::of(role_object), kube::EventType::kWarning, reason,
                      message);
}

kube::ObjectPtr Reconciler::current_secret(const std::string& key) {
  kube::ObjectPtr cached = deps_.secrets.get(key);
  util::MutexLock lock(mu_);
  auto it = written_.find(key);
  if (it == written_.end()) return cached;
  if (cached != nullptr) {
    const auto cached_rv = resource_version_number(*cached);
    const auto written_rv = resource_version_number(*it->second);
    if (!cached_rv || !written_rv || *cached_rv >= *written_rv) {
      written_.erase(it);
      return cached;
    }
  }
  return it->second;
}

void Reconciler::remember_written(const std::string& key, kube::ObjectPtr secret) {
  util::MutexLock lock(mu_);
  written_[key] = std::move(secret);
}

void Reconciler::forget_written(const std::string& key) {
  util::MutexLock lock(mu_);
  written_.erase(key);
}

}  // namespace controller
