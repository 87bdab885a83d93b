#include "pkg/http/connection_pool.h"

#include <utility>

#include "pkg/util/strings.h"

namespace http::internal {

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      origin_(std::move(other.origin_)),
      connection_(std::move(other.connection_)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(origin_, std::move(connection_));
}

ConnectionPool::ConnectionPool(size_t max_per_origin, util::Clock& clock)
    : max_per_origin_(max_per_origin), clock_(clock) {}

util::StatusOr<ConnectionPool::Lease> ConnectionPool::acquire(const std::string& origin,
                                                              util::MonotonicTime deadline,
                                                              const std::stop_token& stop) {
  // Wakes the wait below on stop; takes mu_ so the wake cannot fall between
  // the check of stop and the wait.
  std::stop_callback on_stop(stop, [this] {
    util::MutexLock lock(mu_);
    freed_.notify_all();
  });
  util::MutexLock lock(mu_);
  while (true) {
    if (stop.stop_requested()) return util::cancelled_error("cancelled");
    Origin& state = origins_[origin];
    if (state.on_loan < max_per_origin_) {
      ++state.on_loan;
      std::unique_ptr<Connection> connection;
      if (!state.idle.empty()) {
        connection = std::move(state.idle.back());
        state.idle.pop_back();
      }
      return Lease(this, origin, std::move(connection));
    }
    if (clock_.wait_until(freed_, mu_, deadline) && clock_.monotonic_now() >= deadline) {
      return util::deadline_exceeded_error(
          util::cat("all ", max_per_origin_, " connections are busy"));
    }
  }
}

void ConnectionPool::release(const std::string& origin, std::unique_ptr<Connection> connection) {
  std::unique_ptr<Connection> surplus;  // closed outside the lock
  util::MutexLock lock(mu_);
  Origin& state = origins_[origin];
  --state.on_loan;
  if (connection != nullptr) {
    if (state.idle.size() < max_per_origin_) {
      state.idle.push_back(std::move(connection));
    } else {
      surplus = std::move(connection);
    }
  }
  freed_.notify_all();
}

}  // namespace http::internal
