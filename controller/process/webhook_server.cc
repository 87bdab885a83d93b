#include "controller/process/webhook_server.h"

#include <glog/logging.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "pkg/kube/token_source.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

using util::openssl::BioPtr;
using util::openssl::PkeyPtr;
using util::openssl::X509Ptr;

// One certificate chain and its key, as read from the files.
struct Pair {
  std::vector<X509Ptr> chain;  // the serving certificate first
  PkeyPtr key;
};

BioPtr bio_of(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

util::StatusOr<std::shared_ptr<const Pair>> load_pair(const std::string& certificate_file,
                                                      const std::string& key_file) {
  ASSIGN_OR_RETURN(const std::string certificates, kube::read_file(certificate_file));
  auto pair = std::make_shared<Pair>();
  BioPtr bio = bio_of(certificates);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    pair->chain.emplace_back(certificate);
  }
  ERR_clear_error();  // the end of the file reads as an error
  if (pair->chain.empty()) {
    return util::invalid_argument_error(util::cat(certificate_file, ": no PEM certificate found"));
  }
  {
    // The key text is secret: zeroed when it goes.
    ASSIGN_OR_RETURN(std::string key_text, kube::read_file(key_file));
    const util::SecretString key_pem(std::move(key_text));
    BioPtr key_bio = bio_of(key_pem.reveal());
    pair->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  }
  ERR_clear_error();
  if (!pair->key) {
    return util::invalid_argument_error(
        util::cat(key_file, ": no unencrypted PEM private key found"));
  }
  const bool matches = X509_check_private_key(pair->chain.front().get(), pair->key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return util::invalid_argument_error(
        util::cat(key_file, " is not the key of the certificate in ", certificate_file));
  }
  return std::shared_ptr<const Pair>(std::move(pair));
}

// When the files were last written (the epoch when unreadable).
using Stamps = std::pair<std::filesystem::file_time_type, std::filesystem::file_time_type>;

}  // namespace

// The pair a handshake presents: the files' latest good content.
class WebhookServer::ServingCertificate {
 public:
  static util::StatusOr<std::unique_ptr<ServingCertificate>> load(const WebhookServerOptions& o,
                                                                  util::Clock& clock) {
    std::unique_ptr<ServingCertificate> self(new ServingCertificate(o, clock));
    util::MutexLock lock(self->mu_);
    ASSIGN_OR_RETURN(self->current_, load_pair(o.certificate_file, o.private_key_file));
    self->stamps_ = self->stamps();
    self->checked_ = clock.monotonic_now();
    return self;
  }

  std::shared_ptr<const Pair> current() {
    util::MutexLock lock(mu_);
    const util::MonotonicTime now = clock_.monotonic_now();
    if (now - checked_ < recheck_) return current_;
    checked_ = now;
    const Stamps stamps_now = stamps();
    if (stamps_now == stamps_) return current_;
    util::StatusOr<std::shared_ptr<const Pair>> loaded = load_pair(certificate_file_, key_file_);
    if (loaded.ok()) {
      current_ = *std::move(loaded);
      stamps_ = stamps_now;
      LOG(INFO) << "webhook: serving the new certificate from " << certificate_file_;
    } else {
      // Mid-rotation (a new certificate before its key, say): keep the last
      // good pair, and look again at the next handshake after `recheck`.
      LOG(WARNING) << "webhook: keeping the current certificate: " << loaded.status().message();
    }
    return current_;
  }

 private:
  ServingCertificate(const WebhookServerOptions& o, util::Clock& clock)
      : certificate_file_(o.certificate_file),
        key_file_(o.private_key_file),
        recheck_(o.recheck),
        clock_(clock) {}
  Stamps stamps() const {
    std::error_code ignored;
    return {std::filesystem::last_write_time(certificate_file_, ignored),
            std::filesystem::last_write_time(key_file_, ignored)};
  }

  const std::string certificate_file_;
  const std::string key_file_;
  const absl::Duration recheck_;
  util::Clock& clock_;
  util::Mutex mu_;
  std::shared_ptr<const Pair> current_ ABSL_GUARDED_BY(mu_);
  Stamps stamps_ ABSL_GUARDED_BY(mu_);
  util::MonotonicTime checked_ ABSL_GUARDED_BY(mu_);
};

util::StatusOr<std::unique_ptr<WebhookServer>> WebhookServer::start(
    const WebhookServerOptions& options, util::Clock& clock, Handler mutate_pods) {
  std::unique_ptr<WebhookServer> self(new WebhookServer());
  ASSIGN_OR_RETURN(self->certificate_, ServingCertificate::load(options, clock));
  ServingCertificate* certificate = self->certificate_.get();
  auto server = std::make_unique<httplib::SSLServer>([certificate](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION);
    // Each handshake presents the current pair (a rotation needs no restart).
    SSL_CTX_set_cert_cb(
        &ctx,
        [](SSL* ssl, void* arg) -> int {
          const std::shared_ptr<const Pair> pair = static_cast<ServingCertificate*>(arg)->current();
          if (SSL_use_certificate(ssl, pair->chain.front().get()) != 1 ||
              SSL_use_PrivateKey(ssl, pair->key.get()) != 1) {
            return 0;
          }
          SSL_clear_chain_certs(ssl);
          for (size_t i = 1; i < pair->chain.size(); ++i) {
            if (SSL_add1_chain_cert(ssl, pair->chain[i].get()) != 1) return 0;
          }
          return 1;
        },
        certificate);
    return true;
  });
  if (!server->is_valid()) {
    ERR_clear_error();
    return util::internal_error("webhook: cannot set up TLS");
  }
  server->set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // The answer leaves in one write: without this, Nagle holds it back for the
  // API server's delayed ACK (40 ms a review).
  server->set_tcp_nodelay(true);
  const int threads = options.threads;
  server->new_task_queue = [threads] {
    // httplib takes ownership of the queue it is handed.
    // NOLINTNEXTLINE(cppcoreguidelines-owning-memory)
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server->Post("/mutate-pods", [mutate_pods = std::move(mutate_pods)](const httplib::Request& req,
                                                                      httplib::Response& res) {
    const Answer answer = mutate_pods(req.body);
    res.status = answer.http_status;
    res.set_content(answer.body, answer.http_status == 200 ? "application/json" : "text/plain");
  });
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  const std::string host = options.host.empty() ? "0.0.0.0" : options.host;
  const int bound = options.port == 0
                        ? server->bind_to_any_port(host)
                        : (server->bind_to_port(host, options.port) ? options.port : -1);
  if (bound < 0) {
    return util::unavailable_error(
        util::cat("cannot listen on ", host, ":", options.port, " for the admission webhook"));
  }
  self->port_ = bound;
  self->server_ = std::move(server);
  httplib::Server& serving = *self->server_;
  self->thread_ = std::thread([&serving] { serving.listen_after_bind(); });
  while (!serving.is_running())
    std::this_thread::yield();
  return self;
}

void WebhookServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

WebhookServer::~WebhookServer() {
  stop();
}

}  // namespace controller
