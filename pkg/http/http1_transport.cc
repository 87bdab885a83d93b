#include "pkg/http/http1_transport.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "pkg/http/connection.h"
#include "pkg/http/connection_pool.h"
#include "pkg/http/http1_wire.h"
#include "pkg/http/url.h"
#include "pkg/util/files.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"

namespace http {
namespace {

using internal::Connection;
using internal::ResponseParser;

// send() keeps bodies in memory; a bigger one is refused rather than
// exhausting it (the largest expected is a Kubernetes list of Secrets).
constexpr size_t kMaxResponseBody = size_t{512} << 20;
// Deadlines further than this are treated as this far, to stay finite.
constexpr absl::Duration kForever = absl::Hours(24 * 365);
// Received bytes are handed to the parser in pieces of at most this size.
constexpr size_t kReadBuffer = size_t{32} << 10;

// Characters that would split or corrupt a header line.
constexpr std::string_view kBadInName(":\r\n\0 \t", 6);

// Whether a header value holds CR, LF or NUL. One pass: find_first_of with a
// set calls memchr over the set for every character of a kilobyte-long token.
bool has_line_break_or_nul(std::string_view value) {
  return std::any_of(value.begin(), value.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

util::Status check_headers(const Request& request) {
  for (const auto& [name, value] : request.headers.items()) {
    if (name.empty() || name.find_first_of(kBadInName) != std::string::npos) {
      return util::invalid_argument_error(util::cat("invalid header name \"", name, "\""));
    }
    if (has_line_break_or_nul(value)) {
      // The value may be secret: name the header only.
      return util::invalid_argument_error(
          util::cat("header ", name, " has a value with CR, LF or NUL"));
    }
  }
  return util::Status();
}

util::Status validate(const Http1TransportOptions& options) {
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("connect_timeout must be positive");
  }
  if (options.max_connections_per_host < 1 || options.max_connections_per_host > 1024) {
    return util::invalid_argument_error(util::cat(
        "max_connections_per_host must be in [1, 1024], not ", options.max_connections_per_host));
  }
  if (options.user_agent.find_first_of("\r\n") != std::string::npos) {
    return util::invalid_argument_error("user_agent contains CR or LF");
  }
  return validate_tls_options(options.tls);
}

// "what: OpenSSL's reason".
std::string openssl_error(std::string_view what) {
  return util::cat(what, ": ", util::openssl::error_text("no reason given"));
}

using SslCtxPtr = std::unique_ptr<SSL_CTX, util::openssl::Deleter<SSL_CTX_free>>;

// The TLS client settings every connection shares: whom to trust and the
// client certificate. The options were validated (validate_tls_options).
// `system_roots`: those to trust when `tls` names no CA; nullopt: the system's.
util::StatusOr<SslCtxPtr> tls_context(const TlsOptions& tls,
                                      const std::optional<SystemRoots>& system_roots) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return util::internal_error(openssl_error("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // A server closing without close_notify ends the stream like a plain EOF:
  // the HTTP framing (Content-Length, chunks) tells a cut response apart.
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(ctx.get(), tls.insecure_skip_verify ? SSL_VERIFY_NONE : SSL_VERIFY_PEER,
                     nullptr);
  std::string ca = tls.ca_pem;
  if (ca.empty() && !tls.ca_file.empty()) {
    ASSIGN_OR_RETURN(ca, util::read_file(tls.ca_file));
  }
  if (!ca.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
    const util::openssl::BioPtr bio(BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size())));
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store, cert);
      X509_free(cert);
    }
    ERR_clear_error();  // the end of the bundle
  } else if (!tls.insecure_skip_verify) {
    RETURN_IF_ERROR(trust_on_demand(SSL_CTX_get_cert_store(ctx.get()),
                                    system_roots ? *system_roots : find_system_roots()));
  }
  std::string cert = tls.client_cert_pem;
  if (cert.empty() && !tls.client_cert_file.empty()) {
    ASSIGN_OR_RETURN(cert, util::read_file(tls.client_cert_file));
  }
  if (!cert.empty()) {
    const util::openssl::BioPtr bio(BIO_new_mem_buf(cert.data(), static_cast<int>(cert.size())));
    const util::openssl::X509Ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!leaf || SSL_CTX_use_certificate(ctx.get(), leaf.get()) != 1) {
      return util::invalid_argument_error(openssl_error("client certificate"));
    }
    // Intermediates bundled after the certificate are sent with it.
    while (X509* link = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      SSL_CTX_add0_chain_cert(ctx.get(), link);
    }
    ERR_clear_error();
    util::SecretString key = tls.client_key_pem;
    if (key.empty()) {
      ASSIGN_OR_RETURN(std::string text, util::read_file(tls.client_key_file));
      key = util::SecretString(std::move(text));
    }
    const std::string_view pem = key.reveal();
    const util::openssl::BioPtr key_bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    const util::openssl::PkeyPtr pkey(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!pkey || SSL_CTX_use_PrivateKey(ctx.get(), pkey.get()) != 1) {
      return util::invalid_argument_error(openssl_error("client key"));
    }
  }
  return ctx;
}

