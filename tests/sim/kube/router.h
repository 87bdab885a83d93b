// Turns HTTP requests into simulator behaviour: fault injection (latency,
// injected errors), the latency model (per-verb latency of resource requests,
// 429 beyond the mutating in-flight limit), authentication (401) and
// authorization (403), non-resource endpoints (/version, /healthz, discovery,
// OpenAPI v3), resource requests dispatched to the read/write/delete/watch
// handlers, the /_sim/ admin API, request counters, and HTTP response details
// (Warning, Retry-After, Audit-Id headers; chunked watch streams).
//
// Thread-safety: thread-safe; httplib calls handle() from many threads.
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <stop_token>
#include <string>

#include "tests/sim/kube/api_request.h"
#include "tests/sim/kube/server_state.h"
#include "tests/sim/kube/watch_session.h"

namespace sim::kube {

class Router {
 public:
  // Server-level actions the admin API can trigger.
  struct Hooks {
    std::function<void(const std::string& mode)> restart;  // "keep", "wipe", "wipe-reset"
    std::function<void()> drop_watches;
    std::function<void()> compact;
    std::function<size_t()> collect_garbage;
  };

  Router(ServerState& state, std::string server_version, WatchSettings watch_settings, Hooks hooks);

  void handle(const httplib::Request& req, httplib::Response& res);
  // Address reported in /api's serverAddressByClientCIDRs.
  void set_server_address(std::string address);
  // Wakes requests sleeping in injected or modelled latency (server stop).
  void request_stop() { stop_.request_stop(); }
  // A fresh stop source for a restart (no request is running then).
  void reset_stop() { stop_ = std::stop_source(); }

 private:
  ApiResponse dispatch(const httplib::Request& req, const std::string& user, ApiRequest& api,
                       bool& is_resource);
  ApiResponse non_resource(const httplib::Request& req);
  ApiResponse admin(const httplib::Request& req);
  void write(const ApiRequest& api, ApiResponse response, httplib::Response& res);

  ServerState& state_;
  std::string server_version_;
  WatchSettings watch_settings_;
  Hooks hooks_;
  std::stop_source stop_;
  util::Mutex mu_;
  std::string server_address_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> audit_counter_{0};
};

}  // namespace sim::kube
