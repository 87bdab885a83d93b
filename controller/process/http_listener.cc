#include "controller/process/http_listener.h"

#include <httplib.h>
#include <sys/socket.h>

#include "pkg/util/strings.h"

namespace controller {

void HttpListener::configure(httplib::Server& server, size_t threads) {
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server.set_tcp_nodelay(true);
  server.new_task_queue = [threads] {
    // httplib takes ownership of the queue it is handed.
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory)
    return new httplib::ThreadPool(threads);
  };
}

util::StatusOr<std::unique_ptr<HttpListener>> HttpListener::start(
    std::unique_ptr<httplib::Server> server, const std::string& host, int port,
    std::string_view what) {
  const std::string address = host.empty() ? "0.0.0.0" : host;
  const int bound = port == 0 ? server->bind_to_any_port(address)
                              : (server->bind_to_port(address, port) ? port : -1);
  if (bound < 0) {
    return util::unavailable_error(
        util::cat("cannot listen on ", address, ":", port, " for ", what));
  }
  std::unique_ptr<HttpListener> self(new HttpListener());
  self->port_ = bound;
  self->server_ = std::move(server);
  httplib::Server& serving = *self->server_;
  self->thread_ = std::thread([&serving] { serving.listen_after_bind(); });
  // stop() is a no-op until the loop is running; wait so it always ends it.
  while (!serving.is_running())
    std::this_thread::yield();
  return self;
}

void HttpListener::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpListener::~HttpListener() {
  stop();
}

}  // namespace controller
