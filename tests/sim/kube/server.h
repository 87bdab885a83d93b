// The Kubernetes API simulator: a kube-apiserver stand-in on 127.0.0.1 that
// real kubectl and our client cannot tell apart from the real thing for the
// subset the project uses (discovery, OpenAPI v3, namespaces, secrets,
// events, leases, CRDs and their custom resources, deployments/RBAC stored
// without behaviour; watch, selectors, pagination, Tables, strict field
// validation, garbage collection, auth, fault injection, a latency model).
// Spec: shared/DESIGN.md §5; responses match tests/data/k8s-wire-samples/.
//
// Use in-process from gtest:
//   ServerOptions options;               // port 0, plain HTTP, GC on
//   ASSIGN_OR_RETURN(auto server, Server::create(options));
//   RETURN_IF_ERROR(server->start());    // listening when this returns
//   ... HTTP to server->url() ...
//   server->stop();                      // or the destructor
//
// Thread-safety: all methods are thread-safe. Ownership: the Server owns
// its store, listener and threads; `options.clock` (if set) must outlive it.
// Time: every timestamp, bookmark, watch timeout and latency reads
// options.clock (util::RealClock when null).
// Errors: create() kInvalidArgument for bad options / unreadable schema;
// start()/restart() kUnavailable when the port cannot be bound.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "pkg/util/secret_string.h"
#include "pkg/util/status.h"
#include "tests/sim/kube/access_policy.h"
#include "tests/sim/kube/fault_injector.h"
#include "tests/sim/kube/latency_model.h"
#include "tests/sim/kube/mutating_webhooks.h"
#include "tests/sim/kube/object_store.h"
#include "tests/sim/kube/request_counters.h"
#include "tests/sim/kube/schema_library.h"

namespace httplib {
class Server;
}

namespace sim::kube {

class Router;
class TlsCertificate;
struct ServerState;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port (see Server::port())
  bool tls = false;
  std::string tls_cert_file;  // empty with tls: a generated self-signed certificate
  std::string tls_key_file;
  // token -> user name; when non-empty every request needs a valid token.
  std::vector<std::pair<util::SecretString, std::string>> tokens;
  bool garbage_collection = true;
  size_t history_size = 1000;  // watch history per resource
  absl::Duration bookmark_interval = absl::Minutes(1);
  absl::Duration default_watch_timeout = absl::Minutes(30);  // without timeoutSeconds
  // Idle keep-alive connections are closed after this (whole seconds, >= 1);
  // stop() and restart() wait up to this long for idle connections to end.
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  size_t max_threads = 512;  // connections served at once (each watch holds one)
  std::string server_version = "v1.36.0";
  std::string openapi_path;                      // default: the vendored swagger.json.gz
  std::shared_ptr<const SchemaLibrary> schemas;  // share one between servers
  util::Clock* clock = nullptr;                  // default: an owned util::RealClock
  // What requests cost; the default (all zero) answers at once and never refuses.
  // Benchmarks use LatencyModel::measured().
  LatencyModel latency_model;
  // Where the Services that MutatingWebhookConfigurations name are served
  // ("namespace/name" -> "127.0.0.1:port"): the cluster network.
  ServiceAddresses service_addresses;
};

enum class RestartMode {
  kKeepState,              // objects kept; connections closed; watch history lost (410 below now)
  kWipeState,              // everything deleted (default namespaces recreated with new uids);
                           // resourceVersion continues
  kWipeStateResetVersion,  // as kWipeState, and resourceVersion restarts at 1
};

class Server {
 public:
  static util::StatusOr<std::unique_ptr<Server>> create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and serves in the background; listening once this returns.
  util::Status start();
  // Closes every connection and stops serving (idle keep-alive connections
  // within options.keep_alive_timeout). Idempotent.
  void stop();

  int port() const { return port_.load(); }
  std::string url() const;  // "http://127.0.0.1:PORT" or "https://..."
  const std::string& ca_certificate_pem() const { return ca_pem_; }
  // A kubeconfig for this server. With `token` "" it carries a placeholder
  // token (ignored by a server without tokens), since kubectl asks for a
  // password over HTTPS when the user has no credentials.
  util::Status write_kubeconfig(const std::string& path, const util::SecretString& token,
                                const std::string& ns = "default") const;

  FaultInjector& faults();
  RequestCounters& counters();
  AccessPolicy& access();
  ObjectStore& store();

  // Faults acting on the whole server.
  void drop_watches();  // every open watch connection is cut mid-stream
  void compact();       // watches/continue tokens older than now get 410
  util::Status restart(RestartMode mode);

  // Applies to requests arriving from now on.
  void set_latency_model(LatencyModel model);
  LatencyModel latency_model() const;

  void set_garbage_collection(bool enabled);
  size_t collect_garbage();  // a full garbage collector pass; returns deletions

 private:
  struct PrivateTag {};

 public:
  Server(ServerOptions options, PrivateTag /*unused*/);

 private:
  util::Status listen_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  void stop_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(lifecycle_mu_);
  void seed_namespaces();
  void schedule_restart(RestartMode mode);

  ServerOptions options_;
  std::unique_ptr<util::Clock> owned_clock_;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<Router> router_;
  std::string ca_pem_;
  std::unique_ptr<TlsCertificate> tls_;  // the generated certificate, kept across restarts
  std::atomic<int> port_{0};

  util::Mutex lifecycle_mu_;
  std::unique_ptr<httplib::Server> http_ ABSL_GUARDED_BY(lifecycle_mu_);
  std::thread listener_ ABSL_GUARDED_BY(lifecycle_mu_);
  bool running_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  util::Mutex restart_mu_;
  std::vector<std::thread> restart_threads_ ABSL_GUARDED_BY(restart_mu_);
};

}  // namespace sim::kube
