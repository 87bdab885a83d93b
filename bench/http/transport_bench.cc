// What one request over a kept-alive connection costs the caller's thread in
// Http1Transport (cpu_time is that thread's CPU: building the request, the
// transfer, reading the response; the server's work is on its own thread),
// against a loopback server that answers as kube-apiserver answers a Secret
// create. The controller makes four such requests per issued role.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "pkg/http/http1_transport.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// kube-apiserver's answer to a Secret create: its headers and a real body.
std::string apiserver_response() {
  const std::string body = read_file(KAIC_TEST_DATA_DIR "/k8s-wire-samples/secret-create-201.json");
  return "HTTP/1.1 201 Created\r\n"
         "Audit-Id: 5b0e6a4e-9a8c-4d0e-8f34-2f1c2f0b7c11\r\n"
         "Cache-Control: no-cache, private\r\n"
         "Content-Type: application/json\r\n"
         "X-Kubernetes-Pf-Flowschema-Uid: 0c5f2b9e-3d6a-4e1f-9b7c-8a2d4e6f1a3b\r\n"
         "X-Kubernetes-Pf-Prioritylevel-Uid: 7e9d1c3b-5a4f-4b2e-8c6d-1f3a5b7c9e2d\r\n"
         "Date: Mon, 07 Dec 2026 08:00:00 GMT\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Answers every request on one kept-alive loopback connection with `response`
// (a request is its header block plus its Content-Length body).
class LoopbackServer {
 public:
  explicit LoopbackServer(std::string response) : response_(std::move(response)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(addr);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0 ||
        ::listen(listen_fd_, 4) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      std::abort();
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LoopbackServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    if (const int fd = connection_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void serve() {
    while (!stopping_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      connection_fd_ = fd;
      serve_connection(fd);
      connection_fd_ = -1;
      ::close(fd);
    }
  }

  void serve_connection(int fd) {
    std::string in;
    char buffer[16384];
    while (true) {
      const size_t head_end = in.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t body = 0;
        if (const size_t at = in.find("Content-Length: ");
            at != std::string::npos && at < head_end) {
          body = std::strtoul(in.c_str() + at + 16, nullptr, 10);
        }
        if (in.size() >= head_end + 4 + body) {
          in.erase(0, head_end + 4 + body);
          if (::send(fd, response_.data(), response_.size(), MSG_NOSIGNAL) < 0) return;
          continue;
        }
      }
      const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
      if (got <= 0) return;
      in.append(buffer, static_cast<size_t>(got));
    }
  }

  const std::string response_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connection_fd_{-1};
  std::thread thread_;
};

std::unique_ptr<http::Http1Transport> transport() {
  auto created = http::Http1Transport::create({});
  if (!created.ok()) std::abort();
  return std::move(*created);
}

// A Secret create as the controller sends it: bearer token, JSON body.
http::Request secret_create(const LoopbackServer& server) {
  http::Request request;
  request.method = http::Method::kPost;
  request.url =
      server.url("/api/v1/namespaces/team-a/secrets?fieldManager=kube-aws-iam-controller");
  request.headers = {{"Authorization", "Bearer " + std::string(900, 't')},
                     {"Accept", "application/json"},
                     {"Content-Type", "application/json"}};
  request.body = read_file(KAIC_TEST_DATA_DIR "/k8s-wire-samples/secret-create-201.json");
  return request;
}

void bm_send_kept_alive(benchmark::State& state) {
  const LoopbackServer server(apiserver_response());
  const auto client = transport();
  const http::Request request = secret_create(server);
  for (auto _ : state) {
    auto response = client->send(request);
    if (!response.ok() || response->status != 201) {
      state.SkipWithError("request failed");
      break;
    }
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(bm_send_kept_alive);

}  // namespace
