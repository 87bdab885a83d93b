#include "pkg/http/connection.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>

#include "pkg/http/http1_wire.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"

namespace http::internal {
namespace {

std::string errno_text(int error) {
  return std::generic_category().message(error);
}

// Waits until `fd` is ready for `events`, the deadline passes, or a stop.
util::Status wait_for(int fd, short events, const Wait& wait) {  // NOLINT(google-runtime-int)
  pollfd fds[2] = {{.fd = fd, .events = events, .revents = 0},
                   {.fd = wait.stop_fd, .events = POLLIN, .revents = 0}};
  const nfds_t count = wait.stop_fd >= 0 ? 2 : 1;
  while (true) {
    const absl::Duration left = wait.deadline - wait.clock->monotonic_now();
    if (left <= absl::ZeroDuration()) return util::deadline_exceeded_error("timed out");
    const int64_t millis = absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1)));
    const int ready = ::poll(fds, count, static_cast<int>(std::min<int64_t>(millis, INT_MAX)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return util::unavailable_error(util::cat("connection lost (poll: ", errno_text(errno), ")"));
    }
    if (count == 2 && fds[1].revents != 0) return util::cancelled_error("cancelled");
    if (ready > 0 && fds[0].revents != 0) return util::Status();
  }
}

void set_socket_options(int fd) {
  const int one = 1;
  const int idle = 30;
  const int interval = 15;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
}

// A non-blocking socket connected to one of `host`'s addresses.
util::StatusOr<int> connect_tcp(const Route& route, const Wait& wait) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  // No AI_ADDRCONFIG: it refuses "127.0.0.1" or "::1" on a host whose only
  // address of that family is the loopback one.
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(route.host.c_str(), route.port.c_str(), &hints, &found);
      error != 0) {
    return util::unavailable_error(
        util::cat("could not resolve the host (", route.host, ": ", ::gai_strerror(error), ")"));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  util::Status last = util::unavailable_error("could not connect (no address)");
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address->ai_protocol);
    if (fd < 0) {
      last =
          util::unavailable_error(util::cat("could not connect (socket: ", errno_text(errno), ")"));
      continue;
    }
    int error = 0;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS) {
        const util::Status ready = wait_for(fd, POLLOUT, wait);
        if (!ready.ok()) {
          ::close(fd);
          return ready;  // timed out or cancelled: no time for the next address
        }
        socklen_t length = sizeof(error);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      }
    }
    if (error == 0) {
      set_socket_options(fd);
      return fd;
    }
    ::close(fd);
    last = util::unavailable_error(util::cat("could not connect (", errno_text(error), ")"));
  }
  return last;
}

// OpenSSL's socket BIO writes with write(2), which raises SIGPIPE (ending the
// process, which does not ignore it) when writing to a connection the server
// has reset once the reset was reported; this one sends with MSG_NOSIGNAL, as
// the plain-socket path does, and is otherwise OpenSSL's socket BIO.
int send_without_sigpipe(BIO* bio, const char* data, int size) {
  const ssize_t sent = ::send(static_cast<int>(BIO_get_fd(bio, nullptr)), data,
                              static_cast<size_t>(size), MSG_NOSIGNAL);
  BIO_clear_retry_flags(bio);
  if (sent < 0 && (errno == EAGAIN || errno == EINTR)) BIO_set_retry_write(bio);
  return static_cast<int>(sent);
}

const BIO_METHOD* socket_without_sigpipe() {
  static const BIO_METHOD* const kMethod = []() -> const BIO_METHOD* {
    const BIO_METHOD* socket = BIO_s_socket();
    BIO_METHOD* method = BIO_meth_new(
        BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR, "socket without SIGPIPE");
    if (method == nullptr) return method;
    BIO_meth_set_write(method, send_without_sigpipe);
    BIO_meth_set_read(method, BIO_meth_get_read(socket));
    BIO_meth_set_puts(method, BIO_meth_get_puts(socket));
    BIO_meth_set_ctrl(method, BIO_meth_get_ctrl(socket));
    BIO_meth_set_create(method, BIO_meth_get_create(socket));
    BIO_meth_set_destroy(method, BIO_meth_get_destroy(socket));
    return method;
  }();
  return kMethod;
}

