// Internal to Http1Transport: kept-alive connections between requests, and
// the per-origin connection limit.
//
// The pool hands each origin ("https://host:port") at most `max_per_origin`
// leases at once and keeps up to that many idle connections. A lease may
// carry an idle connection to reuse; what the lease holds when it is
// destroyed goes back to the pool as idle (so a request puts its connection
// back only when the connection can carry the next one).
//
// Thread-safe. Waiting for a free lease is bounded by a deadline on the given
// clock and by a stop_token.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "pkg/http/connection.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/status.h"

namespace http::internal {

class ConnectionPool {
 public:
  // A slot on loan, with the connection it uses (none yet, an idle one, or
  // one it opened); puts the connection back when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    std::unique_ptr<Connection>& connection() { return connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::string origin, std::unique_ptr<Connection> connection)
        : pool_(pool), origin_(std::move(origin)), connection_(std::move(connection)) {}
    ConnectionPool* pool_;
    std::string origin_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(size_t max_per_origin, util::Clock& clock);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A slot for `origin` once fewer than max_per_origin are on loan, with the
  // most recently used idle connection if there is one. Errors:
  // kDeadlineExceeded when none frees up by `deadline`, kCancelled when
  // `stop` is requested.
  util::StatusOr<Lease> acquire(const std::string& origin, util::MonotonicTime deadline,
                                const std::stop_token& stop);

 private:
  struct Origin {
    size_t on_loan = 0;
    std::vector<std::unique_ptr<Connection>> idle;
  };
  void release(const std::string& origin, std::unique_ptr<Connection> connection);

  const size_t max_per_origin_;
  util::Clock& clock_;
  util::Mutex mu_;
  util::CondVar freed_;
  std::map<std::string, Origin, std::less<>> origins_ ABSL_GUARDED_BY(mu_);
};

}  // namespace http::internal
