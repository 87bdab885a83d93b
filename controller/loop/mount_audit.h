// Reports, on each AWSIAMRole, the pods of its namespace that read its Secret
// in a way that never sees a refresh (domain/mount_audit.h): a
// PodsMountCorrectly condition, and a Warning Event when pods that do so
// appear. Fed by the pod informer (views with only the mistakes) and the
// AWSIAMRole informer; handlers only queue keys, one thread writes.
//
// The condition is one of the role's conditions, written with the whole list
// and conditional on the role's resourceVersion: a write that lost a race
// with the reconciler is retried on the fresh role (the reconciler keeps
// conditions it does not own).
//
// Thread-safety: the handlers from any thread; run() on one thread.
// Ownership: borrows the stores, the writer, the recorder and the clock.
#pragma once

#include <map>
#include <set>
#include <stop_token>
#include <string>

#include "controller/domain/mount_audit.h"
#include "controller/loop/object_writer.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/rate_limiting_queue.h"
#include "pkg/kube/store.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace controller {

inline constexpr std::string_view kEventPodsMountWrongly = "PodsMountSecretWrongly";

class MountAudit {
 public:
  MountAudit(const kube::Store<AwsIamRole>& roles, const kube::Store<PodMountView>& pods,
             ObjectWriter& writer, kube::EventRecorder& events, util::Clock& clock);

  // Informer handlers (quick: they queue keys).
  void pod_changed(const PodMountView* old_view, const PodMountView* new_view);
  void role_changed(const AwsIamRole& role);

  // Audits queued roles until `stop`.
  void run(const std::stop_token& stop);
  // Audits the next queued role; false once the queue is shut down.
  bool audit_next(const std::stop_token& stop);

 private:
  void audit(const std::string& key, const std::stop_token& stop);

  const kube::Store<AwsIamRole>& roles_;
  const kube::Store<PodMountView>& pods_;
  ObjectWriter& writer_;
  kube::EventRecorder& events_;
  util::Clock& clock_;
  kube::RateLimitingQueue queue_;
  util::Mutex mu_;
  // Role keys ("ns/secret") some pod mounts wrongly: a role event is worth
  // an audit only for these, or for a role that carries the condition.
  std::map<std::string, std::set<std::string>, std::less<>> wrong_ ABSL_GUARDED_BY(mu_);
};

}  // namespace controller
