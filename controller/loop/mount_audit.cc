#include "controller/loop/mount_audit.h"

#include "controller/loop/reconciler.h"
#include "pkg/kube/api_error.h"
#include "pkg/kube/json.h"
#include "pkg/util/log.h"
#include "pkg/util/strings.h"

namespace controller {

MountAudit::MountAudit(const kube::Store<AwsIamRole>& roles, const kube::Store<PodMountView>& pods,
                       ObjectWriter& writer, kube::EventRecorder& events, util::Clock& clock)
    : roles_(roles), pods_(pods), writer_(writer), events_(events), clock_(clock), queue_(clock) {}

void MountAudit::pod_changed(const PodMountView* old_view, const PodMountView* new_view) {
  std::set<std::string> before;
  std::set<std::string> after;
  if (old_view != nullptr) {
    for (const auto& m : old_view->mistakes)
      before.insert(old_view->namespace_ + "/" + m.secret);
  }
  if (new_view != nullptr) {
    for (const auto& m : new_view->mistakes)
      after.insert(new_view->namespace_ + "/" + m.secret);
  }
  if (before.empty() && after.empty()) return;  // most pods
  const std::string pod = new_view != nullptr ? new_view->key() : old_view->key();
  {
    util::MutexLock lock(mu_);
    for (const std::string& key : before) {
      auto it = wrong_.find(key);
      if (it == wrong_.end()) continue;
      it->second.erase(pod);
      if (it->second.empty()) wrong_.erase(it);
    }
    for (const std::string& key : after)
      wrong_[key].insert(pod);
  }
  for (const std::string& key : before)
    queue_.add(key);
  for (const std::string& key : after)
    queue_.add(key);
}

void MountAudit::role_changed(const AwsIamRole& role) {
  bool worth = role.status.condition(kMountsCondition) != nullptr;
  if (!worth) {
    util::MutexLock lock(mu_);
    worth = wrong_.contains(role.key());
  }
  if (worth) queue_.add(role.key());
}

void MountAudit::run(const std::stop_token& stop) {
  std::stop_callback shut_down(stop, [this] { queue_.shut_down(); });
  while (audit_next(stop)) {
  }
}

bool MountAudit::audit_next(const std::stop_token& stop) {
  const std::optional<std::string> key = queue_.get();
  if (!key) return false;
  audit(*key, stop);
  queue_.done(*key);
  return true;
}

void MountAudit::audit(const std::string& key, const std::stop_token& stop) {
  const std::shared_ptr<const AwsIamRole> role = roles_.get(key);
  if (role == nullptr) {
    queue_.forget(key);
    return;  // no AWSIAMRole of that name: a Secret that is not a role's
  }
  const std::optional<Condition> wanted =
      mounts_condition(*role, pods_.list_by_namespace(role->namespace_), clock_.system_now());
  if (!wanted) {
    queue_.forget(key);
    return;
  }
  kube::JsonAllocator allocator;
  AwsIamRoleStatus conditions_only;
  conditions_only.conditions = with_condition(role->status, *wanted);
  kube::JsonValue status = status_to_json(conditions_only, allocator);
  kube::JsonValue metadata(rapidjson::kObjectType);
  metadata.AddMember("resourceVersion", kube::JsonValue(role->version.c_str(), allocator),
                     allocator);
  kube::JsonValue body(rapidjson::kObjectType);
  body.AddMember("metadata", std::move(metadata), allocator);
  body.AddMember("status", std::move(status), allocator);
  const util::StatusOr<kube::Object> patched =
      writer_.merge_patch(awsiamroles_resource(), role->namespace_, role->name,
                          kube::json::serialize(body), "status", stop);
  if (!patched.ok()) {
    if (kube::is_not_found(patched.status())) {
      queue_.forget(key);
      return;
    }
    // A conflict (the reconciler wrote first) or a passing failure: again on
    // the role as the informer then has it.
    if (!kube::is_conflict(patched.status())) {
      LOG(WARNING) << "cannot report the pods that mount the Secret of " << key << ": "
                   << patched.status().message();
    }
    queue_.add_rate_limited(key);
    return;
  }
  queue_.forget(key);
  const Condition* before = role->status.condition(kMountsCondition);
  if (wanted->status == "False") {
    LOG(WARNING) << key << ": " << wanted->message;
    events_.record(event_reference(*role), kube::EventType::kWarning, kEventPodsMountWrongly,
                   wanted->message);
  } else if (before != nullptr) {
    LOG(INFO) << key << ": " << wanted->message;
  }
}

}  // namespace controller
