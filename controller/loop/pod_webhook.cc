#include "controller/loop/pod_webhook.h"

#include <variant>

#include "controller/loop/outcome.h"
#include "controller/loop/reconciler.h"
#include "pkg/kube/admission_review.h"
#include "pkg/kube/api_error.h"
#include "pkg/util/log.h"
#include "pkg/util/strings.h"

namespace controller {

std::string_view admission_result_name(AdmissionResult result) {
  switch (result) {
    case AdmissionResult::kWired:
      return "wired";
    case AdmissionResult::kUnchanged:
      return "unchanged";
    case AdmissionResult::kRefused:
      return "refused";
    case AdmissionResult::kBadRequest:
      return "bad_request";
    case AdmissionResult::kNotSynced:
      return "not_synced";
  }
  return "unknown";
}

RoleCreator::RoleCreator(ObjectWriter& writer, util::Clock& clock)
    : writer_(writer), resource_(awsiamroles_resource()), queue_(clock) {}

void RoleCreator::create(const DerivedRole& role, std::string_view ns) {
  const std::string key = kube::object_key(ns, role.name);
  {
    util::MutexLock lock(mu_);
    if (!pending_.emplace(key, Pending{role, std::string(ns)}).second) return;
  }
  queue_.add(key);
}

void RoleCreator::run(const std::stop_token& stop) {
  std::stop_callback shut_down(stop, [this] { queue_.shut_down(); });
  while (create_next(stop)) {
  }
}

bool RoleCreator::create_next(const std::stop_token& stop) {
  const std::optional<std::string> key = queue_.get();
  if (!key) return false;
  Pending pending;
  {
    util::MutexLock lock(mu_);
    pending = pending_.at(*key);
  }
  const util::StatusOr<kube::Object> created =
      writer_.create(resource_, derived_role_object(pending.role, pending.namespace_), stop);
  const bool existed = !created.ok() && kube::is_already_exists(created.status());
  // The reconciler's rule for what may pass by retrying (throttling, 5xx, timeouts).
  const bool retry = !created.ok() && !existed &&
                     std::holds_alternative<Retry>(classify_failure(created.status())) &&
                     queue_.num_requeues(*key) + 1 < kMaxAttempts && !stop.stop_requested();
  if (!created.ok() && !existed) {
    LOG(WARNING) << "cannot create AWSIAMRole " << *key << " for the pods that name role "
                 << pending.role.role_reference << ": " << created.status().message()
                 << (retry ? "; will retry" : "; giving up: those pods get no credentials");
  } else if (created.ok()) {
    LOG(INFO) << "created AWSIAMRole " << *key << " (" << pending.role.derived_from << ")";
  }
  if (retry) {
    queue_.add_rate_limited(*key);
  } else {
    queue_.forget(*key);
    util::MutexLock lock(mu_);
    pending_.erase(*key);
    uint64_t& count = created.ok() ? counts_.created : existed ? counts_.existed : counts_.failed;
    ++count;
  }
  queue_.done(*key);
  return true;
}

size_t RoleCreator::pending() const {
  util::MutexLock lock(mu_);
  return pending_.size();
}

RoleCreator::Counts RoleCreator::counts() const {
  util::MutexLock lock(mu_);
  return counts_;
}

PodWebhook::PodWebhook(const kube::Store<AwsIamRole>& roles,
                       const kube::Store<ServiceAccountView>& service_accounts,
                       const kube::Store<NamespaceView>& namespaces, RoleCreator& creator,
                       PodWebhookOptions options)
    : roles_(roles),
      service_accounts_(service_accounts),
      namespaces_(namespaces),
      creator_(creator),
      options_(std::move(options)) {}

PodWebhook::Answer PodWebhook::review(std::string_view body) const {
  util::StatusOr<kube::AdmissionRequest> request = kube::parse_admission_review(body);
  if (!request.ok()) {
    return {.http_status = 400,
            .body = std::string(request.status().message()),
            .result = AdmissionResult::kBadRequest};
  }
  kube::AdmissionResponse response{.uid = request->uid};
  const bool pod_create = request->operation == "CREATE" && request->group.empty() &&
                          request->kind == "Pod" && request->sub_resource.empty() &&
                          request->object.IsObject();
  if (!pod_create || options_.exempt_namespaces.contains(request->namespace_)) {
    return {.body = kube::admission_review_response(response)};
  }
  const kube::JsonValue& pod = request->object;
  const kube::JsonValue* spec = kube::json::find(pod, "spec");
  std::string_view account =
      spec != nullptr ? kube::json::get_string(*spec, "serviceAccountName") : std::string_view();
  if (account.empty()) account = "default";
  const auto service_account =
      service_accounts_.get(kube::object_key(request->namespace_, account));
  const std::shared_ptr<const NamespacePolicy> policy =
      options_.namespace_restrictions
          ? policy_in_force(namespaces_.get(request->namespace_).get(), request->namespace_)
          : nullptr;
  const PodSurroundings surroundings{.namespace_ = request->namespace_,
                                     .service_account = service_account.get(),
                                     .roles = roles_.list_by_namespace(request->namespace_),
                                     .policy = policy.get()};
  PodWiring wiring = wire_pod(pod, surroundings, options_.wiring);
  AdmissionResult result = AdmissionResult::kUnchanged;
  if (wiring.refusal) {
    result = AdmissionResult::kRefused;
    response.allowed = false;
    response.message = *std::move(wiring.refusal);
  } else {
    if (!wiring.patch.empty()) result = AdmissionResult::kWired;
    response.patch = std::move(wiring.patch);
    if (!request->dry_run) {
      for (const DerivedRole& role : wiring.roles_to_create)
        creator_.create(role, request->namespace_);
    }
  }
  response.warnings = std::move(wiring.warnings);
  return {.body = kube::admission_review_response(response),
          .result = result,
          .warnings = response.warnings.size()};
}

}  // namespace controller
