#include "controller/process/health_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <thread>

#include "pkg/util/strings.h"

namespace controller {

util::StatusOr<std::unique_ptr<HealthServer>> HealthServer::start(const std::string& host, int port,
                                                                  const metrics::Registry& registry,
                                                                  ReadinessCheck ready) {
  std::unique_ptr<HealthServer> self(new HealthServer());
  self->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *self->server_;
  // httplib takes ownership of the queue it is handed.
  // httplib's default sets SO_REUSEPORT, which would let a second replica on
  // the same host network silently share :8080 and answer the other's probes.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.new_task_queue = [] {
    return new httplib::ThreadPool(2);
  };  // NOLINT(cppcoreguidelines-owning-memory)
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server.Get("/readyz",
             [ready = std::move(ready)](const httplib::Request&, httplib::Response& res) {
               const std::string reason = ready();
               if (reason.empty()) {
                 res.set_content("ok\n", "text/plain");
               } else {
                 res.status = 503;
                 res.set_content(reason + "\n", "text/plain");
               }
             });
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  const int bound =
      port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    return util::unavailable_error(
        util::cat("cannot listen on ", host, ":", port, " for /healthz, /readyz, /metrics"));
  }
  self->port_ = bound;
  self->thread_ = std::thread([&server] { server.listen_after_bind(); });
  // stop() is a no-op until the loop is running; wait so it always ends it.
  while (!server.is_running())
    std::this_thread::yield();
  return self;
}

void HealthServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HealthServer::~HealthServer() {
  stop();
}

}  // namespace controller
