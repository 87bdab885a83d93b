// Where role credentials come from. The reconciler asks for a role; the STS
// implementation assumes it with the controller's own credentials (the base
// chain, or the --assume-role intermediate). An interface so reconciler tests
// can script outcomes without STS.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "controller/secret_data.h"
#include "pkg/aws/arn.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/sts_client.h"
#include "pkg/util/status.h"

namespace controller {

struct RoleRequest {
  aws::RoleArn role;
  int duration_seconds = 3600;
  std::optional<std::string> policy;
  std::vector<std::string> policy_arns;
  std::vector<aws::StsTag> tags;
  std::optional<std::string> external_id;

  friend bool operator==(const RoleRequest&, const RoleRequest&) = default;
};

struct IssuedCredentials {
  RoleCredentials credentials;
  // Something the user should know about this session (e.g. it was clamped);
  // empty when nothing.
  std::string note;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual util::StatusOr<IssuedCredentials> issue(const RoleRequest& request,
                                                  std::stop_token stop) = 0;
};

// AssumeRole through STS as `caller`. When the caller is itself a role
// session, AWS caps chained sessions at one hour and refuses longer ones with
// a ValidationError; this source then retries at 3600 s and says so in the
// note rather than leaving the role without credentials.
class StsCredentialSource final : public CredentialSource {
 public:
  StsCredentialSource(aws::StsClient& sts, aws::CredentialsProvider& caller)
      : sts_(sts), caller_(caller) {}
  util::StatusOr<IssuedCredentials> issue(const RoleRequest& request,
                                          std::stop_token stop) override;

 private:
  aws::StsClient& sts_;
  aws::CredentialsProvider& caller_;
};

inline constexpr int kRoleChainingMaxSeconds = 3600;

}  // namespace controller
