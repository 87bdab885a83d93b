// Where role credentials come from. The reconciler asks for a role; the STS
// implementation assumes it with the controller's own credentials (the base
// chain, or the --assume-role intermediate); the Roles Anywhere one
// (--roles-anywhere-direct) gets it from CreateSession with the controller's
// certificate. An interface so reconciler tests can script outcomes without AWS.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "controller/domain/secret_data.h"
#include "pkg/aws/arn.h"
#include "pkg/aws/credentials_provider.h"
#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/sts_client.h"
#include "pkg/aws/x509_identity_files.h"
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

// CreateSession for each role, signed with the certificate in `identity`
// (--roles-anywhere-direct): no base role, so no role chaining and sessions
// of up to 12 hours; the profile's duration caps them (the note says so when
// it did). CreateSession takes no session policy: a role that asks for one
// (spec.policy, spec.policyARNs) is refused with kInvalidArgument. The
// controller's flags keep ExternalId and session tags away (config.h).
class RolesAnywhereCredentialSource final : public CredentialSource {
 public:
  RolesAnywhereCredentialSource(aws::RolesAnywhereClient& client, aws::X509IdentityFiles& identity,
                                std::string trust_anchor_arn, std::string profile_arn,
                                util::Clock& clock)
      : client_(client),
        identity_(identity),
        trust_anchor_arn_(std::move(trust_anchor_arn)),
        profile_arn_(std::move(profile_arn)),
        clock_(clock) {}
  util::StatusOr<IssuedCredentials> issue(const RoleRequest& request,
                                          std::stop_token stop) override;

 private:
  aws::RolesAnywhereClient& client_;
  aws::X509IdentityFiles& identity_;
  const std::string trust_anchor_arn_;
  const std::string profile_arn_;
  util::Clock& clock_;
};

inline constexpr int kRoleChainingMaxSeconds = 3600;

}  // namespace controller
