// Transport-neutral HTTP request/response values for the simulators' handlers,
// so each service is a plain function from request to response that unit tests
// call directly and HttpServer adapts to cpp-httplib.
//
// Thread-safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim::aws {

// Ordered header list; names compare case-insensitively, duplicates are kept.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SimRequest {
  std::string method;     // "GET", "POST", ...
  std::string raw_path;   // as sent, still percent-encoded: "/", "/latest/api/token"
  std::string raw_query;  // as sent, without '?': "Action=GetCallerIdentity&Version=2011-06-15"
  HeaderList headers;
  std::string body;

  // First value of the named header, if present.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of the named header, in order.
  std::vector<std::string_view> header_values(std::string_view name) const;
};

struct SimResponse {
  int status = 200;
  std::string content_type = "text/plain";
  HeaderList headers;
  std::string body;
};

}  // namespace sim::aws
