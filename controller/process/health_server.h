// The operator-facing HTTP endpoint on --metrics-address: /healthz (the
// process is alive), /readyz (caches synced and, when leading, the first pass
// done; 503 with the reason otherwise), /metrics (Prometheus text).
// Owns its listening thread; stop() or the destructor ends it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "controller/process/http_listener.h"
#include "pkg/metrics/registry.h"
#include "pkg/util/status.h"

namespace controller {

class HealthServer {
 public:
  // Returns "" when ready, else why not (shown in the 503 body).
  using ReadinessCheck = std::function<std::string()>;

  // Binds host:port (port 0: any free port) and starts serving.
  static util::StatusOr<std::unique_ptr<HealthServer>> start(const std::string& host, int port,
                                                             const metrics::Registry& registry,
                                                             ReadinessCheck ready);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  int port() const { return listener_->port(); }
  void stop();

 private:
  HealthServer() = default;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace controller
