// Internal to CurlTransport: libcurl handles kept between requests so that
// connections are reused (keep-alive), and the per-origin connection limit.
//
// A CurlSession is one easy handle driven through its own multi handle; the
// multi handle holds the connection cache, so a session used again for the
// same origin reuses its open connection. A session serves one transfer at a
// time. The pool hands each origin ("https://host:port") at most `max_per_origin`
// sessions at once and keeps up to that many idle ones.
//
// Thread-safe. Waiting for a free session is bounded by a deadline on the given
// clock and by a stop_token.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace http::internal {

class CurlSession {
 public:
  // Errors: kResourceExhausted when libcurl cannot allocate the handles.
  static util::StatusOr<std::unique_ptr<CurlSession>> create();
  ~CurlSession();
  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  CURL* easy() const { return easy_; }
  CURLM* multi() const { return multi_; }

 private:
  CurlSession(CURL* easy, CURLM* multi) : easy_(easy), multi_(multi) {}
  CURL* const easy_;
  CURLM* const multi_;
};

class CurlSessionPool {
 public:
  // A session on loan; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    CurlSession& operator*() const { return *session_; }
    CurlSession* operator->() const { return session_.get(); }

   private:
    friend class CurlSessionPool;
    Lease(CurlSessionPool* pool, std::string origin, std::unique_ptr<CurlSession> session)
        : pool_(pool), origin_(std::move(origin)), session_(std::move(session)) {}
    CurlSessionPool* pool_;
    std::string origin_;
    std::unique_ptr<CurlSession> session_;
  };

  CurlSessionPool(size_t max_per_origin, util::Clock& clock);
  CurlSessionPool(const CurlSessionPool&) = delete;
  CurlSessionPool& operator=(const CurlSessionPool&) = delete;

  // Takes an idle session for `origin` (or makes one) once fewer than
  // max_per_origin are on loan. Errors: kDeadlineExceeded when none frees up by
  // `deadline`, kCancelled when `stop` is requested, kResourceExhausted.
  util::StatusOr<Lease> acquire(const std::string& origin, util::MonotonicTime deadline,
                                const std::stop_token& stop);

 private:
  struct Origin {
    size_t on_loan = 0;
    std::vector<std::unique_ptr<CurlSession>> idle;
  };
  void release(const std::string& origin, std::unique_ptr<CurlSession> session);

  const size_t max_per_origin_;
  util::Clock& clock_;
  util::Mutex mu_;
  util::CondVar freed_;
  std::map<std::string, Origin, std::less<>> origins_ ABSL_GUARDED_BY(mu_);
};

}  // namespace http::internal