bool is_ip_address(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// Drives an OpenSSL call on the non-blocking socket: waits while it wants to
// read or write. Returns its result (> 0) or an error.
template <typename Call>
util::StatusOr<int> drive(SSL* ssl, int fd, const Wait& wait, Call call) {
  while (true) {
    ERR_clear_error();
    errno = 0;
    const int result = call();
    if (result > 0) return result;
    const int error = SSL_get_error(ssl, result);
    if (error == SSL_ERROR_WANT_READ) {
      RETURN_IF_ERROR(wait_for(fd, POLLIN, wait));
    } else if (error == SSL_ERROR_WANT_WRITE) {
      RETURN_IF_ERROR(wait_for(fd, POLLOUT, wait));
    } else if (error == SSL_ERROR_ZERO_RETURN) {
      return 0;
    } else if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
      // The peer closed the connection without close_notify (or a reset).
      return util::unavailable_error(
          util::cat("connection lost (", errno != 0 ? errno_text(errno) : "closed", ")"));
    } else {
      return util::unavailable_error(
          util::cat("TLS error (", util::openssl::error_text("unknown"), ")"));
    }
  }
}

}  // namespace

util::StatusOr<std::unique_ptr<Waker>> Waker::create() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    return util::resource_exhausted_error(util::cat("eventfd: ", errno_text(errno)));
  }
  return std::unique_ptr<Waker>(new Waker(fd));
}

Waker::~Waker() {
  ::close(fd_);
}

void Waker::stop() const {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(fd_, &one, sizeof(one));
}

util::StatusOr<std::unique_ptr<Connection>> Connection::open(const Route& route, const Wait& wait) {
  ASSIGN_OR_RETURN(const int fd, connect_tcp(route, wait));
  std::unique_ptr<Connection> connection(new Connection(fd));
  if (!route.tunnel.empty()) RETURN_IF_ERROR(connection->tunnel(route, wait));
  if (route.tls != nullptr) RETURN_IF_ERROR(connection->handshake(route, wait));
  return connection;
}

Connection::~Connection() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ::close(fd_);
}

util::Status Connection::tunnel(const Route& route, const Wait& wait) {
  std::string request =
      util::cat("CONNECT ", route.tunnel, " HTTP/1.1\r\nHost: ", route.tunnel, "\r\n");
  if (!route.proxy_authorization.empty()) {
    request += util::cat("Proxy-Authorization: ", route.proxy_authorization, "\r\n");
  }
  request += "\r\n";
  const util::Status sent = write_all(request, wait);
  OPENSSL_cleanse(request.data(), request.size());
  RETURN_IF_ERROR(sent);
  // The proxy's answer: a head, and (for a refusal) perhaps a body we ignore.
  // Read byte-wise up to the head's end so nothing of the tunnel is consumed.
  std::string head;
  while (!head.ends_with("\r\n\r\n")) {
    char byte = 0;
    ASSIGN_OR_RETURN(const size_t got, read_some(&byte, 1, wait));
    if (got == 0) {
      return util::unavailable_error("the proxy refused the tunnel (connection closed)");
    }
    head.push_back(byte);
    if (head.size() > 16384)
      return util::unavailable_error("the proxy refused the tunnel (head too large)");
  }
  const std::string_view status_line = std::string_view(head).substr(0, head.find("\r\n"));
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[9] != '2') {
    return util::unavailable_error(util::cat("the proxy refused the tunnel (", status_line, ")"));
  }
  return util::Status();
}

