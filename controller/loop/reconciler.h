// Reconciles one AWSIAMRole key: reads the AWSIAMRole and its Secret (the
// informers' caches, through read-your-writes overlays), asks plan() what to
// do, and does it — assume the role, write the Secret, update the status,
// record Events — then returns an Outcome that says when to look again.
//
// Two memories make retries cheap and quiet:
// - credentials issued but not yet written (the write failed) are kept, only
//   in memory and only until written, expired or no longer wanted, so a retry
//   repeats the write and never pays STS twice for one Secret;
// - namespaces being deleted: their roles get no STS call, no write and no
//   Warning. The Namespace cache says which (when the controller may read
//   Namespaces); a write refused as "being terminated" says so too, until a
//   role created after the refusal shows the namespace is back.
//
// Thread-safety: reconcile() may run concurrently for different keys (the
// work queue never hands one key to two workers). Ownership: borrows
// everything in ReconcilerDeps. Time: the injected Clock.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <variant>

#include "controller/domain/external_id.h"
#include "controller/domain/plan.h"
#include "controller/domain/views.h"
#include "controller/loop/controller_metrics.h"
#include "controller/loop/credential_source.h"
#include "controller/loop/object_writer.h"
#include "controller/loop/outcome.h"
#include "pkg/kube/event_recorder.h"
#include "pkg/kube/mutation_cache.h"
#include "pkg/kube/resource.h"
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
  // --namespace-restrictions: each namespace may use only the roles its
  // policy (NamespaceView::policy) allows; a namespace not (yet) known none.
  bool namespace_restrictions = false;
};

struct ReconcilerDeps {
  kube::MutationCache<AwsIamRole>& roles;       // AWSIAMRoles (views.h)
  kube::MutationCache<ManagedSecret>& secrets;  // the managed Secrets
  ObjectWriter& kube;
  CredentialSource& credentials;
  kube::EventRecorder& events;
  util::Clock& clock;
  ControllerMetrics* metrics = nullptr;  // optional
  // The Namespaces; null when they cannot be read.
  const kube::Store<NamespaceView>* namespaces = nullptr;
};

class Reconciler {
 public:
  Reconciler(ReconcilerDeps deps, ReconcilerOptions options);
  ReconcileResult reconcile(const std::string& key, const std::stop_token& stop);

  // Credentials issued and not yet written (for tests and metrics).
  size_t unwritten_credentials() const;

  // A new AWSIAMRole appeared in `ns` (the informer saw it added): a
  // namespace that refused writes while being deleted exists again.
  void namespace_may_accept_writes(std::string_view ns);

 private:
  // What failed on the way, for the Warning Event and the Ready condition.
  struct Failure {
    std::string_view event_reason;
    std::string event_message;
    std::string_view condition_reason;  // Ready=False reason
    std::string condition_message;
    std::string log_detail;  // the log line's text when it differs (request ids)
    util::Status error;
  };
  struct Unwritten {
    RoleRequest request;  // what they were issued for
    IssuedCredentials issued;
    absl::Time issued_at;
  };

  // What the caches hold for a key, and plan()'s decision on it.
  struct Decision {
    std::shared_ptr<const AwsIamRole> role;       // null when the AWSIAMRole does not exist
    std::shared_ptr<const ManagedSecret> secret;  // null when the Secret does not exist
    Plan plan;
  };
  Decision decide(const std::string& key);
  // The roles `ns` may use (null without namespace restrictions).
  std::shared_ptr<const NamespacePolicy> policy_for(std::string_view ns) const;
  ReconcileResult reconcile_role(const std::string& key, const std::stop_token& stop);
  ReconcileResult issue(const AwsIamRole& role, const ManagedSecret* secret, const Plan& plan,
                        const std::stop_token& stop);
  // Credentials for `request`: the ones issued earlier and not yet written if
  // they are still fresh, else new ones from STS.
  util::StatusOr<Unwritten> credentials_for(const AwsIamRole& role, const RoleRequest& request,
                                            absl::Time now, const std::stop_token& stop);
  enum class SecretWritten { kCreated, kUpdated };
  // Creates or updates the Secret (adopting an unlabelled one that holds
  // credentials, such as a seed Secret): which of the two, or the failure to
  // report (its Event's reason and message, its error).
  std::variant<SecretWritten, Failure> write_secret(const AwsIamRole& role,
                                                    const ManagedSecret* secret,
                                                    const kube::Object& desired,
                                                    const std::stop_token& stop);
  ReconcileResult repair_metadata(const AwsIamRole& role, const ManagedSecret& secret,
                                  const Plan& plan, const std::stop_token& stop);
  ReconcileResult delete_orphan(const ManagedSecret& secret, const Plan& plan,
                                const std::stop_token& stop);
  // The namespace may not use the role: no STS call; its Secret (if ours)
  // deleted; one Warning per distinct refusal; parked until something changes.
  ReconcileResult refuse(const AwsIamRole& role, const ManagedSecret* secret, const Plan& plan,
                         const std::stop_token& stop);
  // Tells the user (Warning, Ready=False) unless the failure is quiet, and
  // classifies it.
  ReconcileResult fail(const AwsIamRole& role, const Failure& failure, const std::stop_token& stop);
  void write_status(const AwsIamRole& role, const AwsIamRoleStatus& status,
                    const std::stop_token& stop);
  // A Warning Event on the AWSIAMRole, and a log line (with `log_detail`
  // instead of the message when given).
  void warn(const AwsIamRole& role, std::string_view reason, std::string_view message,
            std::string_view log_detail = {});

  // `ns` is being deleted, by the Namespace cache or a refused write.
  bool namespace_terminating(std::string_view ns) const;
  void remember_terminating(std::string_view ns);

  RoleRequest request_for(const AwsIamRole& role, const aws::RoleArn& arn) const;

  ReconcilerDeps deps_;
  const ReconcilerOptions options_;
  const kube::Resource roles_resource_ = awsiamroles_resource();
  const kube::Resource secrets_resource_ = kube::Resource::secrets();

  mutable util::Mutex mu_;
  std::map<std::string, Unwritten, std::less<>> unwritten_ ABSL_GUARDED_BY(mu_);
  // Namespaces that refused a write as "being terminated".
  std::set<std::string, std::less<>> terminating_ ABSL_GUARDED_BY(mu_);
};

}  // namespace controller
