// The controller's loop: informers on AWSIAMRoles and on the Secrets it
// manages (caching typed views, never credentials) feed one work queue of
// namespace/name keys; workers reconcile keys and schedule each key's next
// look at its refresh time, so an idle controller makes no calls at all.
//
// - Priority: a role without valid credentials goes before refreshes that
//   still have slack; scheduled refreshes are spread by jitter.
// - Own writes cause no work: the watch echo of a Secret this controller
//   wrote is recognised (read-your-writes cache) and not queued again.
// - Failures: per-key backoff (Retry), or blocked until something changes /
//   rechecked slowly (Blocked); see outcome.h.
// - Namespaces: an informer says which are being deleted (their roles cost
//   nothing) and, with namespace restrictions, a change of a Namespace's
//   role-policy annotations queues that namespace's roles. Without RBAC to
//   read Namespaces (and no restrictions) the controller runs without it.
// - Safety net: every `resync` period, any cached key that is neither
//   queued, in progress, scheduled nor blocked is queued again. It finds
//   nothing unless something was lost, and costs no API or STS call.
//
// Thread-safety: run_informers() and run_workers() each run once, on their
// own threads; the rest may be called from any thread. Ownership: borrows the
// RestClient, CredentialSource, EventRecorder, Clock and metrics.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <stop_token>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "controller/loop/controller_metrics.h"
#include "controller/loop/object_writer.h"
#include "controller/loop/reconciler.h"
#include "pkg/kube/informer.h"
#include "pkg/kube/mutation_cache.h"
#include "pkg/kube/rate_limiting_queue.h"

namespace controller {

// How long the credentials of one managed Secret are still valid.
struct CredentialsValidity {
  std::string namespace_name;
  std::string name;
  absl::Duration left;
};

struct ControllerOptions {
  std::string namespace_;  // "" watches all namespaces
  // Reconciles at once: enough for STS and apiserver round trips to overlap
  // (a new role costs one STS call and about three writes).
  int workers = 32;
  absl::Duration resync = absl::Seconds(10);  // --interval: the safety-net sweep
  // Refreshes are scheduled up to a tenth of their delay early, at random,
  // at most this much, so that roles created together refresh spread out.
  absl::Duration max_jitter = absl::Minutes(5);
  absl::Duration retry_base = absl::Seconds(1);  // per-key backoff after a failure
  absl::Duration retry_max = absl::Minutes(5);
  // --namespace-restrictions: each namespace may use only the roles its
  // annotations (or --default-allowed-roles) allow; see namespace_policy.h.
  bool namespace_restrictions = false;
  std::vector<std::string> default_allowed_roles;
};

class Controller {
 public:
  Controller(kube::RestClient& kube, CredentialSource& credentials, kube::EventRecorder& events,
             util::Clock& clock, ReconcilerOptions reconciler_options, ControllerOptions options,
             ControllerMetrics* metrics = nullptr);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Lists and watches AWSIAMRoles, Secrets (and Namespaces) until `stop`.
  void run_informers(const std::stop_token& stop);
  // Waits for both caches, queues every known key, and reconciles with the
  // configured number of workers until `stop`; then lets in-flight reconciles
  // finish and returns. Call once.
  void run_workers(const std::stop_token& stop);

  // The caches of AWSIAMRoles, Secrets and Namespaces have synced (the
  // Namespaces' unless RBAC does not allow reading them and nothing needs
  // them: without --namespace-restrictions).
  bool synced() const;
  // Waits until synced(); false when `stop` came first.
  bool wait_for_sync(const std::stop_token& stop);
  // The caches, for the admission webhook (loop/pod_webhook.h).
  const kube::Store<AwsIamRole>& role_cache() const { return roles_.store(); }
  // More handlers of AWSIAMRole events (quick: they queue work of their own).
  void add_role_handlers(kube::EventHandlers<AwsIamRole> handlers) {
    roles_.add_handlers(std::move(handlers));
  }
  const kube::Store<NamespaceView>& namespace_cache() const { return namespaces_.store(); }
  // Every key known at start has been reconciled once.
  bool first_pass_done() const { return first_pass_done_.load(std::memory_order_acquire); }

