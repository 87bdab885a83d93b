// The admission webhook's work, between the HTTPS endpoint and the decision:
// PodWebhook answers each AdmissionReview of a pod from the caches (the
// namespace's AWSIAMRoles, its ServiceAccounts, its Namespace's role policy;
// domain/pod_wiring.h decides), and hands the AWSIAMRoles a pod needs to a
// RoleCreator, which creates them off the admission path. No STS call and no
// apiserver round trip happens while the apiserver waits.
//
// What is admitted unchanged: anything but a pod CREATE (a pod's containers
// and volumes cannot change after it), pods in exempt namespaces (kube-system
// and the controller's own: the webhook must never be needed to start
// itself), and pods that name no role. Dry-run requests create nothing.
//
// Thread-safety: review() may run on any number of threads at once;
// RoleCreator::run() on one thread of its own, create() from any. Ownership:
// borrows the stores, the writer and the clock.
#pragma once

#include <map>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>

#include "controller/domain/pod_wiring.h"
#include "controller/domain/views.h"
#include "controller/loop/object_writer.h"
#include "pkg/kube/rate_limiting_queue.h"
#include "pkg/kube/store.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace controller {

// Creates the AWSIAMRoles the webhook derived, retrying what may pass.
class RoleCreator {
 public:
  RoleCreator(ObjectWriter& writer, util::Clock& clock);

  // Queues `role` for creation in `ns`; a role already queued is not queued twice.
  void create(const DerivedRole& role, std::string_view ns);
  // Creates queued roles until `stop`: create_next() in a loop.
  void run(const std::stop_token& stop);
  // Waits for the next queued role and creates it; false once the queue is
  // shut down (by run()'s stop). An AWSIAMRole that exists already counts as
  // created; what may pass by retrying (classify_failure(): throttling, 5xx,
  // timeouts) is retried with backoff, at most kMaxAttempts times; anything
  // else (forbidden, invalid) is logged and dropped.
  bool create_next(const std::stop_token& stop);
  // Roles queued and not yet created or given up on.
  size_t pending() const;

  static constexpr int kMaxAttempts = 8;

  // Roles created, found already there, and given up on (for metrics and tests).
  struct Counts {
    uint64_t created = 0;
    uint64_t existed = 0;
    uint64_t failed = 0;
  };
  Counts counts() const;

 private:
  ObjectWriter& writer_;
  const kube::Resource resource_;
  kube::RateLimitingQueue queue_;
  mutable util::Mutex mu_;
  struct Pending {
    DerivedRole role;
    std::string namespace_;
  };
  std::map<std::string, Pending, std::less<>> pending_ ABSL_GUARDED_BY(mu_);  // by key
  Counts counts_ ABSL_GUARDED_BY(mu_);
};

// What became of one review: the admission metrics' result label.
enum class AdmissionResult {
  kWired,       // patched: a volume, mounts, variables
  kUnchanged,   // admitted as it is (names no role, exempt, not a pod CREATE, ...)
  kRefused,     // --webhook-refuse-forbidden-roles
  kBadRequest,  // no AdmissionReview
  kNotSynced,   // 503: the caches have not synced yet
};
std::string_view admission_result_name(AdmissionResult result);

struct PodWebhookOptions {
  PodWiringOptions wiring;
  bool namespace_restrictions = false;
  std::set<std::string, std::less<>> exempt_namespaces = {"kube-system"};
};

class PodWebhook {
 public:
  PodWebhook(const kube::Store<AwsIamRole>& roles,
             const kube::Store<ServiceAccountView>& service_accounts,
             const kube::Store<NamespaceView>& namespaces, RoleCreator& creator,
             PodWebhookOptions options);

  struct Answer {
    int http_status = 200;  // 400: the body was no AdmissionReview
    std::string body;       // the AdmissionReview answer, or why it was refused
    AdmissionResult result = AdmissionResult::kUnchanged;
    size_t warnings = 0;
  };
  Answer review(std::string_view body) const;

 private:
  const kube::Store<AwsIamRole>& roles_;
  const kube::Store<ServiceAccountView>& service_accounts_;
  const kube::Store<NamespaceView>& namespaces_;
  RoleCreator& creator_;
  const PodWebhookOptions options_;
};

}  // namespace controller