util::Status Connection::handshake(const Route& route, const Wait& wait) {
  ssl_ = SSL_new(route.tls);
  const BIO_METHOD* method = socket_without_sigpipe();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (ssl_ == nullptr || bio == nullptr) {
    if (bio != nullptr) BIO_free(bio);
    return util::resource_exhausted_error(
        util::cat("TLS setup failed (", util::openssl::error_text("SSL_new"), ")"));
  }
  BIO_set_fd(bio, fd_, BIO_NOCLOSE);
  SSL_set_bio(ssl_, bio, bio);  // the SSL owns it
  if (is_ip_address(route.tls_name)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), route.tls_name.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, route.tls_name.c_str());
    SSL_set1_host(ssl_, route.tls_name.c_str());
  }
  const util::StatusOr<int> done = drive(ssl_, fd_, wait, [this] { return SSL_connect(ssl_); });
  if (done.ok() && *done > 0) return util::Status();
  const long verified = SSL_get_verify_result(ssl_);  // NOLINT(google-runtime-int)
  if (SSL_get_verify_mode(ssl_) != SSL_VERIFY_NONE && verified != X509_V_OK) {
    return util::unavailable_error(util::cat("the server certificate could not be verified (",
                                             X509_verify_cert_error_string(verified), ")"));
  }
  if (!done.ok() && (done.status().code() == util::StatusCode::kDeadlineExceeded ||
                     done.status().code() == util::StatusCode::kCancelled)) {
    return done.status();
  }
  return util::unavailable_error(util::cat(
      "TLS handshake failed (", done.ok() ? "closed by the server" : done.status().message(), ")"));
}

util::Status Connection::write_all(std::string_view data, const Wait& wait) {
  awaiting_answer_ = true;
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      ASSIGN_OR_RETURN(const int written, drive(ssl_, fd_, wait, [&] {
                         return SSL_write(ssl_, data.data(),
                                          static_cast<int>(std::min<size_t>(data.size(), INT_MAX)));
                       }));
      if (written == 0) return util::unavailable_error("connection lost (closed)");
      data.remove_prefix(static_cast<size_t>(written));
      continue;
    }
    const ssize_t written = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (written >= 0) {
      data.remove_prefix(static_cast<size_t>(written));
    } else if (errno == EAGAIN) {
      RETURN_IF_ERROR(wait_for(fd_, POLLOUT, wait));
    } else if (errno != EINTR) {
      return util::unavailable_error(util::cat("connection lost (", errno_text(errno), ")"));
    }
  }
  return util::Status();
}

util::StatusOr<size_t> Connection::read_some(char* buffer, size_t size, const Wait& wait) {
  // Right after a request nothing can have arrived yet: wait before reading
  // rather than read, be told to wait (EAGAIN), and wait.
  if (awaiting_answer_) {
    awaiting_answer_ = false;
    if (ssl_ == nullptr || SSL_pending(ssl_) == 0) RETURN_IF_ERROR(wait_for(fd_, POLLIN, wait));
  }
  if (ssl_ != nullptr) {
    ASSIGN_OR_RETURN(const int got, drive(ssl_, fd_, wait, [&] {
                       return SSL_read(ssl_, buffer,
                                       static_cast<int>(std::min<size_t>(size, INT_MAX)));
                     }));
    return static_cast<size_t>(got);
  }
  while (true) {
    const ssize_t got = ::recv(fd_, buffer, size, 0);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno == EAGAIN) {
      RETURN_IF_ERROR(wait_for(fd_, POLLIN, wait));
    } else if (errno != EINTR) {
      return util::unavailable_error(util::cat("connection lost (", errno_text(errno), ")"));
    }
  }
}

bool Connection::still_open() {
  pollfd fd{.fd = fd_, .events = POLLIN, .revents = 0};
  if (::poll(&fd, 1, 0) == 0) return true;  // nothing arrived while idle
  if (ssl_ == nullptr) return false;        // EOF, a reset, or bytes nobody asked for
  // TLS: a session ticket may arrive after the handshake; anything else
  // (close_notify, data, EOF) means the connection cannot carry a request.
  char byte = 0;
  ERR_clear_error();
  const int got = SSL_peek(ssl_, &byte, 1);
  return got <= 0 && SSL_get_error(ssl_, got) == SSL_ERROR_WANT_READ;
}

}  // namespace http::internal
