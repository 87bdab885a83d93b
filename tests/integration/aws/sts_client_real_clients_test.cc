// Credentials obtained by OUR StsClient (pkg/aws, over pkg/http) from the STS
// simulator, written exactly as the controller's Secret carries them
// (controller::render_secret_data: `credentials`, `credentials.process`,
// `credentials.json`), work for the real AWS CLI and boto3 through both files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "controller/domain/secret_data.h"
#include "pkg/aws/aws_error.h"
#include "pkg/aws/sts_client.h"
#include "pkg/http/http1_transport.h"
#include "tests/integration/aws/real_client_fixture.h"

namespace integration::aws {
namespace {

constexpr char kIdentify[] = R"(
import json, sys, boto3
print(json.dumps({'arn': boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn']}))
)";

class StsClientRealClientsTest : public RealClientTest {
 protected:
  void SetUp() override {
    RealClientTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto transport = http::Http1Transport::create({});
    ASSERT_TRUE(transport.ok()) << transport.status();
    transport_ = std::move(transport).value();
    ::aws::StsClientOptions options;
    options.endpoint.endpoint_override = sim_->sts_endpoint();
    options.calls.max_attempts = 1;
    auto client = ::aws::StsClient::create(*transport_, real_clock_, std::move(options));
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(client).value();
  }

  void TearDown() override {
    // Our client's pooled connection closes first, so the simulator stops at once.
    client_.reset();
    transport_.reset();
    RealClientTest::TearDown();
  }

  // Writes the Secret's data keys as files under <temp>/meta (the mount path).
  std::string write_secret_files(const ::aws::AssumeRoleResult& result, const std::string& role) {
    const std::string mount = temp_dir_ + "/meta";
    std::filesystem::create_directories(mount);
    controller::RoleCredentials creds;
    creds.role_arn = role;
    creds.access_key_id = result.credentials.access_key_id;
    creds.secret_access_key = result.credentials.secret_access_key;
    creds.session_token = result.credentials.session_token;
    creds.expiration = result.credentials.expiration.value_or(absl::InfinitePast());
    for (const auto& [key, value] : controller::render_secret_data(creds, 1, mount)) {
      std::ofstream(mount + "/" + key) << value.reveal();
    }
    return mount;
  }

  util::RealClock real_clock_;
  std::unique_ptr<http::Http1Transport> transport_;
  std::unique_ptr<::aws::StsClient> client_;
};

TEST_F(StsClientRealClientsTest, SecretFilesWorkForCliAndBoto3) {
  ::aws::AssumeRoleRequest request;
  request.role_arn = kBaseRole;
  request.role_session_name = "123456789012.kube-aws-iam-controller";
  request.duration_seconds = 3600;
  auto result = client_->assume_role(request, bootstrap());
  ASSERT_TRUE(result.ok()) << result.status();
  const std::string arn =
      "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/"
      "123456789012.kube-aws-iam-controller";
  EXPECT_EQ(result->assumed_role_user.arn, arn);
  const std::string mount = write_secret_files(*result, kBaseRole);

  for (const char* file : {"credentials", "credentials.process"}) {
    SCOPED_TRACE(file);
    Env env = client_env();
    env.set("AWS_SHARED_CREDENTIALS_FILE", mount + "/" + file);
    const ProcessResult cli = aws_sts({"get-caller-identity"}, env);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(std::string(parse_json(cli.out)["Arn"].GetString()), arn);
    if (missing_boto3()) continue;
    const ProcessResult py = python(kIdentify, {sim_->sts_endpoint()}, env);
    ASSERT_EQ(py.exit_code, 0) << py.err;
    EXPECT_EQ(std::string(parse_json(py.out)["arn"].GetString()), arn);
  }
  // Every client call was made with the key our client obtained.
  for (const auto& call : sim_->calls().calls_of("GetCallerIdentity")) {
    EXPECT_EQ(call.caller_access_key_id, result->credentials.access_key_id);
    EXPECT_EQ(call.result, "Success");
  }
}

TEST_F(StsClientRealClientsTest, ChainedSessionsAndDenialsAsTheControllerSeesThem) {
  ::aws::AssumeRoleRequest base_request;
  base_request.role_arn = kBaseRole;
  base_request.role_session_name = "base";
  auto base = client_->assume_role(base_request, bootstrap());
  ASSERT_TRUE(base.ok()) << base.status();

  ::aws::AssumeRoleRequest app;
  app.role_arn = kAppRole;
  app.role_session_name = "123456789012.team.app.my-role";
  app.duration_seconds = 7200;
  auto chained = client_->assume_role(app, base->credentials);
  ASSERT_FALSE(chained.ok());
  EXPECT_EQ(::aws::aws_error_code(chained.status()), "ValidationError") << chained.status();

  app.duration_seconds = 3600;
  chained = client_->assume_role(app, base->credentials);
  ASSERT_TRUE(chained.ok()) << chained.status();
  auto who = client_->get_caller_identity(chained->credentials);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->arn,
            "arn:aws:sts::123456789012:assumed-role/my-role/123456789012.team.app.my-role");

  ::aws::AssumeRoleRequest denied;
  denied.role_arn = kDeniedRole;
  denied.role_session_name = "denied";
  auto refused = client_->assume_role(denied, base->credentials);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(::aws::aws_error_code(refused.status()), "AccessDenied") << refused.status();

  // The record proves the chain: user -> base role -> app role.
  const auto calls = sim_->calls().calls_of("AssumeRole");
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls[0].caller_arn, kBootstrapArn);
  EXPECT_EQ(calls[2].caller_arn,
            "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/base");
  EXPECT_EQ(calls[2].role_arn, kAppRole);
  EXPECT_EQ(calls[2].result, "Success");
}

}  // namespace
}  // namespace integration::aws
