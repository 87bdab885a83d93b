#include "controller/loop/controller.h"

#include <absl/random/random.h>

#include <algorithm>
#include <thread>
#include <tuple>
#include <vector>

#include "controller/domain/awsiamrole.h"
#include "controller/domain/urgency.h"
#include "controller/domain/views.h"
#include "pkg/kube/secret.h"
#include "pkg/util/log.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// The informers retry failed lists and watches forever; the log says each
// failure (an apiserver that cannot be reached shows here and as /readyz 503
// "caches not synced").
void log_informer_error(const util::Status& error) {
  LOG(WARNING) << "informer retrying with backoff: " << error.message();
}

kube::InformerOptions informer_options(const ControllerOptions& options,
                                       std::string label_selector) {
  kube::InformerOptions out;
  out.namespace_name = options.namespace_;
  out.reflector.label_selector = std::move(label_selector);
  out.reflector.on_error = log_informer_error;
  return out;  // no informer resync: the controller's sweep is the safety net
}

std::optional<NamespacePolicyOptions> policy_options(const ControllerOptions& options,
                                                     const ReconcilerOptions& reconciler) {
  if (!options.namespace_restrictions) return std::nullopt;
  return NamespacePolicyOptions{.default_allowed_roles = options.default_allowed_roles,
                                .base = reconciler.plan.base_role_arn};
}

ReconcilerOptions with_restrictions(ReconcilerOptions reconciler,
                                    const ControllerOptions& options) {
  reconciler.namespace_restrictions = options.namespace_restrictions;
  return reconciler;
}

AwsIamRole to_role_view(kube::Object&& role) {
  return role_view(role);
}

ManagedSecret to_secret_view(kube::Object&& secret) {
  return secret_view(secret);
}

// The queue's lane for work on an object that lacks valid credentials (or not).
kube::Priority lane(bool lacks_credentials) {
  return lacks_credentials ? kube::Priority::kUrgent : kube::Priority::kNormal;
}

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;  // clang 14 has no aggregate deduction

}  // namespace

Controller::Controller(kube::RestClient& kube, CredentialSource& credentials,
                       kube::EventRecorder& events, util::Clock& clock,
                       ReconcilerOptions reconciler_options, ControllerOptions options,
                       ControllerMetrics* metrics)
    : options_(std::move(options)),
      clock_(clock),
      metrics_(metrics),
      namespace_policy_options_(policy_options(options_, reconciler_options)),
      roles_(kube, awsiamroles_resource(), clock, informer_options(options_, ""), to_role_view),
      secrets_(kube, kube::Resource::secrets(), clock,
               informer_options(options_, util::cat(kHeritageLabel, "=", kHeritageValue, ",",
                                                    kTypeLabel, "=", kTypeValue)),
               to_secret_view),
      namespaces_(kube, kube::Resource::namespaces(), clock, namespace_informer_options(),
                  namespace_transform()),
      writer_(kube),
      queue_(clock,
             std::make_unique<kube::ExponentialFailureRateLimiter>(options_.retry_base,
                                                                   options_.retry_max),
             metrics != nullptr ? &metrics->queue : nullptr),
      reconciler_({.roles = role_writes_,
                   .secrets = secret_writes_,
                   .kube = writer_,
                   .credentials = credentials,
                   .events = events,
                   .clock = clock,
                   .metrics = metrics,
                   .namespaces = &namespaces_.store()},
                  with_restrictions(std::move(reconciler_options), options_)) {
  // The handlers only queue keys, in the lane the view in hand calls for.
  using SecretPtr = std::shared_ptr<const ManagedSecret>;
  using RolePtr = std::shared_ptr<const AwsIamRole>;
  using NamespacePtr = std::shared_ptr<const NamespaceView>;
  auto secret_changed = [this](const SecretPtr& secret) {
    // The echo of this controller's own write is no news.
    if (secret_writes_.is_own_echo(*secret)) return;
    enqueue(secret->key(), lane(secret_lacks_credentials(*secret, clock_.system_now())));
  };
  secrets_.add_handlers(
      {.on_add = secret_changed,
       .on_update = [secret_changed](const SecretPtr&,
                                     const SecretPtr& secret) { secret_changed(secret); },
       .on_delete =
           [this](const SecretPtr& secret, bool) {
             secret_writes_.forget(secret->key());
             enqueue(secret->key(), kube::Priority::kUrgent);
           }});
  roles_.add_handlers({.on_add =
                           [this](const RolePtr& role) {
                             reconciler_.namespace_may_accept_writes(role->namespace_);
                             enqueue(role->key(), role_lane(*role));
                           },
                       .on_update =
                           [this](const RolePtr& old_role, const RolePtr& role) {
                             role_writes_.is_own_echo(*role);
                             // Status-only changes are the controller's own writes: reacting
                             // to them would undo the per-key backoff of a failing role.
                             if (old_role->generation != role->generation ||
                                 old_role->labels != role->labels || role->being_deleted) {
                               enqueue(role->key(), role_lane(*role));
                             }
                           },
                       .on_delete =
                           [this](const RolePtr& role, bool) {
                             role_writes_.forget(role->key());
                             enqueue(role->key(), kube::Priority::kNormal);
                           }});
  namespaces_.add_handlers(
      {.on_add =
           [this](const NamespacePtr& ns) {
             // The first list needs nothing queued: the first pass after
             // the caches synced looks at every role anyway.
             if (namespaces_.has_synced()) enqueue_namespace(ns->name);
           },
       .on_update =
           [this](const NamespacePtr& old_ns, const NamespacePtr& ns) {
             // A namespace being deleted stays so; its roles wait for nothing.
             if (namespace_policy_options_ && !old_ns->same_policy(*ns)) {
               enqueue_namespace(ns->name);
             }
           },
       .on_delete = [this](const NamespacePtr& ns, bool) { enqueue_namespace(ns->name); }});
}

