// Providers that read the local machine: environment, shared files and
// credential_process (real /bin/sh processes over temp files).
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/providers/caching_provider.h"
#include "pkg/aws/providers/environment_provider.h"
#include "pkg/aws/providers/process_runner.h"
#include "pkg/aws/providers/shared_files_provider.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/aws/temp_dir.h"

namespace aws {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using util::StatusCode;

TEST(EnvironmentProviderTest, ReadsKeysTokenAndExpiration) {
  EnvironmentProvider provider(fixed_env({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                          {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                          {"AWS_SESSION_TOKEN", "envtoken"},
                                          {"AWS_CREDENTIAL_EXPIRATION", "2026-01-02T03:04:05Z"}}));
  const util::StatusOr<Credentials> c = provider.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->secret_access_key.reveal(), "envsecret");
  EXPECT_EQ(c->session_token.reveal(), "envtoken");
  EXPECT_EQ(c->expiration, *util::parse_rfc3339("2026-01-02T03:04:05Z"));
  EXPECT_EQ(c->source, "environment");
  EXPECT_EQ(provider.name(), "environment");
}

TEST(EnvironmentProviderTest, LegacyTokenAndNoExpiration) {
  EnvironmentProvider provider(fixed_env({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                          {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                          {"AWS_SECURITY_TOKEN", "legacy"}}));
  const util::StatusOr<Credentials> c = provider.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->session_token.reveal(), "legacy");
  EXPECT_FALSE(c->expiration.has_value());
}

TEST(EnvironmentProviderTest, Errors) {
  EXPECT_EQ(EnvironmentProvider(fixed_env({})).credentials().status(),
            util::not_found_error("AWS_ACCESS_KEY_ID not set"));
  EXPECT_EQ(
      EnvironmentProvider(fixed_env({{"AWS_ACCESS_KEY_ID", ""}})).credentials().status().code(),
      StatusCode::kNotFound);
  const util::Status no_secret =
      EnvironmentProvider(fixed_env({{"AWS_ACCESS_KEY_ID", "AKID"}})).credentials().status();
  EXPECT_EQ(no_secret.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_secret.message(), HasSubstr("AWS_SECRET_ACCESS_KEY is not"));
  const util::Status bad_time =
      EnvironmentProvider(fixed_env({{"AWS_ACCESS_KEY_ID", "AKID"},
                                     {"AWS_SECRET_ACCESS_KEY", "s3cr3t"},
                                     {"AWS_CREDENTIAL_EXPIRATION", "soon"}}))
          .credentials()
          .status();
  EXPECT_EQ(bad_time.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_time.message(), HasSubstr("AWS_CREDENTIAL_EXPIRATION 'soon'"));
  EXPECT_THAT(bad_time.message(), Not(HasSubstr("s3cr3t")));
}

TEST(ProcessRunnerTest, CapturesStdoutStderrAndExitCode) {
  const util::StatusOr<ProcessResult> r =
      run_shell("printf out; printf err >&2; exit 3", absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_data.reveal(), "out");
  EXPECT_EQ(r->stderr_data, "err");
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_FALSE(r->signaled);
}

TEST(ProcessRunnerTest, KillsTheProcessGroupOnTimeout) {
  // A real (short) timeout: what is tested is that the wait is bounded.
  const util::StatusOr<ProcessResult> r = run_shell("sleep 30 & sleep 30", absl::Milliseconds(200));
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(r.status().message(), HasSubstr("did not finish within 200ms"));
}

TEST(ProcessRunnerTest, LimitsOutput) {
  const util::StatusOr<ProcessResult> r =
      run_shell("head -c 5000 /dev/zero", absl::Seconds(30), 1000);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

class SharedFilesTest : public ::testing::Test {
 protected:
  SharedFilesProvider provider(std::unordered_map<std::string, std::string> env = {}) {
    env.emplace("HOME", dir_.path().string());
    return SharedFilesProvider(
        {.env = fixed_env(std::move(env)), .process_timeout = absl::Seconds(30)});
  }
  std::string aws_file(const std::string& name, const std::string& content) {
    std::filesystem::create_directories(dir_.path() / ".aws");
    return dir_.write(".aws/" + name, content);
  }

  testing::TempDir dir_;
};

TEST_F(SharedFilesTest, NotConfiguredWithoutFiles) {
  const util::Status status = provider().credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/.aws/credentials nor"));
}

TEST_F(SharedFilesTest, StaticKeysFromDefaultProfile) {
  aws_file("credentials",
           "# comment\n[other]\naws_access_key_id = AKIDOTHER\n\n[default]\n"
           "aws_access_key_id = AKIDFILE\r\naws_secret_access_key=filesecret\n"
           "aws_session_token = filetoken\n");
  const util::StatusOr<Credentials> c = provider().credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "AKIDFILE");
  EXPECT_EQ(c->secret_access_key.reveal(), "filesecret");
  EXPECT_EQ(c->session_token.reveal(), "filetoken");
  EXPECT_EQ(c->source, "shared credentials (profile default)");
}

TEST_F(SharedFilesTest, ProfileFromConfigFileAndPrecedence) {
  aws_file("config",
           "[default]\nregion = eu-west-1\n[profile team]\naws_access_key_id = AKIDCONFIG\n"
           "aws_secret_access_key = configsecret\ns3 =\n  max_concurrent_requests = 10\n");
  const util::StatusOr<Credentials> from_config = provider({{"AWS_PROFILE", "team"}}).credentials();
  ASSERT_TRUE(from_config.ok()) << from_config.status();
  EXPECT_EQ(from_config->access_key_id, "AKIDCONFIG");
  // The credentials file wins for the same key.
  aws_file("credentials", "[team]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = cs\n");
  EXPECT_EQ(provider({{"AWS_PROFILE", "team"}}).credentials()->access_key_id, "AKIDCREDS");
}

TEST_F(SharedFilesTest, MissingProfiles) {
  aws_file("credentials", "[default]\nregion = x\n");
  const util::Status explicit_missing = provider({{"AWS_PROFILE", "nope"}}).credentials().status();
  EXPECT_EQ(explicit_missing.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(explicit_missing.message(), HasSubstr("no profile 'nope'"));
  const util::Status empty_default = provider().credentials().status();
  EXPECT_EQ(empty_default.code(), StatusCode::kNotFound);
  EXPECT_THAT(empty_default.message(),
              HasSubstr("neither aws_access_key_id nor credential_process"));
  aws_file("credentials", "[default]\naws_access_key_id = AKID\n");
  EXPECT_EQ(provider().credentials().status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SharedFilesTest, CredentialProcessAsTheControllerBootstraps) {
  // The Secret the controller writes: credentials.process runs `cat credentials.json`.
  const std::string json = dir_.write(
      "credentials.json",
      R"({"Version":1,"AccessKeyId":"ASIASEED","SecretAccessKey":"seedsecret","SessionToken":"seedtoken","Expiration":"2026-01-02T03:04:05Z"})");
  const std::string process_file =
      dir_.write("credentials.process", "[default]\ncredential_process = cat " + json + "\n");
  SharedFilesProvider p = provider({{"AWS_SHARED_CREDENTIALS_FILE", process_file}});
  const util::StatusOr<Credentials> c = p.credentials();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->access_key_id, "ASIASEED");
  EXPECT_EQ(c->secret_access_key.reveal(), "seedsecret");
  EXPECT_EQ(c->session_token.reveal(), "seedtoken");
  EXPECT_EQ(c->expiration, *util::parse_rfc3339("2026-01-02T03:04:05Z"));
  EXPECT_EQ(c->source, "credential_process (profile default)");
  // kubelet updates the mounted Secret: the next call sees the new keys.
  dir_.write("credentials.json",
             R"({"Version":1,"AccessKeyId":"ASIANEXT","SecretAccessKey":"nextsecret"})");
  EXPECT_EQ(p.credentials()->access_key_id, "ASIANEXT");
}

TEST_F(SharedFilesTest, CredentialProcessFailures) {
  struct Row {
    std::string command;
    StatusCode code;
    std::string want;
  };
  const Row rows[] = {
      {"echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leak\"}'; echo oops >&2; "
       "exit 2",
       StatusCode::kUnavailable,
       "credential_process of profile 'default' exited with status 2: oops"},
      {"echo 'not json leak'", StatusCode::kInvalidArgument, "output is not a JSON object"},
      {"echo '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leak\"}'",
       StatusCode::kInvalidArgument, "has Version 2, want 1"},
      {"echo '{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leak\"}'", StatusCode::kInvalidArgument,
       "no integer Version"},
      {"echo '{\"Version\":1,\"SecretAccessKey\":\"leak\"}'", StatusCode::kInvalidArgument,
       "no AccessKeyId"},
      {"echo '{\"Version\":1,\"AccessKeyId\":\"A\"}'", StatusCode::kInvalidArgument,
       "no SecretAccessKey"},
      {"echo "
       "'{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leak\",\"Expiration\":\"x\"}'",
       StatusCode::kInvalidArgument, "Expiration 'x', not RFC 3339"},
      {"kill -9 $$", StatusCode::kUnavailable, "was killed by signal 9"},
  };
  for (const Row& row : rows) {
    aws_file("config", "[default]\ncredential_process = " + row.command + "\n");
    const util::Status status = provider().credentials().status();
    EXPECT_EQ(status.code(), row.code) << row.command << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(row.want));
    EXPECT_THAT(status.message(), Not(HasSubstr("leak")));  // stdout never shown
  }
}

TEST_F(SharedFilesTest, CredentialProcessTimeout) {
  aws_file("config", "[default]\ncredential_process = sleep 30\n");
  SharedFilesProvider p({.env = fixed_env({{"HOME", dir_.path().string()}}),
                         .process_timeout = absl::Milliseconds(200)});
  EXPECT_EQ(p.credentials().status().code(), StatusCode::kDeadlineExceeded);
}

TEST_F(SharedFilesTest, CachedProcessIsRerunWhenItsCredentialsExpire) {
  util::testing::FakeClock clock(*util::parse_rfc3339("2026-01-02T00:00:00Z"));
  const std::string counter = (dir_.path() / "runs").string();
  const std::string json = dir_.write(
      "credentials.json",
      R"({"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","Expiration":"2026-01-02T01:00:00Z"})");
  aws_file("config",
           "[default]\ncredential_process = echo x >> " + counter + "; cat " + json + "\n");
  CachingProvider cached(std::make_unique<SharedFilesProvider>(provider()), clock);
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA1");
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA1");
  dir_.write(
      "credentials.json",
      R"({"Version":1,"AccessKeyId":"ASIA2","SecretAccessKey":"s","Expiration":"2026-01-02T02:00:00Z"})");
  clock.step(absl::Minutes(54));  // 6 min before expiry: still cached
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA1");
  clock.step(absl::Minutes(2));  // 4 min before expiry: inside the 5 min window
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA2");
  std::ifstream runs(counter);
  std::string all((std::istreambuf_iterator<char>(runs)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "x\nx\n");  // run twice, not once per call
}

TEST_F(SharedFilesTest, StaticFileWithAwsExpirationIsReReadWhenItExpires) {
  // The controller's Secret: a static `credentials` file that kubelet keeps
  // current, carrying aws_expiration.
  util::testing::FakeClock clock(*util::parse_rfc3339("2026-01-02T00:00:00Z"));
  aws_file("credentials",
           "[default]\naws_access_key_id = ASIA1\naws_secret_access_key = s\n"
           "aws_session_token = t\naws_expiration = 2026-01-02T01:00:00Z\n");
  CachingProvider cached(std::make_unique<SharedFilesProvider>(provider()), clock);
  const util::StatusOr<Credentials> first = cached.credentials();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->expiration, util::parse_rfc3339("2026-01-02T01:00:00Z").value());
  aws_file("credentials",
           "[default]\naws_access_key_id = ASIA2\naws_secret_access_key = s\n"
           "aws_session_token = t\naws_expiration = 2026-01-02T02:00:00Z\n");
  clock.step(absl::Minutes(54));
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA1");
  clock.step(absl::Minutes(2));  // inside the 5 min refresh window
  EXPECT_EQ(cached.credentials()->access_key_id, "ASIA2");

  // Without it (or unparsable), static keys do not expire, as in the SDKs.
  aws_file("credentials",
           "[default]\naws_access_key_id = AKID\naws_secret_access_key = s\n"
           "aws_expiration = soon\n");
  EXPECT_FALSE(provider().credentials()->expiration.has_value());
}

}  // namespace
}  // namespace aws
