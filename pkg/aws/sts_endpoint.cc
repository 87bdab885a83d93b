#include "pkg/aws/sts_endpoint.h"

#include <algorithm>

#include "pkg/aws/partition.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

constexpr std::string_view kGlobalUrl = "https://sts.amazonaws.com";
constexpr std::string_view kGlobalSigningRegion = "us-east-1";

bool valid_region(std::string_view region) {
  return !region.empty() && region.front() != '-' && region.back() != '-' &&
         std::all_of(region.begin(), region.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

}  // namespace

util::StatusOr<std::string> endpoint_override_url(std::string_view url, std::string_view service) {
  std::string out(url);
  const std::string lower = util::to_lower(out);
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    return util::invalid_argument_error(
        util::cat("invalid ", service, " endpoint '", url, "': want http(s)://host[:port]"));
  }
  while (!out.empty() && out.back() == '/')
    out.pop_back();
  if (out.find('/', out.find("://") + 3) != std::string::npos ||
      out.find('?') != std::string::npos) {
    return util::invalid_argument_error(
        util::cat("invalid ", service, " endpoint '", url, "': no path allowed"));
  }
  return out;
}

util::StatusOr<StsEndpoint> resolve_sts_endpoint(const StsEndpointOptions& options) {
  if (!options.region.empty() && !valid_region(options.region)) {
    return util::invalid_argument_error(
        util::cat("invalid AWS region '", options.region, "': want e.g. us-east-1"));
  }
  if (!options.endpoint_override.empty()) {
    ASSIGN_OR_RETURN(std::string url, endpoint_override_url(options.endpoint_override, "STS"));
    return StsEndpoint{std::move(url),
                       options.region.empty() ? std::string(kGlobalSigningRegion) : options.region};
  }
  if (options.region.empty() || options.region == "aws-global") {
    if (options.use_fips) {
      return StsEndpoint{"https://sts-fips.us-east-1.amazonaws.com",
                         std::string(kGlobalSigningRegion)};
    }
    return StsEndpoint{std::string(kGlobalUrl), std::string(kGlobalSigningRegion)};
  }
  const Partition partition = partition_of_region(options.region);
  std::string host = "sts.";
  if (options.use_fips) {
    if (partition == Partition::kAwsCn) {
      return util::invalid_argument_error(
          util::cat("no FIPS STS endpoint in partition aws-cn (region ", options.region, ")"));
    }
    if (partition != Partition::kAwsUsGov) host = "sts-fips.";
  }
  return StsEndpoint{util::cat("https://", host, options.region, ".", dns_suffix(partition)),
                     options.region};
}

}  // namespace aws
