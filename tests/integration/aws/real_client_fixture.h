// A fixture for tests that point the real AWS clients (/usr/bin/aws, boto3
// under /usr/bin/python3) at an in-process AwsSimulator loaded with the demo
// config (tests/sim/aws/sandbox-config.yaml), on 127.0.0.1 port 0.
//
// Isolation: every client runs with only the environment built here: HOME,
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE in a fresh temporary
// directory, AWS_EC2_METADATA_DISABLED=true, AWS_DEFAULT_REGION=us-east-1,
// AWS_PAGER="", no proxy, PATH=/usr/bin:/bin. Tests skip (with the reason)
// only when /usr/bin/aws or boto3 is absent.
//
// Time: the simulator runs on a FakeClock that starts at the real time (the
// clients sign with real time) and moves only when a test steps it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pkg/aws/credentials.h"
#include "rapidjson/document.h"
#include "tests/integration/aws/child_process.h"
#include "tests/sim/aws/aws_simulator.h"
#include "tests/support/util/fake_clock.h"

namespace integration::aws {

inline constexpr char kAwsCli[] = "/usr/bin/aws";
inline constexpr char kPython[] = "/usr/bin/python3";
inline constexpr char kBootstrapKeyId[] = "AKIASIMBOOTSTRAP0001";
inline constexpr char kBootstrapSecret[] = "sImUlAtEdBoOtStRaPsEcReTkEy/00000000000+";
inline constexpr char kBootstrapArn[] = "arn:aws:iam::123456789012:user/bootstrap";
inline constexpr char kBaseRole[] = "arn:aws:iam::123456789012:role/kube-aws-iam-controller";
inline constexpr char kAppRole[] = "arn:aws:iam::123456789012:role/team/app/my-role";
inline constexpr char kDeniedRole[] = "arn:aws:iam::123456789012:role/denied-role";

// The sandbox config from the source tree (KAIC_SOURCE_DIR, set by ctest).
std::string source_dir();
std::string sandbox_config_path();

// Why the real clients cannot run here, or nullopt when they can.
std::optional<std::string> missing_aws_cli();
std::optional<std::string> missing_boto3();

// "NAME=value" entries; set() replaces an existing NAME.
class Env {
 public:
  void set(const std::string& name, const std::string& value);
  void unset(const std::string& name);
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  std::vector<std::string> entries_;
};

rapidjson::Document parse_json(const std::string& text);

class RealClientTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The isolated environment; `credentials` (when given) as AWS_ACCESS_KEY_ID,
  // AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
  Env client_env(const ::aws::Credentials* credentials = nullptr) const;
  ::aws::Credentials bootstrap() const;

  // aws <args...> --endpoint-url <STS> --output json
  ProcessResult aws_sts(const std::vector<std::string>& args, const Env& env);
  // /usr/bin/python3 -c <script> <args...>
  ProcessResult python(const std::string& script, const std::vector<std::string>& args,
                       const Env& env);

  // Credentials of an `aws sts assume-role` JSON answer.
  static ::aws::Credentials credentials_of_cli_answer(const rapidjson::Document& answer);

  std::string temp_dir_;
  util::testing::FakeClock clock_{util::RealClock().system_now()};
  std::unique_ptr<sim::aws::AwsSimulator> sim_;
};

// The same fixture for boto3 tests, which skip when boto3 is missing.
class Boto3Test : public RealClientTest {
 protected:
  void SetUp() override;
};

}  // namespace integration::aws
