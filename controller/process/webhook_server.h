// The admission webhook's HTTPS endpoint on --webhook-address: POST
// /mutate-pods takes the apiserver's AdmissionReview and returns the answer
// (loop/pod_webhook.h), GET /healthz says it serves.
//
// TLS: each handshake presents the key pair `key_pair` returns then (files
// that cert-manager rotates: tls::KeyPairFiles; the controller's own
// certificates: loop/webhook_certificates.h), so a rotation needs no restart;
// none yet fails the handshake. TLS 1.2 or later.
//
// Ownership: owns its listening thread; stop() or the destructor ends it.
// Thread-safety: the handler and `key_pair` run on several pool threads at once.
// Errors: start() fails when the address cannot be bound (kUnavailable).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "controller/process/http_listener.h"
#include "pkg/tls/key_pair.h"
#include "pkg/util/status.h"

namespace controller {

struct WebhookServerOptions {
  std::string host;  // "" or "0.0.0.0": every interface
  int port = 9443;   // 0: any free port
  int threads = 8;
};

class WebhookServer {
 public:
  struct Answer {
    int http_status = 200;
    std::string body;
  };
  using Handler = std::function<Answer(std::string_view body)>;
  using KeyPairSource = std::function<std::shared_ptr<const tls::KeyPair>()>;

  static util::StatusOr<std::unique_ptr<WebhookServer>> start(const WebhookServerOptions& options,
                                                              KeyPairSource key_pair,
                                                              Handler mutate_pods);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  int port() const { return listener_->port(); }
  void stop();

 private:
  WebhookServer() = default;
  KeyPairSource key_pair_;
  std::unique_ptr<HttpListener> listener_;
};

}  // namespace controller
