#include "tests/sim/aws/sts_cost_model.h"

#include <cmath>

namespace sim::aws {

StsCostModel StsCostModel::measured() {
  return {
      .latency = {.median = absl::Milliseconds(30), .p99 = absl::Milliseconds(90)},
      .account_rps = 500,
      .account_burst = 500,
  };
}

StsCostGate::StsCostGate(StsCostModel model, util::Clock& clock) : clock_(clock), model_(model) {}

void StsCostGate::set_model(StsCostModel model) {
  util::MutexLock lock(mu_);
  model_ = model;
  buckets_.clear();
}

StsCostModel StsCostGate::model() const {
  util::MutexLock lock(mu_);
  return model_;
}

absl::Duration StsCostGate::sample_latency() {
  util::MutexLock lock(mu_);
  return model_.latency.sample(random_);
}

bool StsCostGate::admit(const std::string& account) {
  util::MutexLock lock(mu_);
  if (model_.account_rps <= 0) return true;
  auto [it, created] = buckets_.try_emplace(account);
  if (created) {
    const double burst = model_.account_burst > 0 ? model_.account_burst : model_.account_rps;
    it->second = std::make_unique<util::TokenBucket>(model_.account_rps,
                                                     static_cast<int>(std::lround(burst)), clock_);
  }
  return it->second->try_take();
}

}  // namespace sim::aws
