// Where STS requests go and which region signs them: the global endpoint,
// regional endpoints of every partition, FIPS endpoints, or an explicit
// override (tests and the STS simulator: http://127.0.0.1:PORT).
//
// Thread-safe: pure functions. Errors: kInvalidArgument for a malformed region
// or override URL, or FIPS where the partition has none.
#pragma once

#include <string>
#include <string_view>

#include "pkg/util/status.h"

namespace aws {

struct StsEndpointOptions {
  // Empty: the global endpoint https://sts.amazonaws.com, signed for us-east-1.
  // Else the regional endpoint https://sts.<region>.<partition DNS suffix>.
  std::string region;
  // https://sts-fips.<region>.<suffix> (us-east-1 without a region); in
  // aws-us-gov the regional endpoints are the FIPS ones; aws-cn has none.
  bool use_fips = false;
  // Used as is when set ("http://127.0.0.1:8080"); signed for `region`, or
  // us-east-1 when no region is set.
  std::string endpoint_override;
};

struct StsEndpoint {
  std::string url;             // scheme://host[:port], no trailing '/'
  std::string signing_region;  // the SigV4 scope's region

  friend bool operator==(const StsEndpoint&, const StsEndpoint&) = default;
};

util::StatusOr<StsEndpoint> resolve_sts_endpoint(const StsEndpointOptions& options);

// An endpoint override as a base URL: http(s)://host[:port] without a
// trailing '/'; kInvalidArgument "invalid <service> endpoint '...': ..." for
// anything else (a path, a query, another scheme).
util::StatusOr<std::string> endpoint_override_url(std::string_view url, std::string_view service);

}  // namespace aws
