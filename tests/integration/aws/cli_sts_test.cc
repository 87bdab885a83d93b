// The real AWS CLI (/usr/bin/aws) against the STS simulator: what it sends is
// accepted (its SigV4 signature verifies), what it gets back it parses, and
// the errors it shows are STS's.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/aws/real_client_fixture.h"

namespace integration::aws {
namespace {

class CliStsTest : public RealClientTest {};

TEST_F(CliStsTest, AssumeRoleThenTheSessionIdentifiesAsTheRole) {
  const ::aws::Credentials user = bootstrap();
  const ProcessResult assumed =
      aws_sts({"assume-role", "--role-arn", kBaseRole, "--role-session-name", "cli-session",
               "--duration-seconds", "7200"},
              client_env(&user));
  ASSERT_EQ(assumed.exit_code, 0) << assumed.err;
  const rapidjson::Document answer = parse_json(assumed.out);
  EXPECT_EQ(std::string(answer["AssumedRoleUser"]["Arn"].GetString()),
            "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/cli-session");
  const std::string key_id = answer["Credentials"]["AccessKeyId"].GetString();
  EXPECT_EQ(key_id.substr(0, 4), "ASIA");
  // The CLI shows the Expiration it parsed, in its own format: 2 h after now.
  EXPECT_TRUE(answer["Credentials"]["Expiration"].IsString());

  const ::aws::Credentials session = credentials_of_cli_answer(answer);
  const ProcessResult who = aws_sts({"get-caller-identity"}, client_env(&session));
  ASSERT_EQ(who.exit_code, 0) << who.err;
  const rapidjson::Document identity = parse_json(who.out);
  EXPECT_STREQ(identity["Arn"].GetString(),
               "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/cli-session");
  EXPECT_STREQ(identity["Account"].GetString(), "123456789012");

  // The simulator saw both calls, each signed by the right key.
  const auto calls = sim_->calls().calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].caller_arn, kBootstrapArn);
  EXPECT_EQ(calls[0].duration_seconds, 7200);
  EXPECT_EQ(calls[1].action, "GetCallerIdentity");
  EXPECT_EQ(calls[1].caller_access_key_id, key_id);
}

TEST_F(CliStsTest, CredentialsFromASharedCredentialsFile) {
  std::ofstream(temp_dir_ + "/credentials")
      << "[default]\naws_access_key_id = " << kBootstrapKeyId
      << "\naws_secret_access_key = " << kBootstrapSecret << "\n";
  const ProcessResult who = aws_sts({"get-caller-identity"}, client_env());
  ASSERT_EQ(who.exit_code, 0) << who.err;
  EXPECT_STREQ(parse_json(who.out)["Arn"].GetString(), kBootstrapArn);
}

TEST_F(CliStsTest, CorruptedSecretIsSignatureDoesNotMatch) {
  ::aws::Credentials corrupted = bootstrap();
  std::string secret(corrupted.secret_access_key.reveal());
  secret[7] = secret[7] == 'x' ? 'y' : 'x';
  corrupted.secret_access_key = util::SecretString(secret);
  const ProcessResult r = aws_sts({"get-caller-identity"}, client_env(&corrupted));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("An error occurred (SignatureDoesNotMatch) when calling the "
                       "GetCallerIdentity operation: The request signature we calculated does not "
                       "match the signature you provided."),
            std::string::npos)
      << r.err;
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "SignatureDoesNotMatch"), 1);
}

TEST_F(CliStsTest, UnknownKeyIsInvalidClientTokenId) {
  ::aws::Credentials stranger = bootstrap();
  stranger.access_key_id = "AKIASTRANGER00000001";
  const ProcessResult r = aws_sts({"get-caller-identity"}, client_env(&stranger));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("(InvalidClientTokenId) when calling the GetCallerIdentity operation: The "
                       "security token included in the request is invalid."),
            std::string::npos)
      << r.err;
}

