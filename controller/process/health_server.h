// The operator-facing HTTP endpoint on --metrics-address: /healthz (the
// process is alive), /readyz (caches synced and, when leading, the first pass
// done; 503 with the reason otherwise), /metrics (Prometheus text).
// Owns its listening thread; stop() or the destructor ends it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "pkg/metrics/registry.h"
#include "pkg/util/status.h"

namespace httplib {
class Server;
}

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

  int port() const { return port_; }
  void stop();

 private:
  HealthServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace controller
