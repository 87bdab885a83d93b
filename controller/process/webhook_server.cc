#include "controller/process/webhook_server.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <utility>

#include "pkg/util/strings.h"

namespace controller {

util::StatusOr<std::unique_ptr<WebhookServer>> WebhookServer::start(
    const WebhookServerOptions& options, KeyPairSource key_pair, Handler mutate_pods) {
  std::unique_ptr<WebhookServer> self(new WebhookServer());
  self->key_pair_ = std::move(key_pair);
  KeyPairSource* source = &self->key_pair_;
  auto server = std::make_unique<httplib::SSLServer>([source](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION);
    // Each handshake presents the current pair (a rotation needs no restart).
    SSL_CTX_set_cert_cb(
        &ctx,
        [](SSL* ssl, void* arg) -> int {
          const std::shared_ptr<const tls::KeyPair> pair = (*static_cast<KeyPairSource*>(arg))();
          if (pair == nullptr) return 0;  // none yet: the handshake fails
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
        source);
    return true;
  });
  if (!server->is_valid()) {
    ERR_clear_error();
    return util::internal_error("webhook: cannot set up TLS");
  }
  HttpListener::configure(*server, static_cast<size_t>(options.threads));
  server->Post("/mutate-pods", [mutate_pods = std::move(mutate_pods)](const httplib::Request& req,
                                                                      httplib::Response& res) {
    const Answer answer = mutate_pods(req.body);
    res.status = answer.http_status;
    res.set_content(answer.body, answer.http_status == 200 ? "application/json" : "text/plain");
  });
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  ASSIGN_OR_RETURN(self->listener_, HttpListener::start(std::move(server), options.host,
                                                        options.port, "the admission webhook"));
  return self;
}

void WebhookServer::stop() {
  if (listener_) listener_->stop();
}

WebhookServer::~WebhookServer() {
  stop();
}

}  // namespace controller
