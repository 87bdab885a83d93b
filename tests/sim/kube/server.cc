#include "tests/sim/kube/server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>

#include "pkg/util/strings.h"
#include "tests/sim/common/httplib_listen.h"
#include "tests/sim/common/httplib_warm_up.h"
#include "tests/sim/kube/crd_registry.h"
#include "tests/sim/kube/deleter.h"
#include "tests/sim/kube/elastic_thread_pool.h"
#include "tests/sim/kube/kubeconfig.h"
#include "tests/sim/kube/router.h"
#include "tests/sim/kube/server_state.h"
#include "tests/sim/kube/tls_certificate.h"
#include "tests/sim/kube/write_handler.h"

namespace sim::kube {
namespace {

constexpr size_t kKeepAliveMaxCount = 1'000'000;
constexpr time_t kIoTimeoutSeconds = 60;

}  // namespace

Server::Server(ServerOptions options, PrivateTag /*unused*/) : options_(std::move(options)) {}

util::StatusOr<std::unique_ptr<Server>> Server::create(ServerOptions options) {
  if (options.port < 0 || options.port > 65535) {
    return util::invalid_argument_error(util::cat("invalid port ", options.port));
  }
  if (options.history_size == 0) return util::invalid_argument_error("history_size must be > 0");
  if (options.bookmark_interval <= absl::ZeroDuration()) {
    return util::invalid_argument_error("bookmark_interval must be > 0");
  }
  if (options.max_threads < 4) return util::invalid_argument_error("max_threads must be >= 4");
  if (options.latency_model.max_mutating_inflight < 0) {
    return util::invalid_argument_error("latency_model.max_mutating_inflight must be >= 0");
  }
  std::shared_ptr<const SchemaLibrary> schemas = options.schemas;
  if (schemas == nullptr) {
    std::string path =
        options.openapi_path.empty() ? SchemaLibrary::default_path() : options.openapi_path;
    ASSIGN_OR_RETURN(schemas, SchemaLibrary::load(path));
  }
  auto server = std::make_unique<Server>(std::move(options), PrivateTag{});
  Server& s = *server;
  util::Clock* clock = s.options_.clock;
  if (clock == nullptr) {
    s.owned_clock_ = std::make_unique<util::RealClock>();
    clock = s.owned_clock_.get();
  }
  s.state_ = std::make_unique<ServerState>(*clock, std::move(schemas), s.options_.history_size,
                                           s.options_.garbage_collection, s.options_.latency_model,
                                           s.options_.service_addresses);
  for (const auto& [token, user] : s.options_.tokens)
    s.state_->access.add_token(token, user);
  WatchSettings watch;
  watch.bookmark_interval = s.options_.bookmark_interval;
  watch.default_timeout = s.options_.default_watch_timeout;
  Router::Hooks hooks;
  Server* self = &s;
  hooks.restart = [self](const std::string& mode) {
    self->schedule_restart(mode == "keep"   ? RestartMode::kKeepState
                           : mode == "wipe" ? RestartMode::kWipeState
                                            : RestartMode::kWipeStateResetVersion);
  };
  hooks.drop_watches = [self] { self->drop_watches(); };
  hooks.compact = [self] { self->compact(); };
  hooks.collect_garbage = [self] { return self->collect_garbage(); };
  s.router_ =
      std::make_unique<Router>(*s.state_, s.options_.server_version, watch, std::move(hooks));
  if (s.options_.tls) {
    ASSIGN_OR_RETURN(TlsCertificate cert,
                     s.options_.tls_cert_file.empty()
                         ? TlsCertificate::generate_self_signed(clock->system_now())
                         : TlsCertificate::load(s.options_.tls_cert_file, s.options_.tls_key_file));
    s.ca_pem_ = cert.certificate_pem();
    s.tls_ = std::make_unique<TlsCertificate>(std::move(cert));
  }
  s.seed_namespaces();
  return server;
}

Server::~Server() {
  stop();
  std::vector<std::thread> threads;
  {
    util::MutexLock lock(restart_mu_);
    threads.swap(restart_threads_);
  }
  for (std::thread& t : threads)
    t.join();
  stop();
}

void Server::seed_namespaces() {
  for (std::string_view name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    ApiRequest request;
    request.catalog = state_->catalog.get();
    request.type = request.catalog->find("", "v1", "namespaces");
    request.verb = "create";
    request.body = util::cat(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"", name, "\"}}");
    request.content_type = "application/json";
    WriteHandler(state_->context).create(request);
  }
}

util::Status Server::start() {
  util::MutexLock lock(lifecycle_mu_);
  if (running_) return util::failed_precondition_error("already running");
  return listen_locked();
}

util::Status Server::listen_locked() {
  warm_up_httplib();
  std::unique_ptr<httplib::Server> http;
  if (options_.tls) {
    if (tls_ == nullptr) {
      if (!options_.tls_cert_file.empty()) {
        ASSIGN_OR_RETURN(TlsCertificate loaded,
                         TlsCertificate::load(options_.tls_cert_file, options_.tls_key_file));
        tls_ = std::make_unique<TlsCertificate>(std::move(loaded));
      } else {
        ASSIGN_OR_RETURN(TlsCertificate generated,
                         TlsCertificate::generate_self_signed(state_->clock.system_now()));
        tls_ = std::make_unique<TlsCertificate>(std::move(generated));
      }
    }
    ca_pem_ = tls_->certificate_pem();
    http = std::make_unique<httplib::SSLServer>(tls_->certificate(), tls_->private_key());
  } else {
    http = std::make_unique<httplib::Server>();
  }
  if (!http->is_valid()) return util::internal_error("cannot set up the HTTP server (TLS context)");
  size_t max_threads = options_.max_threads;
  // httplib's interface: it takes ownership of the raw pointer it is handed.
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory)
  http->new_task_queue = [max_threads] { return new ElasticThreadPool(max_threads); };
  http->set_keep_alive_max_count(kKeepAliveMaxCount);
  http->set_keep_alive_timeout(
      std::max<time_t>(1, static_cast<time_t>(absl::ToInt64Seconds(options_.keep_alive_timeout))));
  http->set_read_timeout(kIoTimeoutSeconds);
  http->set_write_timeout(kIoTimeoutSeconds);
  http->set_tcp_nodelay(true);
  Router* router = router_.get();
  auto handler = [router](const httplib::Request& req, httplib::Response& res) {
    router->handle(req, res);
  };
  const std::string any = "/.*";
  http->Get(any, handler);
  http->Post(any, handler);
  http->Put(any, handler);
  http->Patch(any, handler);
  http->Delete(any, handler);
  int port = options_.port;
  if (port_.load() != 0) port = port_.load();  // a restart keeps the port
  bool bound = port == 0 ? (port = http->bind_to_any_port(options_.host)) > 0
                         : http->bind_to_port(options_.host, port);
  if (!bound)
    return util::unavailable_error(util::cat("cannot listen on ", options_.host, ":", port));
  port_ = port;
  router_->set_server_address(util::cat(options_.host, ":", port));
  std::optional<std::thread> listener = listen_in_background(*http);
  if (!listener)
    return util::unavailable_error(util::cat("cannot listen on ", options_.host, ":", port));
  listener_ = *std::move(listener);
  http_ = std::move(http);
  running_ = true;
  return util::ok_status();
}

