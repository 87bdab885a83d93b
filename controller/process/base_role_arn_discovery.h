// Where role names and paths get their ARN prefix (the base role ARN):
// --base-role-arn, else the EC2 instance profile's account (IMDSv2, as the Go
// original), else the account of the controller's own credentials (STS
// GetCallerIdentity). Without one only full role ARNs work, and the status
// says why each step found nothing, for the AWSIAMRoles' Ready message.
//
// Thread-compatible: call once at start-up. Borrows every source.
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include "pkg/aws/arn.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/providers/imds_client.h"
#include "pkg/aws/sts_client.h"
#include "pkg/util/status.h"

namespace controller {

struct BaseRoleArnSources {
  std::optional<aws::BaseRoleArn> flag;  // --base-role-arn (Config parsed it); none: discover
  aws::ImdsClient& imds;
  aws::CredentialsProvider& credentials;  // the controller's own
  aws::StsClient& sts;
};

struct DiscoveredBaseRoleArn {
  aws::BaseRoleArn arn;
  // For the log: "--base-role-arn", "the instance profile arn:...",
  // "the account of the controller's credentials (arn:...)".
  std::string source;
};

// kNotFound when there is no flag and nothing was found, with a message
// naming every step and why it failed:
//   "no --base-role-arn and none discovered (instance profile: GET
//    /latest/meta-data/iam/info: HTTP 404; the controller's credentials: ...)"
util::StatusOr<DiscoveredBaseRoleArn> discover_base_role_arn(const BaseRoleArnSources& sources,
                                                             const std::stop_token& stop);

}  // namespace controller
