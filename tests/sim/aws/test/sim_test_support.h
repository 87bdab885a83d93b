// Shared fixtures for the aws-sim unit tests: an IAM world exercising every
// rule, SigV4-signed STS requests built with pkg/aws's signer, and readers of
// STS's XML answers (pugixml, independent of the simulator's own writer).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pkg/aws/credentials.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/sim/aws/sts_request.h"
#include "tests/support/util/fake_clock.h"

namespace sim::aws::testing {

inline constexpr std::string_view kAccount = "123456789012";
inline constexpr std::string_view kAliceArn = "arn:aws:iam::123456789012:user/alice";
inline constexpr std::string_view kAliceKeyId = "AKIAALICE00000000001";
inline constexpr std::string_view kAliceSecret = "aliceSecretAliceSecretAliceSecret0000000";
inline constexpr std::string_view kBobArn = "arn:aws:iam::123456789012:user/bob";
inline constexpr std::string_view kBobKeyId = "AKIABOB0000000000001";
inline constexpr std::string_view kBobSecret = "bobSecretBobSecretBobSecretBobSecret0000";

inline constexpr std::string_view kAppRole = "arn:aws:iam::123456789012:role/app";
inline constexpr std::string_view kPathRole = "arn:aws:iam::123456789012:role/team/app/my-role";
inline constexpr std::string_view kLongRole = "arn:aws:iam::123456789012:role/long";
inline constexpr std::string_view kChainedRole = "arn:aws:iam::123456789012:role/chained";
inline constexpr std::string_view kExternalIdRole = "arn:aws:iam::123456789012:role/partner";
inline constexpr std::string_view kTaggedRole = "arn:aws:iam::123456789012:role/tagged";
inline constexpr std::string_view kDeniedRole = "arn:aws:iam::123456789012:role/load/denied";
inline constexpr std::string_view kInstanceRole = "arn:aws:iam::123456789012:role/node";
inline constexpr std::string_view kPodRole = "arn:aws:iam::123456789012:role/pod";
inline constexpr std::string_view kWebRole = "arn:aws:iam::123456789012:role/web";
inline constexpr std::string_view kWebToken = "web-identity-token-0123456789";
inline constexpr std::string_view kPodToken = "pod-identity-token";

// alice may assume app, team/app/my-role (max 1h), long (max 12h), partner
// (ExternalId "ext-123"), tagged (tag team=payments), load/* (except
// load/denied, which trusts only bob), node and pod. chained trusts any
// session of `long`. web trusts web identity. bob is in no trust list but denied's.
IamConfig test_config();

::aws::Credentials user_credentials(std::string_view key_id, std::string_view secret);
::aws::Credentials alice();
::aws::Credentials bob();

// A form POST to STS, signed for `region`/"sts" at `when` with `credentials`.
SimRequest signed_sts_request(const ParamList& params, const ::aws::Credentials& credentials,
                              absl::Time when, std::string_view region = "us-east-1",
                              std::string_view service = "sts");
// The same request unsigned (AssumeRoleWithWebIdentity).
SimRequest unsigned_sts_request(const ParamList& params);

// What an STS answer says, read with pugixml.
struct StsAnswer {
  int status = 0;
  std::string root;   // root element name
  std::string xmlns;  // its namespace
  // Text of every leaf element by path below the root's result element
  // ("Credentials/AccessKeyId") or, for errors, "Error/Code", "RequestId".
  std::map<std::string, std::string> fields;
  std::string code() const { return get("Error/Code"); }
  std::string message() const { return get("Error/Message"); }
  std::string get(const std::string& path) const {
    auto it = fields.find(path);
    return it == fields.end() ? "" : it->second;
  }
};
StsAnswer read_answer(const SimResponse& response);

// Credentials from an AssumeRole* answer.
::aws::Credentials credentials_from(const StsAnswer& answer);

// A simulator on a FakeClock, not listening (tests call handlers directly).
class SimFixture : public ::testing::Test {
 protected:
  SimFixture();

  // Signs `params` with `creds` at the fake clock's now and answers them.
  StsAnswer call(const ParamList& params, const ::aws::Credentials& creds);
  StsAnswer assume(std::string_view role_arn, std::string_view session,
                   const ::aws::Credentials& creds, ParamList extra = {});
  StsAnswer caller_identity(const ::aws::Credentials& creds);

  util::testing::FakeClock clock_;
  std::unique_ptr<AwsSimulator> sim_;
};

}  // namespace sim::aws::testing
