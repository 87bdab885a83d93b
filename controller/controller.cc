#include "controller/controller.h"

#include <absl/random/random.h>
#include <glog/logging.h>

#include <limits>
#include <thread>
#include <vector>

#include "pkg/kube/secret.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

kube::InformerOptions informer_options(const ControllerOptions& options,
                                       std::string label_selector) {
  kube::InformerOptions out;
  out.reflector.namespace_name = options.namespace_;
  out.reflector.label_selector = std::move(label_selector);
  out.resync = options.resync;
  return out;
}

std::optional<absl::Time> secret_expiry(const kube::Object& secret) {
  auto expire = kube::SecretView(secret).data(kExpireKey);
  if (!expire.ok()) return std::nullopt;
  auto t = util::parse_rfc3339(expire->reveal());
  return t.ok() ? std::optional<absl::Time>(*t) : std::nullopt;
}

}  // namespace

Controller::Controller(kube::RestClient& kube, CredentialSource& credentials,
                       kube::EventRecorder& events, util::Clock& clock,
                       ReconcilerOptions reconciler_options, ControllerOptions options,
                       ControllerMetrics* metrics)
    : options_(std::move(options)),
      clock_(clock),
      roles_(kube, awsiamroles_resource(), clock, informer_options(options_, "")),
      secrets_(kube, kube::Resource::secrets(), clock,
               informer_options(options_, util::cat(kHeritageLabel, "=", kHeritageValue, ",",
                                                    kTypeLabel, "=", kTypeValue))),
      queue_(clock, std::make_unique<kube::ExponentialFailureRateLimiter>(options_.retry_base,
                                                                          options_.retry_max)),
      reconciler_({.roles = roles_.store(),
                   .secrets = secrets_.store(),
                   .kube = kube,
                   .credentials = credentials,
                   .events = events,
                   .clock = clock,
                   .metrics = metrics},
                  std::move(reconciler_options)) {
  kube::EventHandlers handlers{
      .on_add = [this](const kube::ObjectPtr& object) { enqueue(object); },
      .on_update =
          [this](const kube::ObjectPtr& old_object, const kube::ObjectPtr& object) {
            if (old_object->resource_version() == object->resource_version()) {
              resync(object);
            } else {
              enqueue(object);
            }
          },
      .on_delete = [this](const kube::ObjectPtr& object, bool) { enqueue(object); }};
  secrets_.add_handlers(handlers);
  // Status-only changes of an AWSIAMRole are the controller's own writes:
  // reacting to them would undo the per-key backoff of a failing role.
  handlers.on_update = [this](const kube::ObjectPtr& old_object, const kube::ObjectPtr& object) {
    if (old_object->resource_version() == object->resource_version()) {
      resync(object);
    } else if (old_object->generation() != object->generation() ||
               old_object->labels() != object->labels() || object->deletion_timestamp()) {
      enqueue(object);
    }
  };
  roles_.add_handlers(handlers);
}

Controller::~Controller() {
  queue_.shut_down();
}

void Controller::enqueue(const kube::ObjectPtr& object) {
  queue_.add(object->key());
}

void Controller::resync(const kube::ObjectPtr& object) {
  // A failing key waits for its backoff; the periodic resync must not undo it.
  const std::string key = object->key();
  if (queue_.num_requeues(key) == 0) queue_.add(key);
}

void Controller::run_informers(const std::stop_token& stop) {
  std::jthread secrets([this, stop] { secrets_.run(stop); });
  roles_.run(stop);
}

