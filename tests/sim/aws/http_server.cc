#include "tests/sim/aws/http_server.h"

#include <httplib.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "pkg/util/strings.h"

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

constexpr char kWarmUpPath[] = "/__aws_sim_warm_up";

// A request held in memory, for the warm-up below.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string input) : input_(std::move(input)) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, input_.size() - position_);
    std::memcpy(ptr, input_.data() + position_, n);
    position_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    output_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string input_;
  size_t position_ = 0;
  std::string output_;
};

}  // namespace

// cpp-httplib (a prebuilt library) initialises function-local statics (its
// request-line regex, ...) lazily on the first request. When that happens on
// a pool thread while another parses concurrently, ThreadSanitizer cannot see
// the library's inlined guard check and reports a race inside it. Running one
// request through the same parse/route/write path on the starting thread,
// before any pool thread exists, initialises them with a visible order.
class HttpServer::Engine final : public httplib::Server {
 public:
  void warm_up() {
    MemoryStream stream(
        "POST /__aws_sim_warm_up?a=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
        "Connection: close\r\n\r\nb=2");
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, [](httplib::Request&) {});
  }
};

HttpServer::HttpServer(std::unique_ptr<Engine> server, int port)
    : server_(std::move(server)), port_(port) {}

util::StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(const Options& options,
                                                              Handler handler) {
  auto server = std::make_unique<Engine>();
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
  server->set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path != kWarmUpPath) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 204;
    return httplib::Server::HandlerResponse::Handled;
  });
  server->warm_up();

  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
    if (port < 0) {
      return util::unavailable_error(util::cat("cannot bind ", options.host, " (any port)"));
    }
  } else if (!server->bind_to_port(options.host, port)) {
    return util::unavailable_error(util::cat("cannot bind ", options.host, ":", port));
  }
  std::unique_ptr<HttpServer> out(new HttpServer(std::move(server), port));
  HttpServer* self = out.get();
  out->listener_ = std::thread([self] {
    self->server_->listen_after_bind();
    self->listen_returned_.store(true);
  });
  // The socket is already listening (connections queue in its backlog); wait
  // until the accept loop runs so that stop() cannot miss it. A bounded wait
  // on a state change that follows thread start-up.
  while (!self->server_->is_running() && !self->listen_returned_.load()) {
    std::this_thread::yield();
  }
  if (self->listen_returned_.load()) {
    self->stop();
    return util::unavailable_error(util::cat("cannot listen on ", options.host, ":", port));
  }
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
