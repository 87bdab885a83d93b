#include "tests/unit/http/test_servers.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <system_error>

#include "pkg/util/strings.h"
#include "tests/sim/common/httplib_listen.h"
#include "tests/sim/common/httplib_warm_up.h"

namespace http::test {
namespace {

[[noreturn]] void die(std::string_view what) {
  std::cerr << "test server: " << what << ": " << std::system_category().message(errno) << "\n";
  std::abort();
}

// A TCP socket bound to 127.0.0.1 on a port the OS picks; returns the port.
int bind_loopback(int fd) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) die("bind");
  socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) die("getsockname");
  return ntohs(address.sin_port);
}

}  // namespace

// ---- Event ----

void Event::notify() {
  util::MutexLock lock(mu_);
  notified_ = true;
  cv_.notify_all();
}

bool Event::wait(absl::Duration timeout) const {
  const util::MonotonicTime deadline = clock_.monotonic_now() + timeout;
  util::MutexLock lock(mu_);
  while (!notified_) {
    if (clock_.wait_until(cv_, mu_, deadline)) return notified_;
  }
  return true;
}

bool Event::notified() const {
  util::MutexLock lock(mu_);
  return notified_;
}

// ---- HttpServer ----

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server, bool tls)
    : server_(server ? std::move(server) : std::make_unique<httplib::Server>()), tls_(tls) {
  sim::warm_up_httplib();  // before any pool thread: see the header
  // httplib takes ownership of the raw pointer. Enough workers that kept-alive
  // idle connections never starve new ones.
  server_->new_task_queue = [] {
    return new httplib::ThreadPool(32);  // NOLINT(cppcoreguidelines-owning-memory)
  };
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);  // no 40 ms Nagle/delayed-ACK stalls between requests
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) die("httplib bind_to_any_port");
  // The socket already listens: clients may connect before the loop runs.
  std::optional<std::thread> listener = sim::listen_in_background(*server_);
  if (!listener) die("httplib listen_after_bind");
  thread_ = *std::move(listener);
}

void HttpServer::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string HttpServer::url(std::string_view path) const {
  return util::cat(tls_ ? "https" : "http", "://127.0.0.1:", port_, path);
}

// ---- LoopbackAcceptor ----

LoopbackAcceptor::LoopbackAcceptor(std::function<void(int fd)> serve) : serve_(std::move(serve)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) die("socket");
  port_ = bind_loopback(listen_fd_);
  if (::listen(listen_fd_, 16) != 0) die("listen");
  thread_ = std::thread([this] { run(); });
}

LoopbackAcceptor::~LoopbackAcceptor() {
  {
    util::MutexLock lock(mu_);
    stopping_ = true;
    if (connection_fd_ >= 0) ::shutdown(connection_fd_, SHUT_RDWR);  // recv() returns
  }
  ::shutdown(listen_fd_, SHUT_RDWR);  // accept() returns
  thread_.join();
  ::close(listen_fd_);
}

void LoopbackAcceptor::run() {
  while (true) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    {
      util::MutexLock lock(mu_);
      if (stopping_) {
        ::close(fd);
        return;
      }
      connection_fd_ = fd;
    }
    serve_(fd);
    util::MutexLock lock(mu_);
    connection_fd_ = -1;  // closed under the lock: the destructor never shuts a reused fd
    ::close(fd);
  }
}

// ---- RawServer ----

RawServer::RawServer(std::string response)
    : response_(std::move(response)), acceptor_([this](int fd) { serve_connection(fd); }) {}

std::string RawServer::url(std::string_view path) const {
  return util::cat("http://127.0.0.1:", port(), path);
}

std::vector<std::string> RawServer::requests() const {
  util::MutexLock lock(mu_);
  return requests_;
}

