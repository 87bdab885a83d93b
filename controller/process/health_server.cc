#include "controller/process/health_server.h"

#include <httplib.h>

namespace controller {

util::StatusOr<std::unique_ptr<HealthServer>> HealthServer::start(const std::string& host, int port,
                                                                  const metrics::Registry& registry,
                                                                  ReadinessCheck ready) {
  auto server = std::make_unique<httplib::Server>();
  HttpListener::configure(*server, 2);
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server->Get("/readyz",
              [ready = std::move(ready)](const httplib::Request&, httplib::Response& res) {
                const std::string reason = ready();
                if (reason.empty()) {
                  res.set_content("ok\n", "text/plain");
                } else {
                  res.status = 503;
                  res.set_content(reason + "\n", "text/plain");
                }
              });
  server->Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  std::unique_ptr<HealthServer> self(new HealthServer());
  ASSIGN_OR_RETURN(self->listener_, HttpListener::start(std::move(server), host, port,
                                                        "/healthz, /readyz, /metrics"));
  return self;
}

void HealthServer::stop() {
  if (listener_) listener_->stop();
}

HealthServer::~HealthServer() {
  stop();
}

}  // namespace controller
