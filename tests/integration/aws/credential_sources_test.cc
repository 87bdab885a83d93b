// The AWS CLI's own credential providers against the IMDS and container
// endpoint simulators: botocore's IMDSv2 fetcher and its container provider
// accept what the simulators serve, and STS accepts the credentials.
#include <gtest/gtest.h>

#include "pkg/util/strings.h"
#include "tests/integration/aws/real_client_fixture.h"

namespace integration::aws {
namespace {

class CredentialSourcesTest : public RealClientTest {};

TEST_F(CredentialSourcesTest, CliTakesInstanceCredentialsFromImdsV2) {
  Env env = client_env();
  env.set("AWS_EC2_METADATA_DISABLED", "false");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", sim_->imds_endpoint() + "/");
  const ProcessResult r = aws_sts({"get-caller-identity"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_STREQ(
      parse_json(r.out)["Arn"].GetString(),
      "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/i-0123456789abcdef0");
  // IMDSv2: a token first, then the credentials with it.
  EXPECT_GE(sim_->calls().count("GetToken", "Success"), 1);
  EXPECT_GE(sim_->calls().count("GetCredentials", "Success"), 1);
  EXPECT_EQ(sim_->calls().count("GetMetadata", "401"), 0);
}

TEST_F(CredentialSourcesTest, CliTakesContainerCredentials) {
  Env env = client_env();
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", sim_->container_credentials_uri());
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "sim-pod-identity-token");
  const ProcessResult r = aws_sts({"get-caller-identity"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_STREQ(parse_json(r.out)["Arn"].GetString(),
               "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/eks-pod-identity");
}

TEST_F(CredentialSourcesTest, WrongContainerTokenFailsInTheCli) {
  Env env = client_env();
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", sim_->container_credentials_uri());
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token");
  const ProcessResult r = aws_sts({"get-caller-identity"}, env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(sim_->calls().count("GetCredentials", "403"), sim_->calls().total());
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Success"), 0);
}

}  // namespace
}  // namespace integration::aws
