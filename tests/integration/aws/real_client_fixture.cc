#include "tests/integration/aws/real_client_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/sim/aws/config_loader.h"

namespace integration::aws {

std::string source_dir() {
  const char* dir = std::getenv("KAIC_SOURCE_DIR");
  return dir != nullptr ? dir : "";
}

std::string sandbox_config_path() {
  return source_dir() + "/tests/sim/aws/sandbox-config.yaml";
}

std::optional<std::string> missing_aws_cli() {
  if (access(kAwsCli, X_OK) != 0) {
    return std::string(kAwsCli) + " is not installed (scripts/install-deps.sh installs awscli)";
  }
  return std::nullopt;
}

std::optional<std::string> missing_boto3() {
  static const std::optional<std::string> missing = []() -> std::optional<std::string> {
    if (access(kPython, X_OK) != 0) {
      return std::string(kPython) + " is not installed (scripts/install-deps.sh installs it)";
    }
    const ProcessResult r =
        run_process({kPython, "-c", "import boto3"}, {"PATH=/usr/bin:/bin"}, absl::Seconds(60));
    if (r.exit_code != 0) {
      return "boto3 is not importable by " + std::string(kPython) +
             " (scripts/install-deps.sh installs python3-boto3): " + r.err;
    }
    return std::nullopt;
  }();
  return missing;
}

void Env::set(const std::string& name, const std::string& value) {
  unset(name);
  entries_.push_back(name + "=" + value);
}

void Env::unset(const std::string& name) {
  std::erase_if(entries_, [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << "not JSON: " << text;
  return d;
}

void RealClientTest::SetUp() {
  if (auto why = missing_aws_cli()) GTEST_SKIP() << *why;
  ASSERT_FALSE(source_dir().empty()) << "run through ctest (KAIC_SOURCE_DIR)";
  std::string pattern = (std::filesystem::temp_directory_path() / "kaic-aws-it-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  temp_dir_ = pattern;
  // Empty config and credentials files: nothing of the user's leaks in.
  std::ofstream(temp_dir_ + "/config") << "";
  std::ofstream(temp_dir_ + "/credentials") << "";

  auto config = sim::aws::load_iam_config(sandbox_config_path());
  ASSERT_TRUE(config.ok()) << config.status();
  sim::aws::AwsSimulator::Options options;
  options.config = std::move(config).value();
  auto sim = sim::aws::AwsSimulator::create(std::move(options), clock_);
  ASSERT_TRUE(sim.ok()) << sim.status();
  sim_ = std::move(sim).value();
  ASSERT_TRUE(sim_->start().ok());
}

void RealClientTest::TearDown() {
  if (sim_) sim_->stop();
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_);
}

void Boto3Test::SetUp() {
  if (auto why = missing_boto3()) GTEST_SKIP() << *why;
  RealClientTest::SetUp();
}

Env RealClientTest::client_env(const ::aws::Credentials* credentials) const {
  Env env;
  env.set("PATH", "/usr/bin:/bin");
  env.set("HOME", temp_dir_);
  env.set("LANG", "C.UTF-8");
  env.set("AWS_CONFIG_FILE", temp_dir_ + "/config");
  env.set("AWS_SHARED_CREDENTIALS_FILE", temp_dir_ + "/credentials");
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  env.set("AWS_DEFAULT_REGION", "us-east-1");
  env.set("AWS_PAGER", "");
  env.set("NO_PROXY", "*");
  if (credentials != nullptr) {
    env.set("AWS_ACCESS_KEY_ID", credentials->access_key_id);
    env.set("AWS_SECRET_ACCESS_KEY", std::string(credentials->secret_access_key.reveal()));
    if (!credentials->session_token.empty()) {
      env.set("AWS_SESSION_TOKEN", std::string(credentials->session_token.reveal()));
    }
  }
  return env;
}

::aws::Credentials RealClientTest::bootstrap() const {
  ::aws::Credentials c;
  c.access_key_id = kBootstrapKeyId;
  c.secret_access_key = util::SecretString(kBootstrapSecret);
  return c;
}

ProcessResult RealClientTest::aws_sts(const std::vector<std::string>& args, const Env& env) {
  std::vector<std::string> argv = {kAwsCli, "sts"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--endpoint-url", sim_->sts_endpoint(), "--output", "json"});
  return run_process(argv, env.entries());
}

ProcessResult RealClientTest::python(const std::string& script,
                                     const std::vector<std::string>& args, const Env& env) {
  std::vector<std::string> argv = {kPython, "-c", script};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, env.entries());
}

::aws::Credentials RealClientTest::credentials_of_cli_answer(const rapidjson::Document& answer) {
  ::aws::Credentials c;
  const auto& creds = answer["Credentials"];
  c.access_key_id = creds["AccessKeyId"].GetString();
  c.secret_access_key = util::SecretString(creds["SecretAccessKey"].GetString());
  c.session_token = util::SecretString(creds["SessionToken"].GetString());
  return c;
}

}  // namespace integration::aws
