// The standalone aws-sim process with the sandbox config: it reports its
// ports, real clients work against it, its control endpoints answer, and it
// exits cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/aws/real_client_fixture.h"

namespace integration::aws {
namespace {

class AwsSimBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = missing_aws_cli()) GTEST_SKIP() << *why;
    std::string pattern = (std::filesystem::temp_directory_path() / "kaic-aws-sim-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ + "/config") << "";
    std::ofstream(dir_ + "/credentials") << "";
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Env env() const {
    Env e;
    e.set("PATH", "/usr/bin:/bin");
    e.set("HOME", dir_);
    e.set("AWS_CONFIG_FILE", dir_ + "/config");
    e.set("AWS_SHARED_CREDENTIALS_FILE", dir_ + "/credentials");
    e.set("AWS_EC2_METADATA_DISABLED", "true");
    e.set("AWS_DEFAULT_REGION", "us-east-1");
    e.set("AWS_PAGER", "");
    e.set("NO_PROXY", "*");
    return e;
  }

  ProcessResult aws(std::vector<std::string> args, const Env& e, const std::string& endpoint) {
    std::vector<std::string> argv = {kAwsCli, "sts"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--endpoint-url", endpoint, "--output", "json"});
    return run_process(argv, e.entries());
  }

  std::string dir_;
};

TEST_F(AwsSimBinaryTest, SandboxServesRealClientsAndStopsOnSigterm) {
  const std::string ports_file = dir_ + "/ports.json";
  auto child = ChildProcess::spawn({AWS_SIM_PATH, "--config", sandbox_config_path(), "--sts-port",
                                    "0", "--ports-file", ports_file},
                                   {"PATH=/usr/bin:/bin"});
  ASSERT_TRUE(child.ok()) << child.status();
  const std::optional<std::string> line = (*child)->read_line(absl::Seconds(30));
  ASSERT_TRUE(line) << (*child)->wait(absl::Seconds(5)).err;
  const rapidjson::Document ports = parse_json(*line);
  const int sts_port = ports["sts"].GetInt();
  EXPECT_GT(sts_port, 0);
  EXPECT_GT(ports["imds"].GetInt(), 0);
  EXPECT_GT(ports["container"].GetInt(), 0);
  EXPECT_EQ(ports["pid"].GetInt(), (*child)->pid());
  const std::string endpoint = ports["sts_endpoint"].GetString();
  {
    std::ifstream in(ports_file);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), *line + "\n");
  }

  // bootstrap user -> controller role -> the app role; denied-role refused.
  Env user = env();
  user.set("AWS_ACCESS_KEY_ID", kBootstrapKeyId);
  user.set("AWS_SECRET_ACCESS_KEY", kBootstrapSecret);
  const ProcessResult base =
      aws({"assume-role", "--role-arn", kBaseRole, "--role-session-name", "demo"}, user, endpoint);
  ASSERT_EQ(base.exit_code, 0) << base.err;
  const rapidjson::Document answer = parse_json(base.out);
  Env session = env();
  session.set("AWS_ACCESS_KEY_ID", answer["Credentials"]["AccessKeyId"].GetString());
  session.set("AWS_SECRET_ACCESS_KEY", answer["Credentials"]["SecretAccessKey"].GetString());
  session.set("AWS_SESSION_TOKEN", answer["Credentials"]["SessionToken"].GetString());
  const ProcessResult app =
      aws({"assume-role", "--role-arn", kAppRole, "--role-session-name", "app"}, session, endpoint);
  EXPECT_EQ(app.exit_code, 0) << app.err;
  const ProcessResult denied = aws(
      {"assume-role", "--role-arn", kDeniedRole, "--role-session-name", "app"}, session, endpoint);
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_NE(denied.err.find("(AccessDenied)"), std::string::npos) << denied.err;

  // The control endpoints.
  httplib::Client control("127.0.0.1", sts_port);
  auto calls = control.Get("/_sim/calls");
  ASSERT_TRUE(calls);
  ASSERT_EQ(calls->status, 200);
  const rapidjson::Document record = parse_json(calls->body);
  EXPECT_EQ(record["counters"]["AssumeRole"]["Success"].GetInt(), 2);
  EXPECT_EQ(record["counters"]["AssumeRole"]["AccessDenied"].GetInt(), 1);
  EXPECT_STREQ(record["calls"][1]["caller_arn"].GetString(),
               "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/demo");
  EXPECT_STREQ(record["calls"][1]["role_arn"].GetString(), kAppRole);
  EXPECT_EQ(calls->body.find(kBootstrapSecret), std::string::npos);

  auto faults = control.Post("/_sim/faults", R"({"outage": 503})", "application/json");
  ASSERT_TRUE(faults);
  ASSERT_EQ(faults->status, 200);
  Env no_retry = user;
  no_retry.set("AWS_MAX_ATTEMPTS", "1");
  const ProcessResult outage = aws({"get-caller-identity"}, no_retry, endpoint);
  EXPECT_NE(outage.exit_code, 0);
  EXPECT_NE(outage.err.find("ServiceUnavailable"), std::string::npos) << outage.err;

  (*child)->send_signal(SIGTERM);
  const ProcessResult exited = (*child)->wait(absl::Seconds(30));
  EXPECT_FALSE(exited.timed_out);
  EXPECT_EQ(exited.exit_code, 0) << exited.err;
  EXPECT_FALSE(std::filesystem::exists(ports_file));
}

TEST_F(AwsSimBinaryTest, BadConfigExitsWithStatus2) {
  std::ofstream(dir_ + "/bad.yaml") << "roles: [{arn: x, trust: ['*'], colour: blue}]\n";
  const ProcessResult r =
      run_process({AWS_SIM_PATH, "--config", dir_ + "/bad.yaml"}, {"PATH=/usr/bin:/bin"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown key 'colour'"), std::string::npos) << r.err;
  EXPECT_EQ(run_process({AWS_SIM_PATH, "--no-such-flag"}, {}).exit_code, 2);
}

}  // namespace
}  // namespace integration::aws
