// The controller's loop: informers on AWSIAMRoles and on the Secrets it
// manages feed one work queue of namespace/name keys; workers reconcile keys
// and schedule each key's next look at its refresh time, so an idle
// controller makes no calls at all. Failures retry per key with backoff.
//
// Thread-safety: run_informers() and run_workers() each run once, on their
// own threads; the rest may be called from any thread. Ownership: borrows the
// RestClient, CredentialSource, EventRecorder, Clock and metrics.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <stop_token>
#include <string>

#include "controller/controller_metrics.h"
#include "controller/reconciler.h"
#include "pkg/kube/informer.h"
#include "pkg/kube/rate_limiting_queue.h"

namespace controller {

struct ControllerOptions {
  std::string namespace_;  // "" watches all namespaces
  int workers = 2;
  absl::Duration resync = absl::Seconds(10);  // --interval: re-queue every cached key
  // Refreshes are scheduled up to this much early, at random, so that roles
  // created together do not all refresh in the same second.
  absl::Duration max_jitter = absl::Minutes(1);
  absl::Duration retry_base = absl::Seconds(1);  // per-key backoff after a failure
  absl::Duration retry_max = absl::Minutes(5);
};

class Controller {
 public:
  Controller(kube::RestClient& kube, CredentialSource& credentials, kube::EventRecorder& events,
             util::Clock& clock, ReconcilerOptions reconciler_options, ControllerOptions options,
             ControllerMetrics* metrics = nullptr);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Lists and watches both resources until `stop`.
  void run_informers(const std::stop_token& stop);
  // Waits for both caches, queues every known key, and reconciles with the
  // configured number of workers until `stop`; then lets in-flight reconciles
  // finish and returns. Call once.
  void run_workers(const std::stop_token& stop);

  bool synced() const { return roles_.has_synced() && secrets_.has_synced(); }
  // Every key known at start has been reconciled once.
  bool first_pass_done() const { return first_pass_done_.load(std::memory_order_acquire); }
  size_t queue_depth() const { return queue_.len(); }

  // Workqueue depth, managed roles, per-role validity, earliest expiry.
  void register_metrics(metrics::Registry& registry);

 private:
  void enqueue(const kube::ObjectPtr& object);
  void resync(const kube::ObjectPtr& object);
  void work(const std::stop_token& stop);
  void schedule(const std::string& key, absl::Time refresh_at);
  void reconciled_once(const std::string& key);
  // Per managed Secret ({namespace, name}): seconds until its credentials expire.
  std::vector<std::pair<metrics::Labels, double>> validity_seconds() const;

  const ControllerOptions options_;
  util::Clock& clock_;
  kube::Informer roles_;
  kube::Informer secrets_;
  kube::RateLimitingQueue queue_;
  Reconciler reconciler_;

  util::Mutex first_pass_mu_;
  std::set<std::string, std::less<>> first_pass_pending_ ABSL_GUARDED_BY(first_pass_mu_);
  std::atomic<bool> first_pass_done_{false};
};

}  // namespace controller
