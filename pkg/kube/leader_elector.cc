#include "pkg/kube/leader_elector.h"

#include <thread>

#include "absl/random/distributions.h"
#include "pkg/kube/api_error.h"

namespace kube {
namespace {
constexpr double kJitterFactor = 1.2;  // client-go: waits are retry × [1, 2.2)
}  // namespace

util::StatusOr<std::unique_ptr<LeaderElector>> LeaderElector::create(LeaderElectionConfig config,
                                                                     RestClient& client,
                                                                     util::Clock& clock) {
  RETURN_IF_ERROR(validate(config));
  return std::unique_ptr<LeaderElector>(new LeaderElector(std::move(config), client, clock));
}

LeaderElector::LeaderElector(LeaderElectionConfig config, RestClient& client, util::Clock& clock)
    : config_(std::move(config)), client_(client), clock_(clock) {}

std::string LeaderElector::leader() const {
  util::MutexLock lock(mu_);
  return leader_;
}

void LeaderElector::observe(const LeaseRecord& record, util::MonotonicTime now) {
  if (!observed_.has_value() || *observed_ != record) {
    observed_ = record;
    observed_changed_at_ = now;
  }
  {
    util::MutexLock lock(mu_);
    leader_ = record.holder_identity;
  }
  if (record.holder_identity != reported_leader_) {
    reported_leader_ = record.holder_identity;
    if (config_.callbacks.on_new_leader && !reported_leader_.empty()) {
      config_.callbacks.on_new_leader(reported_leader_);
    }
  }
}

bool LeaderElector::try_acquire_or_renew(std::stop_token stop) {
  struct Count {
    std::atomic<int64_t>& n;
    ~Count() { n.fetch_add(1, std::memory_order_acq_rel); }
  } count{attempts_};

  if (renew_what_we_wrote(stop)) return true;

  GetOptions get_options;
  get_options.stop = stop;
  auto current = client_.get(leases_, config_.lease_namespace, config_.lease_name, get_options);
  const util::MonotonicTime now = clock_.monotonic_now();
  const absl::Time wall_now = clock_.system_now();
  if (!current.ok()) {
    if (!is_not_found(current.status())) return false;  // unknown state: change nothing
    const LeaderDecision decision = decide(std::nullopt, now, now, wall_now, config_);
    WriteOptions write_options;
    write_options.stop = stop;
    auto created = client_.create(
        leases_, make_lease(config_.lease_namespace, config_.lease_name, decision.record),
        write_options);
    if (!created.ok()) return false;  // AlreadyExists: another candidate was first
    last_lease_ = std::move(created).value();
    observe(decision.record, now);
    return true;
  }
  const LeaseRecord record = read_lease_record(*current);
  observe(record, now);
  last_lease_ = std::move(current).value();
  return update_as_decided(now, wall_now, stop);
}

bool LeaderElector::renew_what_we_wrote(const std::stop_token& stop) {
  if (!leading_.load(std::memory_order_acquire) || !last_lease_.has_value()) return false;
  const util::MonotonicTime now = clock_.monotonic_now();
  if (now - observed_changed_at_ >= config_.lease_duration) return false;  // may be taken
  return update_as_decided(now, clock_.system_now(), stop);
}

bool LeaderElector::update_as_decided(util::MonotonicTime now, absl::Time wall_now,
                                      const std::stop_token& stop) {
  const LeaderDecision decision = decide(observed_, observed_changed_at_, now, wall_now, config_);
  if (decision.action == LeaderAction::kFollow) return false;
  Object next = *last_lease_;  // keeps metadata.resourceVersion: a conditional update
  write_lease_record(next, decision.record);
  WriteOptions write_options;
  write_options.stop = stop;
  auto updated = client_.update(leases_, next, write_options);
  if (!updated.ok()) return false;  // 409: written since (another candidate won the race)
  last_lease_ = std::move(updated).value();
  observe(decision.record, now);
  return true;
}

void LeaderElector::release() {
  if (!last_lease_.has_value()) return;
  const LeaseRecord current = read_lease_record(*last_lease_);
  if (current.holder_identity != config_.identity) return;
  Object next = *last_lease_;
  write_lease_record(next, released_record(current, clock_.system_now()));
  // A stale resourceVersion (409) means someone else has it already: fine.
  auto released = client_.update(leases_, next);
  if (released.ok()) observe(read_lease_record(*released), clock_.monotonic_now());
}

void LeaderElector::lead(std::stop_token stop) {
  leading_.store(true, std::memory_order_release);
  std::jthread work;
  if (config_.callbacks.on_started_leading) {
    work = std::jthread(
        [cb = config_.callbacks.on_started_leading](std::stop_token s) { cb(std::move(s)); });
  }
  util::MonotonicTime last_renew = clock_.monotonic_now();
  while (util::sleep_for(clock_, config_.retry_period, stop)) {
    if (try_acquire_or_renew(stop)) {
      last_renew = clock_.monotonic_now();
      continue;
    }
    if (stop.stop_requested()) break;
    const bool taken = observed_.has_value() && !observed_->holder_identity.empty() &&
                       observed_->holder_identity != config_.identity;
    if (taken || clock_.monotonic_now() - last_renew >= config_.renew_deadline) break;
  }
  // Stop the leader's work before anyone else can start it: stop, wait, then
  // let go of the Lease.
  leading_.store(false, std::memory_order_release);
  work.request_stop();
  if (work.joinable()) work.join();
  if (stop.stop_requested() && config_.release_on_cancel) release();
  if (config_.callbacks.on_stopped_leading) config_.callbacks.on_stopped_leading();
}

void LeaderElector::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    if (try_acquire_or_renew(stop)) {
      lead(stop);
      return;
    }
    const absl::Duration wait =
        config_.retry_period * absl::Uniform(rng_, 1.0, 1.0 + kJitterFactor);
    if (!util::sleep_for(clock_, wait, stop)) return;
  }
}

}  // namespace kube
