// Finding the apiserver: kubeconfig variants, in-cluster (with token
// rotation), --apiserver, and their precedence.
#include "pkg/kube/config.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/kubeconfig.h"
#include "pkg/util/base64.h"
#include "tests/support/util/fake_clock.h"

namespace kube {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "kube-config-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& relative, const std::string& content) {
    const fs::path path = fs::path(dir_) / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path.string();
  }

  std::string token_of(const Config& c) {
    EXPECT_NE(c.token, nullptr);
    if (c.token == nullptr) return "";
    auto t = c.token->token();
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? std::string(t->reveal()) : "";
  }

  util::testing::FakeClock clock_;
  std::string dir_;
};

constexpr char kTwoContexts[] = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443/
    certificate-authority-data: Q0EgUEVN
- name: prod-cluster
  cluster:
    server: https://[fd00::1]:443
    insecure-skip-tls-verify: true
    tls-server-name: api.prod
users:
- name: dev-user
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
- name: prod-user
  user:
    token: prod-token
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
)";

TEST_F(ConfigTest, KubeconfigCurrentContextWithInlineData) {
  const std::string path = write("config", kTwoContexts);
  auto config = load_kubeconfig({path}, "", clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://dev.example:6443");
  EXPECT_EQ(config->tls.ca_pem, "CA PEM");
  EXPECT_EQ(config->tls.client_cert_pem, "CERT");
  EXPECT_EQ(config->tls.client_key_pem.reveal(), "KEY");
  EXPECT_EQ(config->token, nullptr);
  EXPECT_EQ(config->default_namespace, "team-a");
  EXPECT_EQ(config->source, "kubeconfig " + path + " (context \"dev\")");
}

TEST_F(ConfigTest, KubeconfigExplicitContextInsecureAndToken) {
  const std::string path = write("config", kTwoContexts);
  auto config = load_kubeconfig({path}, "prod", clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
  EXPECT_TRUE(config->tls.insecure_skip_verify);
  EXPECT_EQ(config->tls.server_name, "api.prod");
  EXPECT_EQ(token_of(*config), "prod-token");
}

TEST_F(ConfigTest, KubeconfigRelativePathsResolveAgainstItsDirectory) {
  write("kube/certs/ca.crt", "ca");
  write("kube/certs/client.crt", "cert");
  write("kube/certs/client.key", "key");
  write("kube/token", "file-token\n");
  const std::string path = write("kube/config", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://h:443", certificate-authority: certs/ca.crt}}]
users: [{name: u, user: {client-certificate: certs/client.crt, client-key: ./certs/client.key,
         token: ignored, tokenFile: token}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
)");
  auto config = load_kubeconfig({path}, "", clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls.ca_file, dir_ + "/kube/certs/ca.crt");
  EXPECT_EQ(config->tls.client_cert_file, dir_ + "/kube/certs/client.crt");
  EXPECT_EQ(config->tls.client_key_file, dir_ + "/kube/certs/client.key");
  EXPECT_EQ(token_of(*config), "file-token");  // tokenFile wins over token, as in client-go
}

TEST_F(ConfigTest, KubeconfigTokenFileIsReReadAsItRotates) {
  const std::string token = write("token", "one");
  const std::string path = write("config",
                                 "current-context: c\n"
                                 "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                                 "users: [{name: u, user: {tokenFile: " +
                                     token +
                                     "}}]\n"
                                     "contexts: [{name: c, context: {cluster: c, user: u}}]\n");
  auto config = load_kubeconfig({path}, "", clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(token_of(*config), "one");
  write("token", "two");
  EXPECT_EQ(token_of(*config), "one");  // cached for a minute
  clock_.step(absl::Minutes(1));
  EXPECT_EQ(token_of(*config), "two");
  write("token", "three");
  config->token->invalidate();  // the client saw a 401
  EXPECT_EQ(token_of(*config), "three");
}

struct ErrorCase {
  const char* name;
  const char* yaml;
  const char* context;
  util::StatusCode code;
  const char* message;  // after "kubeconfig <path>: "
};

class KubeconfigErrorTest : public ConfigTest, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(KubeconfigErrorTest, OneClearLine) {
  const ErrorCase& c = GetParam();
  const std::string path = write("config", c.yaml);
  auto config = load_kubeconfig({path}, c.context, clock_);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), c.code);
  EXPECT_EQ(config.status().message(), "kubeconfig " + path + ": " + c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, KubeconfigErrorTest,
    ::testing::Values(
        ErrorCase{"missing_context", kTwoContexts, "foo", util::StatusCode::kNotFound,
                  "context \"foo\" not found"},
        ErrorCase{"missing_cluster",
                  "current-context: c\ncontexts: [{name: c, context: {cluster: x, user: u}}]\n", "",
                  util::StatusCode::kNotFound, "cluster \"x\" (context \"c\") not found"},
        ErrorCase{"missing_user",
                  "current-context: c\nclusters: [{name: x, cluster: {server: 'https://h'}}]\n"
                  "contexts: [{name: c, context: {cluster: x, user: u}}]\n",
                  "", util::StatusCode::kNotFound, "user \"u\" (context \"c\") not found"},
        ErrorCase{"no_current_context", "clusters: []\n", "", util::StatusCode::kInvalidArgument,
                  "no current-context is set and no context was given"},
        ErrorCase{"no_server",
                  "current-context: c\nclusters: [{name: x, cluster: {}}]\n"
                  "contexts: [{name: c, context: {cluster: x}}]\n",
                  "", util::StatusCode::kInvalidArgument, "cluster \"x\" has no server"},
        ErrorCase{
            "exec_plugin",
            "current-context: c\nclusters: [{name: x, cluster: {server: 'https://h'}}]\n"
            "users: [{name: u, user: {exec: {command: aws}}}]\n"
            "contexts: [{name: c, context: {cluster: x, user: u}}]\n",
            "", util::StatusCode::kInvalidArgument,
            "user \"u\": exec is not supported (use a token, tokenFile or client certificate)"},
        ErrorCase{"bad_base64",
                  "current-context: c\nclusters: [{name: x, cluster: {server: 'https://h', "
                  "certificate-authority-data: '!!'}}]\n"
                  "contexts: [{name: c, context: {cluster: x}}]\n",
                  "", util::StatusCode::kInvalidArgument,
                  "cluster \"x\": certificate-authority-data is not valid base64"},
        ErrorCase{"bad_bool",
                  "current-context: c\nclusters: [{name: x, cluster: {server: 'https://h', "
                  "insecure-skip-tls-verify: maybe}}]\n"
                  "contexts: [{name: c, context: {cluster: x}}]\n",
                  "", util::StatusCode::kInvalidArgument,
                  "cluster \"x\": insecure-skip-tls-verify must be true or false"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(ConfigTest, KubeconfigMissingFilesAndYamlErrors) {
  const std::string missing = dir_ + "/nope";
  auto config = load_kubeconfig({missing}, "", clock_);
  EXPECT_EQ(config.status().code(), util::StatusCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("kubeconfig " + missing));
  const std::string bad = write("bad", "clusters: [unclosed\n");
  config = load_kubeconfig({bad}, "", clock_);
  EXPECT_EQ(config.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("kubeconfig " + bad + ": invalid YAML"));
  const std::string ca_missing = write("ca-missing", R"(current-context: c
clusters: [{name: x, cluster: {server: 'https://h', certificate-authority: ca.pem}}]
contexts: [{name: c, context: {cluster: x}}]
)");
  config = load_kubeconfig({ca_missing}, "", clock_);
  EXPECT_EQ(config.status().message(), "kubeconfig " + ca_missing +
                                           ": cluster \"x\": certificate-authority " + dir_ +
                                           "/ca.pem: no such file");
}

TEST_F(ConfigTest, KubeconfigListMergesFirstWins) {
  const std::string a = write("a", R"(current-context: from-a
clusters: [{name: shared, cluster: {server: 'https://a'}}]
contexts: [{name: from-a, context: {cluster: shared}}]
)");
  const std::string b = write("b", R"(current-context: from-b
clusters: [{name: shared, cluster: {server: 'https://b'}}, {name: only-b, cluster: {server: 'https://only-b'}}]
contexts: [{name: from-b, context: {cluster: only-b}}]
)");
  ConfigSources sources;
  sources.kubeconfig_env = dir_ + "/missing:" + a + ":" + b;
  auto config = load_config(sources, clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://a");
  sources.context = "from-b";
  config = load_config(sources, clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://only-b");
}

TEST_F(ConfigTest, InClusterRereadsTheRotatedToken) {
  InClusterPaths paths{write("sa/token", "t1\n"), write("sa/ca.crt", "ca"),
                       write("sa/namespace", "kube-system")};
  auto config = load_in_cluster_config("10.96.0.1", "443", paths, clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->tls.ca_file, paths.ca_file);
  EXPECT_EQ(config->default_namespace, "kube-system");
  EXPECT_EQ(token_of(*config), "t1");
  write("sa/token", "t2\n");  // kubelet rotates the projected token
  clock_.step(absl::Seconds(61));
  EXPECT_EQ(token_of(*config), "t2");
  fs::remove(paths.token_file);  // mid-rotation: keep the last good token
  clock_.step(absl::Seconds(61));
  EXPECT_EQ(token_of(*config), "t2");
}

TEST_F(ConfigTest, InClusterBracketsIpv6AndExplainsWhatIsMissing) {
  InClusterPaths paths{write("sa/token", "t"), dir_ + "/none/ca.crt", dir_ + "/none/namespace"};
  auto config = load_in_cluster_config("fd00:10:96::1", "443", paths, clock_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://[fd00:10:96::1]:443");
  EXPECT_EQ(config->tls.ca_file, "");
  EXPECT_EQ(load_in_cluster_config("", "443", paths, clock_).status().message(),
            "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  paths.token_file = dir_ + "/none/token";
  auto no_token = load_in_cluster_config("h", "443", paths, clock_);
  EXPECT_EQ(no_token.status().code(), util::StatusCode::kUnauthenticated);
  EXPECT_THAT(no_token.status().message(),
              HasSubstr("in-cluster config: cannot read bearer token file " + paths.token_file));
}

TEST_F(ConfigTest, PrecedenceMatchesTheGoController) {
  const std::string kubeconfig = write("kc",
                                       "current-context: c\n"
                                       "clusters: [{name: c, cluster: {server: 'https://kc'}}]\n"
                                       "contexts: [{name: c, context: {cluster: c}}]\n");
  write("home/.kube/config",
        "current-context: c\n"
        "clusters: [{name: c, cluster: {server: 'https://home'}}]\n"
        "contexts: [{name: c, context: {cluster: c}}]\n");
  ConfigSources s;
  s.home = dir_ + "/home";
  s.service_host = "10.0.0.1";
  s.service_port = "443";
  s.in_cluster = {write("sa/token", "t"), "", ""};
  s.kubeconfig_env = kubeconfig;
  s.kubeconfig_flag = kubeconfig;
  s.apiserver_url = "http://127.0.0.1:8001/";
  EXPECT_EQ(load_config(s, clock_)->server, "http://127.0.0.1:8001");
  EXPECT_EQ(load_config(s, clock_)->token, nullptr);  // URL only, as the Go flag
  s.apiserver_url.clear();
  EXPECT_EQ(load_config(s, clock_)->server, "https://kc");
  s.kubeconfig_flag.clear();
  EXPECT_EQ(load_config(s, clock_)->server, "https://kc");
  s.kubeconfig_env.clear();
  EXPECT_EQ(load_config(s, clock_)->server, "https://10.0.0.1:443");
  s.service_host.clear();
  s.service_port.clear();
  EXPECT_EQ(load_config(s, clock_)->server, "https://home");
  s.home = dir_ + "/nowhere";
  EXPECT_EQ(load_config(s, clock_).status().code(), util::StatusCode::kFailedPrecondition);
}

TEST(ConfigUrlTest, ApiserverFlagNeedsSchemeAndHost) {
  EXPECT_EQ(config_from_url("https://k8s.example/prefix/")->server, "https://k8s.example/prefix");
  EXPECT_EQ(config_from_url("k8s.example:6443").status().message(),
            "--apiserver k8s.example:6443: scheme must be http:// or https://");
  EXPECT_EQ(config_from_url("http://").status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(join_host_port("::1", "443"), "[::1]:443");
  EXPECT_EQ(join_host_port("10.0.0.1", "443"), "10.0.0.1:443");
}

}  // namespace
}  // namespace kube