void Server::stop() {
  util::MutexLock lock(lifecycle_mu_);
  stop_locked();
}

void Server::stop_locked() {
  if (!running_) return;
  router_->request_stop();
  state_->store.interrupt_watches();
  http_->stop();  // idle keep-alive connections end within keep_alive_timeout
  listener_.join();
  http_.reset();
  running_ = false;
}

std::string Server::url() const {
  return util::cat(options_.tls ? "https://" : "http://", options_.host, ":", port_.load());
}

util::Status Server::write_kubeconfig(const std::string& path, const util::SecretString& token,
                                      const std::string& ns) const {
  KubeconfigSpec spec;
  spec.server = url();
  spec.ca_pem = options_.tls ? ca_pem_ : "";
  // kubectl prompts for a user name over HTTPS when the user entry has no
  // credentials; a server without tokens accepts (and ignores) any.
  spec.token = token.empty() ? util::SecretString("kube-sim-no-auth") : token;
  spec.ns = ns;
  return sim::kube::write_kubeconfig(path, spec);
}

FaultInjector& Server::faults() {
  return state_->faults;
}
RequestCounters& Server::counters() {
  return state_->counters;
}
AccessPolicy& Server::access() {
  return state_->access;
}
ObjectStore& Server::store() {
  return state_->store;
}

void Server::drop_watches() {
  state_->store.interrupt_watches();
}

void Server::compact() {
  state_->store.compact();
}

util::Status Server::restart(RestartMode mode) {
  util::MutexLock lock(lifecycle_mu_);
  bool was_running = running_;
  stop_locked();
  if (mode == RestartMode::kKeepState) {
    state_->store.compact();
  } else {
    state_->store.clear(mode == RestartMode::kWipeStateResetVersion);
    refresh_catalog(state_->context);
    seed_namespaces();
    state_->store.compact();
  }
  router_->reset_stop();
  if (!was_running) return util::ok_status();
  return listen_locked();
}

void Server::schedule_restart(RestartMode mode) {
  util::MutexLock lock(restart_mu_);
  restart_threads_.emplace_back([this, mode] { (void)restart(mode); });
}

void Server::set_latency_model(LatencyModel model) {
  state_->latency_model.set_model(model);
}

LatencyModel Server::latency_model() const {
  return state_->latency_model.model();
}

void Server::set_garbage_collection(bool enabled) {
  state_->garbage_collection = enabled;
}

size_t Server::collect_garbage() {
  return Deleter(state_->context).collect_garbage();
}

}  // namespace sim::kube