// Keeps what send() returns.
class Collected final : public StreamConsumer {
 public:
  bool on_response(int status, const Headers& headers) override {
    response.status = status;
    response.headers = headers;
    // A body whose length the server announced is received into one buffer
    // of that size, not grown by doubling (a list of 500 Secrets: ~1.3 MB).
    if (const auto length = headers.get("Content-Length")) {
      size_t bytes = 0;
      const auto [end, error] =
          std::from_chars(length->data(), length->data() + length->size(), bytes);
      if (error == std::errc() && bytes <= kMaxResponseBody) response.body.reserve(bytes);
    }
    return true;
  }
  bool on_data(std::string_view piece) override {
    if (response.body.size() + piece.size() > kMaxResponseBody) {
      too_large = true;
      return false;
    }
    response.body.append(piece);
    return true;
  }
  Response response;
  bool too_large = false;
};

// Wakes a connection's waits from the thread requesting the stop.
struct WakeOnStop {
  const internal::Waker* waker;
  void operator()() const { waker->stop(); }
};

// Zeroes the strings that carried credentials (tokens, signatures, proxy
// passwords) when the exchange ends, however it ends.
class CleansedOnExit {
 public:
  explicit CleansedOnExit(std::initializer_list<std::string*> texts) : texts_(texts) {}
  ~CleansedOnExit() {
    for (std::string* text : texts_)
      OPENSSL_cleanse(text->data(), text->size());
  }
  CleansedOnExit(const CleansedOnExit&) = delete;
  CleansedOnExit& operator=(const CleansedOnExit&) = delete;

 private:
  std::vector<std::string*> texts_;
};

// What one attempt on one connection came to.
struct Attempt {
  util::Status status;
  bool answered = false;  // any byte of a response arrived
  bool reusable = false;  // the connection can carry the next request
};

// Sends `bytes` on `connection` and reads the answer into `sink`: the whole
// exchange within `wait`, or for a stream the head within it and then each
// piece of the body within the request's idle timeout.
Attempt attempt_on(Connection& connection, std::string_view bytes, const Request& request,
                   bool streaming, const internal::Wait& wait, StreamConsumer& sink) {
  ResponseParser parser(request.method == Method::kHead);
  Attempt attempt;
  attempt.status = connection.write_all(bytes, wait);
  const auto buffer = std::make_unique_for_overwrite<char[]>(kReadBuffer);
  while (attempt.status.ok()) {
    internal::Wait reading = wait;
    if (streaming && parser.head_done()) {
      reading.deadline = wait.clock->monotonic_now() + std::min(request.idle_timeout, kForever);
    }
    auto got = connection.read_some(buffer.get(), kReadBuffer, reading);
    if (!got.ok()) {
      attempt.status = got.status();
      if (attempt.status.code() == util::StatusCode::kDeadlineExceeded) {
        attempt.status = util::deadline_exceeded_error(
            !streaming ? util::cat("timed out (no complete answer within ",
                                   absl::FormatDuration(request.timeout), ")")
            : parser.head_done()
                ? util::cat("no data for ", absl::FormatDuration(request.idle_timeout))
                : util::cat("no response within ", absl::FormatDuration(request.timeout)));
      }
      return attempt;
    }
    if (*got == 0) {
      attempt.status = parser.finish();
      return attempt;
    }
    attempt.answered = true;
    auto progress = parser.feed(std::string_view(buffer.get(), *got), sink);
    if (!progress.ok()) {
      attempt.status = progress.status();
    } else if (*progress != ResponseParser::Progress::kMore) {
      attempt.reusable = *progress == ResponseParser::Progress::kDone && parser.reusable();
      return attempt;
    }
  }
  return attempt;
}

}  // namespace

util::StatusOr<std::unique_ptr<Http1Transport>> Http1Transport::create(
    Http1TransportOptions options) {
  RETURN_IF_ERROR(validate(options));
  ProxySettings proxies;
  if (options.proxies) {
    proxies = *options.proxies;
  } else {
    ASSIGN_OR_RETURN(proxies, ProxySettings::from_environment(process_environment));
  }
  ASSIGN_OR_RETURN(SslCtxPtr tls, tls_context(options.tls, options.system_roots));
  return std::unique_ptr<Http1Transport>(
      new Http1Transport(std::move(options), std::move(proxies), tls.release()));
}

Http1Transport::Http1Transport(Http1TransportOptions options, ProxySettings proxies,
                               ssl_ctx_st* tls)
    : options_(std::move(options)),
      proxies_(std::move(proxies)),
      tls_(tls),
      pool_(std::make_unique<internal::ConnectionPool>(
          static_cast<size_t>(options_.max_connections_per_host), clock_)) {}

Http1Transport::~Http1Transport() {
  pool_.reset();  // closes the kept connections before their SSL_CTX goes
  SSL_CTX_free(tls_);
}

