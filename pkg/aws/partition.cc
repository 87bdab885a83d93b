#include "pkg/aws/partition.h"

#include <array>

#include "pkg/util/strings.h"

namespace aws {
namespace {

struct PartitionInfo {
  Partition partition;
  std::string_view name;
  std::string_view dns_suffix;
};

constexpr std::array<PartitionInfo, 8> kPartitions = {{
    {Partition::kAws, "aws", "amazonaws.com"},
    {Partition::kAwsCn, "aws-cn", "amazonaws.com.cn"},
    {Partition::kAwsUsGov, "aws-us-gov", "amazonaws.com"},
    {Partition::kAwsIso, "aws-iso", "c2s.ic.gov"},
    {Partition::kAwsIsoB, "aws-iso-b", "sc2s.sgov.gov"},
    {Partition::kAwsIsoE, "aws-iso-e", "cloud.adc-e.uk"},
    {Partition::kAwsIsoF, "aws-iso-f", "csp.hci.ic.gov"},
    {Partition::kAwsEusc, "aws-eusc", "amazonaws.eu"},
}};

constexpr std::array<Partition, 8> kAll = {
    Partition::kAws,     Partition::kAwsCn,   Partition::kAwsUsGov, Partition::kAwsIso,
    Partition::kAwsIsoB, Partition::kAwsIsoE, Partition::kAwsIsoF,  Partition::kAwsEusc};

const PartitionInfo& info(Partition partition) {
  return kPartitions[static_cast<size_t>(partition)];
}

}  // namespace

std::span<const Partition> all_partitions() {
  return kAll;
}

std::string_view partition_name(Partition partition) {
  return info(partition).name;
}

std::string_view dns_suffix(Partition partition) {
  return info(partition).dns_suffix;
}

util::StatusOr<Partition> parse_partition(std::string_view name) {
  for (const PartitionInfo& p : kPartitions) {
    if (p.name == name) return p.partition;
  }
  return util::invalid_argument_error(util::cat("unknown partition '", name, "'"));
}

Partition partition_of_region(std::string_view region) {
  // Longest prefixes first: "us-isob-" and "us-isof-" before "us-iso-".
  static constexpr std::pair<std::string_view, Partition> kPrefixes[] = {
      {"us-gov-", Partition::kAwsUsGov}, {"us-isob-", Partition::kAwsIsoB},
      {"us-isof-", Partition::kAwsIsoF}, {"us-iso-", Partition::kAwsIso},
      {"eu-isoe-", Partition::kAwsIsoE}, {"eusc-", Partition::kAwsEusc},
      {"cn-", Partition::kAwsCn},
  };
  for (const auto& [prefix, partition] : kPrefixes) {
    if (region.substr(0, prefix.size()) == prefix) return partition;
  }
  return Partition::kAws;
}

}  // namespace aws