void RawServer::serve_connection(int fd) {
  std::string buffer;
  char chunk[4096];
  while (true) {
    // Read a header block, then Content-Length bytes of body.
    size_t end = std::string::npos;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    size_t body_length = 0;
    for (std::string_view line : util::split(std::string_view(buffer).substr(0, end), '\n')) {
      line = util::trim(line);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos &&
          util::equals_ignore_case(line.substr(0, colon), "content-length")) {
        body_length = std::stoul(std::string(util::trim(line.substr(colon + 1))));
      }
    }
    const size_t total = end + 4 + body_length;
    while (buffer.size() < total) {
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    {
      util::MutexLock lock(mu_);
      requests_.push_back(buffer.substr(0, total));
    }
    buffer.erase(0, total);
    if (::send(fd, response_.data(), response_.size(), MSG_NOSIGNAL) < 0) return;
  }
}

// ---- TunnelProxy ----

TunnelProxy::TunnelProxy(bool refuse)
    : refuse_(refuse), acceptor_([this](int fd) { tunnel(fd); }) {}

std::vector<std::string> TunnelProxy::requests() const {
  util::MutexLock lock(mu_);
  return requests_;
}

namespace {

// Copies bytes both ways until either side closes (or is shut down).
void pump(int a, int b) {
  pollfd fds[2] = {{.fd = a, .events = POLLIN, .revents = 0},
                   {.fd = b, .events = POLLIN, .revents = 0}};
  char buffer[16384];
  while (::poll(fds, 2, -1) > 0) {
    for (int from = 0; from < 2; ++from) {
      if (fds[from].revents == 0) continue;
      const ssize_t n = ::recv(fds[from].fd, buffer, sizeof(buffer), 0);
      if (n <= 0 || ::send(fds[1 - from].fd, buffer, static_cast<size_t>(n), MSG_NOSIGNAL) < 0) {
        return;
      }
    }
  }
}

}  // namespace

void TunnelProxy::tunnel(int client) {
  std::string head;
  char byte = 0;
  while (!head.ends_with("\r\n\r\n")) {
    if (::recv(client, &byte, 1, 0) != 1) return;
    head.push_back(byte);
  }
  {
    util::MutexLock lock(mu_);
    requests_.push_back(head);
  }
  // "CONNECT 127.0.0.1:port HTTP/1.1"
  const std::string line = head.substr(0, head.find('\r'));
  const std::vector<std::string_view> words = util::split(line, ' ');
  const size_t colon = words.size() == 3 ? words[1].rfind(':') : std::string_view::npos;
  if (refuse_ || words[0] != "CONNECT" || colon == std::string_view::npos) {
    const std::string_view no =
        "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n";
    ::send(client, no.data(), no.size(), MSG_NOSIGNAL);
    return;
  }
  const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port =
      htons(static_cast<uint16_t>(std::stoi(std::string(words[1].substr(colon + 1)))));
  const std::string_view yes = "HTTP/1.1 200 Connection established\r\n\r\n";
  if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::send(client, yes.data(), yes.size(), MSG_NOSIGNAL) >= 0) {
    pump(client, server);
  }
  ::close(server);
}

// ---- HangingUpTlsServer ----

namespace {

SSL_CTX* server_context(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr || SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    die("TLS server context");
  }
  return ctx;
}

}  // namespace

HangingUpTlsServer::HangingUpTlsServer(const std::string& cert_file, const std::string& key_file)
    : ctx_(server_context(cert_file, key_file)), acceptor_([this](int fd) { hang_up(fd); }) {}

HangingUpTlsServer::~HangingUpTlsServer() {
  SSL_CTX_free(ctx_);
}

void HangingUpTlsServer::hang_up(int fd) {
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    char some[1024];
    SSL_read(ssl, some, sizeof(some));
  }
  SSL_free(ssl);
}

std::string HangingUpTlsServer::url(std::string_view path) const {
  return util::cat("https://127.0.0.1:", acceptor_.port(), path);
}

// ---- RefusingPort ----

RefusingPort::RefusingPort() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) die("socket");
  port_ = bind_loopback(fd_);
}

RefusingPort::~RefusingPort() {
  ::close(fd_);
}

std::unique_ptr<Http1Transport> make_transport(Http1TransportOptions options) {
  util::StatusOr<std::unique_ptr<Http1Transport>> transport =
      Http1Transport::create(std::move(options));
  EXPECT_TRUE(transport.ok()) << transport.status();
  return transport.ok() ? std::move(transport).value() : nullptr;
}

}  // namespace http::test