util::StatusOr<Response> Http1Transport::send(const Request& request) {
  Collected collected;
  RETURN_IF_ERROR(exchange(request, collected, /*streaming=*/false, std::stop_token()));
  if (collected.too_large) {
    return util::resource_exhausted_error(
        util::cat(method_name(request.method), " ", url_for_messages(request.url),
                  ": response body larger than ", kMaxResponseBody, " bytes"));
  }
  return std::move(collected.response);
}

util::Status Http1Transport::stream(const Request& request, StreamConsumer& consumer,
                                    std::stop_token stop) {
  return exchange(request, consumer, /*streaming=*/true, stop);
}

util::Status Http1Transport::exchange(const Request& request, StreamConsumer& sink, bool streaming,
                                      const std::stop_token& stop) {
  if (request.timeout <= absl::ZeroDuration() ||
      (streaming && request.idle_timeout <= absl::ZeroDuration())) {
    return util::invalid_argument_error("request timeouts must be positive");
  }
  ASSIGN_OR_RETURN(const Url url, parse_url(request.url));
  RETURN_IF_ERROR(check_headers(request));
  const std::string origin = url.origin();
  const std::string describe =
      util::cat(method_name(request.method), " ", origin, url.path.empty() ? "/" : url.path);
  auto failed = [&](const util::Status& status) { return util::annotate(status, describe); };

  // stream()'s stop ends any wait of the connection through the waker.
  std::unique_ptr<internal::Waker> waker;
  if (stop.stop_possible()) {
    auto created = internal::Waker::create();
    if (!created.ok()) return failed(created.status());
    waker = std::move(created).value();
  }
  std::optional<std::stop_callback<WakeOnStop>> on_stop;
  if (waker != nullptr) on_stop.emplace(stop, WakeOnStop{waker.get()});

  const util::MonotonicTime deadline = clock_.monotonic_now() + std::min(request.timeout, kForever);
  auto lease = pool_->acquire(origin, deadline, stop);
  if (!lease.ok()) return failed(lease.status());
  const internal::Wait wait{
      .clock = &clock_, .deadline = deadline, .stop_fd = waker ? waker->fd() : -1};

  // Where the bytes go: straight to the server, or through a proxy.
  const Proxy* proxy = proxies_.proxy_for(url);
  internal::Route route;
  route.host = proxy != nullptr ? proxy->host : url.bare_host();
  route.port = proxy != nullptr ? proxy->port : std::string(url.effective_port());
  if (url.scheme == "https") {
    route.tls = tls_;
    route.tls_name = options_.tls.server_name.empty() ? url.bare_host() : options_.tls.server_name;
    if (proxy != nullptr) {
      route.tunnel = util::cat(url.host, ":", url.effective_port());
      route.proxy_authorization = std::string(proxy->authorization.reveal());
    }
  }
  std::string target = url.path.empty() ? "/" : std::string(url.path);
  if (!url.query.empty()) target += util::cat("?", url.query);
  std::string proxy_authorization;
  if (proxy != nullptr && url.scheme == "http") {
    // Through an HTTP proxy a plain request names the whole URL.
    target = util::cat("http://", url.host_header(), target);
    proxy_authorization = std::string(proxy->authorization.reveal());
  }
  std::string bytes = internal::serialize_request(request, target, url.host_header(),
                                                  options_.user_agent, proxy_authorization);
  const CleansedOnExit cleansed({&bytes, &proxy_authorization, &route.proxy_authorization});

  std::unique_ptr<Connection>& connection = lease->connection();
  if (connection != nullptr && !connection->still_open()) connection.reset();
  Attempt attempt;
  for (int tries = 0; tries < 2; ++tries) {
    const bool reused = connection != nullptr;
    if (!reused) {
      internal::Wait connecting = wait;
      const util::MonotonicTime started = clock_.monotonic_now();
      connecting.deadline = std::min(deadline, started + options_.connect_timeout);
      auto opened = Connection::open(route, connecting);
      if (!opened.ok() && opened.status().code() == util::StatusCode::kDeadlineExceeded) {
        return failed(util::deadline_exceeded_error(
            util::cat("timed out connecting (no answer from ", route.host, ":", route.port,
                      " within ", absl::FormatDuration(connecting.deadline - started), ")")));
      }
      if (!opened.ok()) return failed(opened.status());
      connection = std::move(opened).value();
    }
    attempt = attempt_on(*connection, bytes, request, streaming, wait, sink);
    // A kept connection the server closed just as it was reused: the request
    // did not reach it, so it goes once more on a new connection.
    const bool stale =
        reused && !attempt.answered && attempt.status.code() == util::StatusCode::kUnavailable;
    if (!stale) break;
    connection.reset();
  }
  if (!attempt.reusable) connection.reset();
  if (stop.stop_requested()) return failed(util::cancelled_error("cancelled"));
  return attempt.status.ok() ? attempt.status : failed(attempt.status);
}

}  // namespace http
