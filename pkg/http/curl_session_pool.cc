#include "pkg/http/curl_session_pool.h"

#include <utility>

#include "pkg/util/strings.h"

namespace http::internal {

util::StatusOr<std::unique_ptr<CurlSession>> CurlSession::create() {
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  if (easy == nullptr || multi == nullptr) {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (multi != nullptr) curl_multi_cleanup(multi);
    return util::resource_exhausted_error("libcurl could not allocate a handle");
  }
  return std::unique_ptr<CurlSession>(new CurlSession(easy, multi));
}

CurlSession::~CurlSession() {
  // The easy handle is never left attached to the multi handle (see
  // CurlTransport), so the order does not matter; the multi handle closes the
  // cached connections.
  curl_easy_cleanup(easy_);
  curl_multi_cleanup(multi_);
}

CurlSessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      origin_(std::move(other.origin_)),
      session_(std::move(other.session_)) {}

CurlSessionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(origin_, std::move(session_));
}

CurlSessionPool::CurlSessionPool(size_t max_per_origin, util::Clock& clock)
    : max_per_origin_(max_per_origin), clock_(clock) {}

util::StatusOr<CurlSessionPool::Lease> CurlSessionPool::acquire(const std::string& origin,
                                                                util::MonotonicTime deadline,
                                                                const std::stop_token& stop) {
  // Wakes the wait below on stop; takes mu_ so the wake cannot fall between
  // the check of stop and the wait.
  std::stop_callback on_stop(stop, [this] {
    util::MutexLock lock(mu_);
    freed_.notify_all();
  });
  std::unique_ptr<CurlSession> session;
  {
    util::MutexLock lock(mu_);
    while (true) {
      if (stop.stop_requested()) return util::cancelled_error("cancelled");
      Origin& state = origins_[origin];
      if (state.on_loan < max_per_origin_) {
        ++state.on_loan;
        if (!state.idle.empty()) {
          session = std::move(state.idle.back());
          state.idle.pop_back();
        }
        break;
      }
      if (clock_.wait_until(freed_, mu_, deadline) && clock_.monotonic_now() >= deadline) {
        return util::deadline_exceeded_error(
            util::cat("all ", max_per_origin_, " connections are busy"));
      }
    }
  }
  if (session == nullptr) {
    util::StatusOr<std::unique_ptr<CurlSession>> created = CurlSession::create();
    if (!created.ok()) {
      release(origin, nullptr);
      return created.status();
    }
    session = std::move(created).value();
  }
  return Lease(this, origin, std::move(session));
}

void CurlSessionPool::release(const std::string& origin, std::unique_ptr<CurlSession> session) {
  std::unique_ptr<CurlSession> surplus;  // closed outside the lock
  {
    util::MutexLock lock(mu_);
    Origin& state = origins_[origin];
    --state.on_loan;
    if (session != nullptr) {
      if (state.idle.size() < max_per_origin_) {
        state.idle.push_back(std::move(session));
      } else {
        surplus = std::move(session);
      }
    }
    freed_.notify_all();
  }
}

}  // namespace http::internal