// Namespaces are cluster-scoped: a controller limited to one namespace
// watches only that Namespace. Without --namespace-restrictions RBAC may not
// grant reading them (the Go original's did not): the controller then runs
// without (synced() and wait_for_namespaces() do not wait for it).
kube::InformerOptions Controller::namespace_informer_options() {
  kube::InformerOptions out;
  if (!options_.namespace_.empty()) {
    out.reflector.field_selector = util::cat("metadata.name=", options_.namespace_);
  }
  out.reflector.on_error = [this](const util::Status& error) {
    if (error.code() == util::StatusCode::kPermissionDenied && !options_.namespace_restrictions) {
      if (namespaces_forbidden_.request_stop()) {  // the first time
        LOG(WARNING) << "cannot read Namespaces (" << error.message()
                     << "): roles in a namespace being deleted are recognised only when a write "
                        "is refused; grant get/list/watch on namespaces (deploy/base) to spare "
                        "them the STS call";
      }
      return;
    }
    log_informer_error(error);
  };
  return out;
}

kube::Transform<NamespaceView> Controller::namespace_transform() const {
  const NamespacePolicyOptions* restrictions =
      namespace_policy_options_ ? &*namespace_policy_options_ : nullptr;
  return [restrictions](kube::Object&& ns) { return namespace_view(ns, restrictions); };
}

Controller::~Controller() {
  queue_.shut_down();
}

kube::Priority Controller::role_lane(const AwsIamRole& role) const {
  return lane(role_lacks_credentials(role, clock_.system_now()));
}

kube::Priority Controller::cached_role_lane(const std::string& key) const {
  const auto role = roles_.store().get(key);
  return role != nullptr ? role_lane(*role) : kube::Priority::kNormal;
}

void Controller::enqueue(const std::string& key, kube::Priority priority) {
  {
    util::MutexLock lock(blocked_mu_);
    blocked_until_change_.erase(key);  // something changed: worth another look
  }
  queue_.add(key, priority);
}

void Controller::enqueue_namespace(std::string_view ns) {
  for (const auto& role : roles_.store().list_by_namespace(ns)) {
    enqueue(role->key(), role_lane(*role));
  }
}

void Controller::run_informers(const std::stop_token& stop) {
  std::jthread secrets([this, stop] { secrets_.run(stop); });
  std::jthread namespaces([this, stop] { namespaces_.run(stop); });
  roles_.run(stop);
}

bool Controller::synced() const {
  return roles_.has_synced() && secrets_.has_synced() &&
         (namespaces_.has_synced() || namespaces_forbidden_.stop_requested());
}

bool Controller::wait_for_namespaces(const std::stop_token& stop) {
  // Until the cache syncs, or RBAC turns out not to allow it (then without).
  std::stop_source give_up;
  std::stop_callback on_stop(stop, [&give_up] { give_up.request_stop(); });
  std::stop_callback on_forbidden(namespaces_forbidden_.get_token(),
                                  [&give_up] { give_up.request_stop(); });
  return namespaces_.wait_for_sync(give_up.get_token()) || !stop.stop_requested();
}

bool Controller::wait_for_sync(const std::stop_token& stop) {
  return roles_.wait_for_sync(stop) && secrets_.wait_for_sync(stop) && wait_for_namespaces(stop);
}

void Controller::run_workers(const std::stop_token& stop) {
  if (!wait_for_sync(stop)) return;
  {
    util::MutexLock lock(first_pass_mu_);
    for (std::string& key : roles_.store().keys()) {
      queue_.add(key, cached_role_lane(key));
      first_pass_pending_.insert(std::move(key));
    }
    // Secrets whose AWSIAMRole is gone: deleting them has no hurry.
    for (std::string& key : secrets_.store().keys()) {
      if (first_pass_pending_.insert(key).second) queue_.add(key, kube::Priority::kNormal);
    }
    if (first_pass_pending_.empty()) first_pass_done_.store(true, std::memory_order_release);
  }
  LOG(INFO) << "caches synced: " << roles_.store().size() << " AWSIAMRoles, "
            << secrets_.store().size() << " managed Secrets; starting " << options_.workers
            << " workers";
  // On stop, workers finish the key in hand and get() returns nothing more.
  std::stop_callback shut_down(stop, [this] { queue_.shut_down(); });
  std::vector<std::jthread> workers;
  workers.reserve(options_.workers + 1);
  for (int i = 0; i < options_.workers; ++i) {
    workers.emplace_back([this, stop] { work(stop); });
  }
  workers.emplace_back([this, stop] { sweep_loop(stop); });
}

