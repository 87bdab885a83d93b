// The admission webhook's HTTPS endpoint on --webhook-address: POST
// /mutate-pods takes the apiserver's AdmissionReview and returns the answer
// (loop/pod_webhook.h), GET /healthz says it serves.
//
// TLS: the serving certificate (with its intermediates) and key come from PEM
// files, as cert-manager or the controller's own certificate manager keep
// them. They are looked at again at a TLS handshake when `recheck` has passed
// since the last look, and new content is used only when the key matches the
// certificate: mid-rotation, the previous pair keeps serving, so a rotation
// never fails a handshake. TLS 1.2 or later.
//
// Ownership: owns its listening thread; stop() or the destructor ends it.
// Borrows the clock (when to look at the files again).
// Thread-safety: the handler runs on several pool threads at once.
// Errors: start() fails when a file cannot be read (kube::read_file's codes),
// when the files make no usable pair (kInvalidArgument), or when the address
// cannot be bound (kUnavailable).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/status.h"

namespace httplib {
class Server;
}

namespace controller {

struct WebhookServerOptions {
  std::string host;                            // "" or "0.0.0.0": every interface
  int port = 9443;                             // 0: any free port
  std::string certificate_file;                // PEM: the serving certificate, then intermediates
  std::string private_key_file;                // PEM
  absl::Duration recheck = absl::Seconds(10);  // 0: at every handshake
  int threads = 8;
};

class WebhookServer {
 public:
  struct Answer {
    int http_status = 200;
    std::string body;
  };
  using Handler = std::function<Answer(std::string_view body)>;

  static util::StatusOr<std::unique_ptr<WebhookServer>> start(const WebhookServerOptions& options,
                                                              util::Clock& clock,
                                                              Handler mutate_pods);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  class ServingCertificate;
  WebhookServer() = default;
  std::unique_ptr<ServingCertificate> certificate_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace controller
