// A small HTTP client for the simulator's own tests (cpp-httplib, not
// pkg/kube, so the simulator is tested independently of our client):
// requests with JSON helpers, and watches read line by line on a
// background thread with bounded waits.
//
// Thread-safety: a TestClient is used by one test thread; a WatchStream is
// fed by its reader thread and read by the test thread.
#pragma once

#include <httplib.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "pkg/util/clock.h"
#include "pkg/util/mutex.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/schema_library.h"
#include "tests/sim/kube/server.h"

namespace sim::kube::testing {

struct Reply {
  int status = 0;  // -1: transport error
  std::string body;
  httplib::Headers headers;

  json::Document json() const;  // null document when the body is not JSON
  std::string header(const std::string& name) const;
  size_t header_count(const std::string& name) const;
};

class WatchStream {
 public:
  WatchStream(const std::string& url, const std::string& path, const httplib::Headers& headers,
              const std::string& ca_pem);
  ~WatchStream();

  // The next line (a JSON event), waiting up to `timeout`; nullopt on
  // timeout or when the stream ended.
  std::optional<std::string> next(absl::Duration timeout = absl::Seconds(10));
  // Waits for the stream to end; true if it did within `timeout`.
  bool wait_closed(absl::Duration timeout = absl::Seconds(10));
  // Whether the server ended the stream cleanly (terminating chunk).
  bool ended_cleanly();
  int status();

 private:
  util::Mutex mu_;
  util::CondVar cv_;
  std::deque<std::string> lines_ ABSL_GUARDED_BY(mu_);
  std::string partial_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool clean_ ABSL_GUARDED_BY(mu_) = false;
  int status_ ABSL_GUARDED_BY(mu_) = 0;
  util::RealClock clock_;  // bounded real-time waits for events
  std::unique_ptr<httplib::Client> client_;
  std::thread reader_;
};

class TestClient {
 public:
  explicit TestClient(const Server& server, std::string token = "");

  Reply get(const std::string& path, httplib::Headers headers = {});
  Reply post(const std::string& path, const std::string& body,
             const std::string& content_type = "application/json", httplib::Headers headers = {});
  Reply put(const std::string& path, const std::string& body,
            const std::string& content_type = "application/json");
  Reply patch(const std::string& path, const std::string& body, const std::string& content_type);
  Reply del(const std::string& path, const std::string& body = "");
  std::unique_ptr<WatchStream> watch(const std::string& path, httplib::Headers headers = {});

 private:
  httplib::Headers with_auth(httplib::Headers headers) const;
  static Reply convert(const httplib::Result& result);

  std::string url_;
  std::string token_;
  std::string ca_pem_;
  std::unique_ptr<httplib::Client> client_;
};

// A verbatim apiserver response from tests/data/k8s-wire-samples/, parsed.
json::Document wire_sample(const std::string& file);

// The vendored OpenAPI schema, loaded once per test binary.
std::shared_ptr<const SchemaLibrary> shared_schemas();

// A test's simulator with sensible defaults (port 0, shared schemas).
std::unique_ptr<Server> start_server(ServerOptions options = {});

}  // namespace sim::kube::testing