  // What the metrics read (ControllerMetrics::observe), from the caches
  // views or the queue.
  size_t queue_depth() const { return queue_.len(); }
  // Keys waiting for their time: scheduled refreshes, retries and rechecks.
  size_t queue_scheduled() const { return queue_.waiting(); }
  kube::WorkQueue::InFlight queue_in_flight() const { return queue_.in_flight(); }
  size_t cached_roles() const { return roles_.store().size(); }
  // How many cached AWSIAMRoles each Ready status has ("True", "False",
  // "Unknown" — each present, 0 when none), from one walk over the cache.
  std::map<std::string, size_t, std::less<>> cached_roles_by_ready() const;
  size_t unwritten_credentials() const { return reconciler_.unwritten_credentials(); }
  // Each managed Secret's credentials, by namespace and name.
  std::vector<CredentialsValidity> credentials_validity() const;

 private:
  kube::InformerOptions namespace_informer_options();
  kube::Transform<NamespaceView> namespace_transform() const;
  // Waits for the Namespace cache; false when `stop` came first.
  bool wait_for_namespaces(const std::stop_token& stop);
  // Queues `key` now in `priority`'s lane.
  void enqueue(const std::string& key, kube::Priority priority);
  // Queues every AWSIAMRole of namespace `ns` (its policy changed).
  void enqueue_namespace(std::string_view ns);
  // The lane for work on `role`, by what it says of itself (domain/urgency.h).
  kube::Priority role_lane(const AwsIamRole& role) const;
  // The lane for work on `key`, by its cached AWSIAMRole (kNormal without one).
  kube::Priority cached_role_lane(const std::string& key) const;
  void work(const std::stop_token& stop);
  void follow_up(const std::string& key, const Outcome& outcome);
  void schedule(const std::string& key, absl::Time refresh_at);
  void sweep();
  void sweep_loop(const std::stop_token& stop);
  void reconciled_once(const std::string& key);
  bool blocked_until_change(const std::string& key) const;

  const ControllerOptions options_;
  util::Clock& clock_;
  ControllerMetrics* const metrics_;  // may be null
  // With namespace restrictions, what compiles each Namespace's policy.
  const std::optional<NamespacePolicyOptions> namespace_policy_options_;
  kube::Informer<AwsIamRole> roles_;
  kube::Informer<ManagedSecret> secrets_;
  // Which namespaces are being deleted, and their role policies.
  kube::Informer<NamespaceView> namespaces_;
  // Requested when Namespaces cannot be read (RBAC) and nothing requires it.
  std::stop_source namespaces_forbidden_;
  // The controller never creates AWSIAMRoles, only their status.
  kube::MutationCache<AwsIamRole> role_writes_{roles_.store(), /*include_adds=*/false};
  kube::MutationCache<ManagedSecret> secret_writes_{secrets_.store(), /*include_adds=*/true};
  RestObjectWriter writer_;
  kube::RateLimitingQueue queue_;
  Reconciler reconciler_;

  mutable util::Mutex blocked_mu_;
  // Keys waiting for a change (an unusable spec, a namespace being deleted).
  std::set<std::string, std::less<>> blocked_until_change_ ABSL_GUARDED_BY(blocked_mu_);
  util::Mutex first_pass_mu_;
  // Every cached key until its first reconcile: a hash table, whose one array
  // goes when the pass ends (a tree's node per key left holes in the heap).
  absl::flat_hash_set<std::string, util::StringKeyHash, std::equal_to<>> first_pass_pending_
      ABSL_GUARDED_BY(first_pass_mu_);
  std::atomic<bool> first_pass_done_{false};
};

}  // namespace controller