void Controller::work(const std::stop_token& stop) {
  while (std::optional<std::string> key = queue_.get()) {
    const util::MonotonicTime started = clock_.monotonic_now();
    const ReconcileResult result = reconciler_.reconcile(*key, stop);
    if (metrics_ != nullptr) metrics_->reconciled(result, clock_.monotonic_now() - started);
    follow_up(*key, result.next);
    reconciled_once(*key);
    queue_.done(*key);
  }
}

void Controller::follow_up(const std::string& key, const Outcome& outcome) {
  std::visit(Overloaded{
                 [&](const Done& done) {
                   queue_.forget(key);
                   if (done.look_again_at) schedule(key, *done.look_again_at);
                 },
                 [&](const Retry& retry) {
                   VLOG(1) << "retrying " << key << " after failure "
                           << (queue_.num_requeues(key) + 1) << ": " << retry.error;
                   queue_.add_rate_limited(key, cached_role_lane(key));
                 },
                 [&](const Blocked& blocked) {
                   queue_.forget(key);
                   if (blocked.recheck_after) {
                     queue_.add_after(key, *blocked.recheck_after);
                   } else {
                     VLOG(1) << "parking " << key << " until it changes: " << blocked.error;
                     util::MutexLock lock(blocked_mu_);
                     blocked_until_change_.insert(key);
                   }
                 },
             },
             outcome);
}

void Controller::schedule(const std::string& key, absl::Time refresh_at) {
  thread_local absl::BitGen random;
  const absl::Duration delay = refresh_at - clock_.system_now();
  const absl::Duration jitter_window = std::min(delay / 10, options_.max_jitter);
  const absl::Duration jitter = jitter_window > absl::ZeroDuration()
                                    ? absl::Nanoseconds(absl::Uniform<int64_t>(
                                          random, 0, absl::ToInt64Nanoseconds(jitter_window)))
                                    : absl::ZeroDuration();
  queue_.add_after(key, delay - jitter);
}

bool Controller::blocked_until_change(const std::string& key) const {
  util::MutexLock lock(blocked_mu_);
  return blocked_until_change_.contains(key);
}

void Controller::sweep() {
  // AWSIAMRole keys only: a Secret's key is its role's, and a Secret whose
  // role is gone is queued by the role's deletion (or the first pass).
  for (const std::string& key : queue_.untracked(roles_.store().keys())) {
    if (blocked_until_change(key)) continue;
    VLOG(1) << "safety net: " << key << " was not scheduled; queuing it";
    queue_.add(key, cached_role_lane(key));
  }
}

void Controller::sweep_loop(const std::stop_token& stop) {
  if (options_.resync <= absl::ZeroDuration()) return;
  while (util::sleep_for(clock_, options_.resync, stop)) {
    sweep();
  }
}

void Controller::reconciled_once(const std::string& key) {
  if (first_pass_done_.load(std::memory_order_acquire)) return;
  util::MutexLock lock(first_pass_mu_);
  first_pass_pending_.erase(key);
  if (first_pass_pending_.empty()) {
    first_pass_pending_.clear();  // frees the array (absl keeps only small ones)
    first_pass_done_.store(true, std::memory_order_release);
    LOG(INFO) << "first pass over all AWSIAMRoles done";
  }
}

std::map<std::string, size_t, std::less<>> Controller::cached_roles_by_ready() const {
  std::map<std::string, size_t, std::less<>> counts{{"True", 0}, {"False", 0}, {"Unknown", 0}};
  roles_.store().for_each(
      [&](const AwsIamRole& role) { ++counts.find(ready_status(role.status))->second; });
  return counts;
}

std::vector<CredentialsValidity> Controller::credentials_validity() const {
  std::vector<CredentialsValidity> out;
  const absl::Time now = clock_.system_now();
  secrets_.store().for_each([&](const ManagedSecret& secret) {
    if (secret.data.expire) {
      out.push_back({.namespace_name = secret.namespace_,
                     .name = secret.name,
                     .left = *secret.data.expire - now});
    }
  });
  // By namespace and name ("a-b/x" comes before "a/y" in key order).
  std::sort(out.begin(), out.end(), [](const CredentialsValidity& a, const CredentialsValidity& b) {
    return std::tie(a.namespace_name, a.name) < std::tie(b.namespace_name, b.name);
  });
  return out;
}

}  // namespace controller
