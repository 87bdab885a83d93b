// Reconciles one AWSIAMRole key: reads the cached AWSIAMRole and Secret,
// asks plan() what to do, and does it — assume the role, write the Secret,
// update the status, record Events — then says when to look again.
//
// Thread-safety: reconcile() may run concurrently for different keys (the
// work queue never hands one key to two workers). Ownership: borrows
// everything in ReconcilerDeps. Time: the injected Clock.
#pragma once

#include <map>
#include <optional>
#include <stop_token>
#include <string>

#include "controller/controller_metrics.h"
#include "controller/credential_source.h"
#include "controller/external_id.h"
#include "controller/plan.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/resource.h"
#include "pkg/kube/rest_client.h"
#include "pkg/kube/store.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"

namespace controller {

// awsiamroles.zalando.org/v1.
kube::Resource awsiamroles_resource();

struct ReconcilerOptions {
  PlanConfig plan;
  std::string mount_path = std::string(kDefaultMountPath);
  // Session tags kubernetes-namespace / kubernetes-awsiamrole (and
  // kubernetes-cluster when cluster_name is set) on every AssumeRole.
  bool session_tags = false;
  std::string cluster_name;
  // The ExternalId sent on every AssumeRole (--external-id); none when unset.
  std::optional<ExternalIdTemplate> external_id;
};

struct ReconcilerDeps {
  const kube::Store& roles;    // the AWSIAMRole informer's cache
  const kube::Store& secrets;  // the managed-Secret informer's cache
  kube::RestClient& kube;
  CredentialSource& credentials;
  kube::EventRecorder& events;
  util::Clock& clock;
  ControllerMetrics* metrics = nullptr;  // optional
};

enum class Result { kIssued, kUnchanged, kRepaired, kDeleted, kInvalid, kError };
std::string_view result_name(Result result);

struct Outcome {
  Result result = Result::kUnchanged;
  util::Status error;                    // kError: what failed (retry with backoff)
  std::optional<absl::Time> refresh_at;  // look again then (wall clock)
};

class Reconciler {
 public:
  Reconciler(ReconcilerDeps deps, ReconcilerOptions options);
  Outcome reconcile(const std::string& key, const std::stop_token& stop);

 private:
  Outcome issue(const AwsIamRole& role, const kube::Object& role_object, const kube::Object* secret,
                const Plan& plan, std::stop_token stop);
  // What write_secret did, for the Event.
  struct SecretWrite {
    bool created = false;             // a new Secret (else updated or adopted)
    std::string_view failure_reason;  // on failure: the Warning Event's reason
    std::string_view failed_step;     // on failure: "create", "update", ...
  };
  // Creates or updates the Secret (adopting an unlabelled one that holds
  // credentials, such as a seed Secret).
  util::StatusOr<kube::Object> write_secret(const AwsIamRole& role, const kube::Object* secret,
                                            kube::Object desired, SecretWrite& write);
  void write_status(const AwsIamRole& role, const AwsIamRoleStatus& status);
  // Whether the status last written for `key` already says what `status`
  // says (same credentials, same readiness) — the cache may lag behind it, and
  // its message may carry a note (a clamped session) worth keeping.
  bool already_described(const std::string& key, const AwsIamRoleStatus& status);
  // A Warning Event on the AWSIAMRole, and a log line (with `log_detail`
  // instead of the message when given).
  void warn(const kube::Object& role_object, std::string_view reason, std::string_view message,
            std::string_view log_detail = {});
  // The Secret as last seen: the cache, or what this reconciler wrote when the
  // cache has not caught up with it yet.
  kube::ObjectPtr current_secret(const std::string& key);
  void remember_written(const std::string& key, kube::ObjectPtr secret);
  void forget_written(const std::string& key);

  ReconcilerDeps deps_;
  const ReconcilerOptions options_;
  const kube::Resource roles_resource_ = awsiamroles_resource();
  const kube::Resource secrets_resource_ = kube::Resource::secrets();
  util::Mutex mu_;
  std::map<std::string, kube::ObjectPtr, std::less<>> written_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, AwsIamRoleStatus, std::less<>> status_written_ ABSL_GUARDED_BY(mu_);
};

}  // namespace controller
