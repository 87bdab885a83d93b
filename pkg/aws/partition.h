// AWS partitions (aws, aws-cn, aws-us-gov, the ISO partitions, aws-eusc): their
// names as they appear in ARNs, their DNS suffixes, and which partition a
// region belongs to. Used by ARN validation and STS endpoint resolution.
//
// Thread-safe: pure functions over constants. Errors: kInvalidArgument for an
// unknown partition name.
#pragma once

#include <span>
#include <string_view>

#include "pkg/util/status.h"

namespace aws {

enum class Partition { kAws, kAwsCn, kAwsUsGov, kAwsIso, kAwsIsoB, kAwsIsoE, kAwsIsoF, kAwsEusc };

// Every partition, in the order above.
std::span<const Partition> all_partitions();

// "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc".
std::string_view partition_name(Partition partition);

// The inverse of partition_name(); kInvalidArgument "unknown partition 'x'".
util::StatusOr<Partition> parse_partition(std::string_view name);

// "amazonaws.com", "amazonaws.com.cn", "amazonaws.com" (us-gov), "c2s.ic.gov",
// "sc2s.sgov.gov", "cloud.adc-e.uk", "csp.hci.ic.gov", "amazonaws.eu".
std::string_view dns_suffix(Partition partition);

// The partition a region is in, by its prefix: cn-* aws-cn, us-gov-* aws-us-gov,
// us-iso-* aws-iso, us-isob-* aws-iso-b, eu-isoe-* aws-iso-e, us-isof-*
// aws-iso-f, eusc-* aws-eusc, anything else aws.
Partition partition_of_region(std::string_view region);

}  // namespace aws
