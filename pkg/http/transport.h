// The one seam between the project's clients (STS, IMDS, Kubernetes) and the
// network: send a request, get a response, or stream a response body. Clients
// take a Transport& so tests can swap in http::testing::FakeTransport.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "pkg/util/status.h"

namespace http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete };
std::string_view method_name(Method method);

// Ordered name/value pairs; names compare case-insensitively.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> items) : items_(items) {}

  void add(std::string name, std::string value);
  // Replaces every header of that name with one value.
  void set(std::string_view name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  Method method = Method::kGet;
  std::string url;  // absolute: http(s)://host[:port]/path[?query]
  Headers headers;
  std::string body;
  // For send(): the whole exchange. For stream(): connecting and receiving the
  // response headers; the body may then flow for as long as the server sends.
  absl::Duration timeout = absl::Seconds(30);
  // For stream(): fail with kDeadlineExceeded when no byte arrives for this long.
  absl::Duration idle_timeout = absl::Minutes(5);
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
};

// Receives a streamed response. Returning false from either call ends the
// stream cleanly (stream() then returns OK).
class StreamConsumer {
 public:
  virtual ~StreamConsumer() = default;
  virtual bool on_response(int status, const Headers& headers) = 0;
  virtual bool on_data(std::string_view chunk) = 0;
};

// Thread-safe: any number of threads may call send()/stream() at once.
class Transport {
 public:
  virtual ~Transport() = default;

  // Sends one request and reads the whole response. Any HTTP status is a
  // successful exchange. Errors: kUnavailable (connect, reset, TLS, DNS),
  // kDeadlineExceeded (timeout), kInvalidArgument (malformed URL).
  virtual util::StatusOr<Response> send(const Request& request) = 0;

  // Sends a request and hands the body to `consumer` chunk by chunk as it
  // arrives (Kubernetes watch). Returns OK when the server ends the body or the
  // consumer stops it; kCancelled soon (< 100 ms) after `stop` is requested;
  // kUnavailable when the connection drops; kDeadlineExceeded on timeouts.
  virtual util::Status stream(const Request& request, StreamConsumer& consumer,
                              std::stop_token stop) = 0;
};

}  // namespace http