TEST_F(CliStsTest, TrustFailureIsAccessDenied) {
  const ::aws::Credentials user = bootstrap();
  const ProcessResult base = aws_sts(
      {"assume-role", "--role-arn", kBaseRole, "--role-session-name", "base"}, client_env(&user));
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const ::aws::Credentials session = credentials_of_cli_answer(parse_json(base.out));
  const ProcessResult r =
      aws_sts({"assume-role", "--role-arn", kDeniedRole, "--role-session-name", "x1"},
              client_env(&session));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("An error occurred (AccessDenied) when calling the AssumeRole operation: "
                       "User: arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/base "
                       "is not authorized to perform: sts:AssumeRole on resource: "
                       "arn:aws:iam::123456789012:role/denied-role"),
            std::string::npos)
      << r.err;
  // The same session may assume the application role.
  const ProcessResult ok = aws_sts(
      {"assume-role", "--role-arn", kAppRole, "--role-session-name", "app"}, client_env(&session));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(CliStsTest, RoleChainingLimitAndValidationErrorsReachTheCli) {
  const ::aws::Credentials user = bootstrap();
  const ProcessResult base = aws_sts(
      {"assume-role", "--role-arn", kBaseRole, "--role-session-name", "base"}, client_env(&user));
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const ::aws::Credentials session = credentials_of_cli_answer(parse_json(base.out));
  ProcessResult r = aws_sts({"assume-role", "--role-arn", kAppRole, "--role-session-name", "app",
                             "--duration-seconds", "7200"},
                            client_env(&session));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("(ValidationError) when calling the AssumeRole operation: The requested "
                       "DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
                       "chaining."),
            std::string::npos)
      << r.err;
  // The CLI checks only the minimum length itself; 65 characters reach STS.
  r = aws_sts({"assume-role", "--role-arn", kAppRole, "--role-session-name", std::string(65, 'n')},
              client_env(&session));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("1 validation error detected: Value '" + std::string(65, 'n') +
                       "' at 'roleSessionName' failed to satisfy constraint: Member must have "
                       "length less than or equal to 64"),
            std::string::npos)
      << r.err;
}

TEST_F(CliStsTest, ExpiredSessionIsExpiredToken) {
  sim_->iam().set_issued_duration_cap(absl::Seconds(60));
  const ::aws::Credentials user = bootstrap();
  const ProcessResult base = aws_sts(
      {"assume-role", "--role-arn", kBaseRole, "--role-session-name", "short"}, client_env(&user));
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const ::aws::Credentials session = credentials_of_cli_answer(parse_json(base.out));
  clock_.step(absl::Seconds(61));
  const ProcessResult r = aws_sts({"get-caller-identity"}, client_env(&session));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("(ExpiredToken) when calling the GetCallerIdentity operation: The security "
                       "token included in the request is expired"),
            std::string::npos)
      << r.err;
}

TEST_F(CliStsTest, WebIdentityNeedsNoKeys) {
  const ProcessResult r = aws_sts(
      {"assume-role-with-web-identity", "--role-arn", kBaseRole, "--role-session-name", "irsa",
       "--web-identity-token", "sim-web-identity-token-for-kube-aws-iam-controller"},
      client_env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const rapidjson::Document answer = parse_json(r.out);
  EXPECT_STREQ(answer["SubjectFromWebIdentityToken"].GetString(),
               "system:serviceaccount:kube-system:kube-aws-iam-controller");
  EXPECT_STREQ(answer["AssumedRoleUser"]["Arn"].GetString(),
               "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/irsa");
}

TEST_F(CliStsTest, ThrottlingIsRetriedByTheCli) {
  sim_->faults().throttle_next(1);
  const ::aws::Credentials user = bootstrap();
  const ProcessResult r = aws_sts({"get-caller-identity"}, client_env(&user));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Throttling"), 1);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Success"), 1);
}

}  // namespace
}  // namespace integration::aws