void Controller::run_workers(const std::stop_token& stop) {
  if (!roles_.wait_for_sync(stop) || !secrets_.wait_for_sync(stop)) return;
  {
    util::MutexLock lock(first_pass_mu_);
    for (const kube::Store* store : {&roles_.store(), &secrets_.store()}) {
      for (std::string& key : store->keys())
        first_pass_pending_.insert(std::move(key));
    }
    for (const std::string& key : first_pass_pending_)
      queue_.add(key);
    if (first_pass_pending_.empty()) first_pass_done_.store(true, std::memory_order_release);
  }
  LOG(INFO) << "caches synced: " << roles_.store().size() << " AWSIAMRoles, "
            << secrets_.store().size() << " managed Secrets; starting " << options_.workers
            << " workers";
  // On stop, workers finish the key in hand and get() returns nothing more.
  std::stop_callback shut_down(stop, [this] { queue_.shut_down(); });
  std::vector<std::jthread> workers;
  workers.reserve(options_.workers);
  for (int i = 0; i < options_.workers; ++i) {
    workers.emplace_back([this, stop] { work(stop); });
  }
}

void Controller::work(const std::stop_token& stop) {
  while (std::optional<std::string> key = queue_.get()) {
    const Outcome outcome = reconciler_.reconcile(*key, stop);
    if (outcome.result == Result::kError) {
      VLOG(1) << "retrying " << *key << " after failure " << (queue_.num_requeues(*key) + 1) << ": "
              << outcome.error;
      queue_.add_rate_limited(*key);
    } else {
      queue_.forget(*key);
      if (outcome.refresh_at) schedule(*key, *outcome.refresh_at);
    }
    reconciled_once(*key);
    queue_.done(*key);
  }
}

void Controller::schedule(const std::string& key, absl::Time refresh_at) {
  thread_local absl::BitGen random;
  const absl::Duration delay = refresh_at - clock_.system_now();
  const absl::Duration jitter_window = std::min(delay / 20, options_.max_jitter);
  const absl::Duration jitter = jitter_window > absl::ZeroDuration()
                                    ? absl::Nanoseconds(absl::Uniform<int64_t>(
                                          random, 0, absl::ToInt64Nanoseconds(jitter_window)))
                                    : absl::ZeroDuration();
  queue_.add_after(key, delay - jitter);
}

void Controller::reconciled_once(const std::string& key) {
  if (first_pass_done_.load(std::memory_order_acquire)) return;
  util::MutexLock lock(first_pass_mu_);
  first_pass_pending_.erase(key);
  if (first_pass_pending_.empty()) {
    first_pass_done_.store(true, std::memory_order_release);
    LOG(INFO) << "first pass over all AWSIAMRoles done";
  }
}

void Controller::register_metrics(metrics::Registry& registry) {
  registry.callback_gauge("kube_aws_iam_controller_workqueue_depth",
                          "Keys waiting to be reconciled now.",
                          [this] { return static_cast<double>(queue_.len()); });
  registry.callback_gauge("kube_aws_iam_controller_managed_roles", "AWSIAMRoles in the cache.",
                          [this] { return static_cast<double>(roles_.store().size()); });
  registry.callback_gauge_vec("kube_aws_iam_controller_credentials_validity_seconds",
                              "Seconds until the credentials in each managed Secret expire.",
                              {"namespace", "name"}, [this] { return validity_seconds(); });
  registry.callback_gauge(
      "kube_aws_iam_controller_earliest_expiry_seconds",
      "Seconds until the earliest expiry among managed Secrets (+Inf when none).", [this] {
        double earliest = std::numeric_limits<double>::infinity();
        for (const auto& [labels, seconds] : validity_seconds()) {
          earliest = std::min(earliest, seconds);
        }
        return earliest;
      });
}

std::vector<std::pair<metrics::Labels, double>> Controller::validity_seconds() const {
  std::vector<std::pair<metrics::Labels, double>> out;
  const absl::Time now = clock_.system_now();
  for (const kube::ObjectPtr& secret : secrets_.store().list()) {
    if (auto expiry = secret_expiry(*secret)) {
      out.push_back({{std::string(secret->namespace_name()), std::string(secret->name())},
                     absl::ToDoubleSeconds(*expiry - now)});
    }
  }
  return out;
}

}  // namespace controller
