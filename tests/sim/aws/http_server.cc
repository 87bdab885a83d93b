#include "tests/sim/aws/http_server.h"

#include <httplib.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "pkg/util/strings.h"
#include "tests/sim/common/httplib_listen.h"
#include "tests/sim/common/httplib_warm_up.h"

namespace sim::aws {
namespace {

SimRequest to_sim_request(const httplib::Request& req) {
  SimRequest out;
  out.method = req.method;
  // `target` is the request-target as sent (still percent-encoded).
  const size_t q = req.target.find('?');
  out.raw_path = req.target.substr(0, q);
  if (q != std::string::npos) out.raw_query = req.target.substr(q + 1);
  for (const auto& [name, value] : req.headers) {
    // cpp-httplib adds these for its own bookkeeping; they were never sent.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  out.body = req.body;
  return out;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

util::StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options,
                                                              Handler handler) {
  warm_up_httplib();
  auto server = std::make_unique<httplib::Server>();
  const size_t threads = options.threads;
  // cpp-httplib takes ownership of the raw TaskQueue pointer it is given.
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server->set_keep_alive_max_count(options.keep_alive_max_count);
  server->set_keep_alive_timeout(absl::ToInt64Seconds(options.keep_alive_timeout));
  server->set_payload_max_length(16 << 20);
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second
  // server share a busy port silently; a test world wants the bind to fail.
  // TCP_NODELAY (inherited by accepted sockets): without it a keep-alive
  // response written in two parts waits ~40 ms for the client's delayed ACK.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  auto shared = std::make_shared<Handler>(std::move(handler));
  auto route = [shared](const httplib::Request& req, httplib::Response& res) {
    SimResponse out = (*shared)(to_sim_request(req));
    res.status = out.status;
    for (auto& [name, value] : out.headers)
      res.set_header(name, value);
    res.set_content(std::move(out.body), out.content_type);
  };
  const std::string any = ".*";
  server->Get(any, route);
  server->Post(any, route);
  server->Put(any, route);
  server->Delete(any, route);
  server->Patch(any, route);
  server->Options(any, route);

  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
    if (port < 0) {
      return util::unavailable_error(util::cat("cannot bind ", options.host, " (any port)"));
    }
  } else if (!server->bind_to_port(options.host, port)) {
    return util::unavailable_error(util::cat("cannot bind ", options.host, ":", port));
  }
  // The socket is already listening (connections queue in its backlog).
  std::optional<std::thread> listener = listen_in_background(*server);
  if (!listener) {
    return util::unavailable_error(util::cat("cannot listen on ", options.host, ":", port));
  }
  std::unique_ptr<HttpServer> out(new HttpServer(std::move(server), port));
  out->listener_ = *std::move(listener);
  return out;
}

void HttpServer::stop() {
  if (stopped_.exchange(true)) return;
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

HttpServer::~HttpServer() {
  stop();
}

}  // namespace sim::aws
