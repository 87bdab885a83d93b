#include "controller/process/config.h"

#include <gflags/gflags.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

DECLARE_string(interval);
DECLARE_string(webhook_address);
DECLARE_string(webhook_region);
DECLARE_string(webhook_tls_cert_file);
DECLARE_string(webhook_tls_key_file);
DECLARE_string(webhook_cert_hosts);
DECLARE_bool(webhook_refuse_forbidden_roles);
DECLARE_string(refresh_limit);
DECLARE_string(metrics_address);
DECLARE_string(log_format);
DECLARE_string(base_role_arn);
DECLARE_string(credentials_mount_path);
DECLARE_string(leader_election_lease_duration);
DECLARE_int32(workers);
DECLARE_string(cluster_name);
DECLARE_string(external_id);
DECLARE_bool(namespace_restrictions);
DECLARE_string(default_allowed_roles);
DECLARE_string(roles_anywhere_trust_anchor_arn);
DECLARE_string(roles_anywhere_profile_arn);
DECLARE_string(roles_anywhere_role_arn);
DECLARE_string(roles_anywhere_certificate);
DECLARE_string(roles_anywhere_private_key);
DECLARE_string(roles_anywhere_session_duration);
DECLARE_bool(roles_anywhere_direct);

namespace controller {
namespace {

TEST(ConfigTest, DefaultsMatchTheGoOriginal) {
  gflags::FlagSaver saver;
  auto config = config_from_flags();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->interval, absl::Seconds(10));
  EXPECT_EQ(config->refresh.refresh_limit, absl::Minutes(15));
  EXPECT_FALSE(config->base_role_arn.has_value());
  EXPECT_TRUE(config->namespace_.empty());
  EXPECT_EQ(config->metrics_port, 8080);  // the original's liveness probe port
  EXPECT_EQ(config->credentials_mount_path, "/meta/aws-iam");
  // No fixed client-side limits: both rates adapt to throttling answers;
  // --sts-qps / --kube-qps are ceilings an operator may add.
  EXPECT_EQ(config->sts_qps, 0);
  EXPECT_EQ(config->kube_qps, 0);
  EXPECT_EQ(config->workers, 32);
  EXPECT_TRUE(config->leader_elect);
  EXPECT_FALSE(config->external_id.has_value());
}

TEST(ConfigTest, ObsoleteFlagOfTheGoOriginalIsAcceptedWithOneWarning) {
  gflags::FlagSaver saver;
  auto quiet = config_from_flags();
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_TRUE(quiet->warnings.empty());

  ASSERT_FALSE(
      gflags::SetCommandLineOption("event_queue_size", "1000").empty());  // as kingpin parsed it
  auto config = config_from_flags();
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->warnings.size(), 1U);
  EXPECT_NE(config->warnings[0].find("--event-queue-size is obsolete"), std::string::npos);
}

TEST(ConfigTest, ExternalIdTemplateBindsTheClusterName) {
  gflags::FlagSaver saver;
  FLAGS_cluster_name = "prod";
  FLAGS_external_id = "{cluster}/{namespace}";
  auto config = config_from_flags();
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->external_id.has_value());
  EXPECT_EQ(config->external_id->render("payments", "api"), "prod/payments");
}

TEST(ConfigTest, NamespaceRestrictionsWithADefaultList) {
  gflags::FlagSaver saver;
  auto off = config_from_flags();
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->namespace_restrictions) << "off by default, as the Go original";
  FLAGS_namespace_restrictions = true;
  FLAGS_default_allowed_roles = "shared/*, arn:aws:iam::210987654321:role/logs,,";
  auto config = config_from_flags();
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->namespace_restrictions);
  EXPECT_EQ(config->default_allowed_roles,
            (std::vector<std::string>{"shared/*", "arn:aws:iam::210987654321:role/logs"}));
}

TEST(ConfigTest, TheWebhookIsOffUnlessItHasAnAddress) {
  gflags::FlagSaver saver;
  auto off = config_from_flags();
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->webhook.has_value());
  FLAGS_webhook_region = "eu-central-1";
  EXPECT_THAT(config_from_flags().status().message(),
              ::testing::HasSubstr("no effect without --webhook-address"));

  FLAGS_webhook_address = ":9443";
  FLAGS_webhook_refuse_forbidden_roles = true;
  FLAGS_webhook_tls_cert_file = "/etc/webhook/tls.crt";
  EXPECT_THAT(
      config_from_flags().status().message(),
      ::testing::HasSubstr("--webhook-tls-cert-file and --webhook-tls-key-file go together"));
  FLAGS_webhook_tls_key_file = "/etc/webhook/tls.key";
  auto on = config_from_flags();
  ASSERT_TRUE(on.ok()) << on.status();
  ASSERT_TRUE(on->webhook.has_value());
  EXPECT_EQ(on->webhook->port, 9443);
  EXPECT_EQ(on->webhook->region, "eu-central-1");
  EXPECT_TRUE(on->webhook->refuse_forbidden_roles);
  EXPECT_FALSE(on->webhook->irsa_annotation);
  EXPECT_EQ(on->webhook->certificate_file, "/etc/webhook/tls.crt");
  EXPECT_TRUE(on->webhook->certificate_hosts.empty()) << "the certificate comes from the file";
  FLAGS_webhook_cert_hosts = "webhook.example";
  EXPECT_THAT(
      config_from_flags().status().message(),
      ::testing::HasSubstr("--webhook-cert-hosts has no effect with --webhook-tls-cert-file"));

  // Without files: the controller's own CA, in its namespace.
  FLAGS_webhook_tls_cert_file = "";
  FLAGS_webhook_tls_key_file = "";
  FLAGS_webhook_cert_hosts = "";
  unsetenv("POD_NAMESPACE");
  EXPECT_THAT(config_from_flags().status().message(), ::testing::HasSubstr("$POD_NAMESPACE"));
  setenv("POD_NAMESPACE", "iam", 1);
  auto own = config_from_flags();
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->webhook->configuration, "kube-aws-iam-controller");
  EXPECT_THAT(own->webhook->certificate_hosts,
              ::testing::ElementsAre("kube-aws-iam-controller-webhook.iam.svc",
                                     "kube-aws-iam-controller-webhook.iam.svc.cluster.local"));
  FLAGS_webhook_cert_hosts = "a.example, 10.0.0.1";
  own = config_from_flags();
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_THAT(own->webhook->certificate_hosts, ::testing::ElementsAre("a.example", "10.0.0.1"));
  FLAGS_webhook_cert_hosts = "";
  unsetenv("POD_NAMESPACE");

  FLAGS_webhook_address = "nonsense";
  EXPECT_THAT(config_from_flags().status().message(), ::testing::HasSubstr("--webhook-address"));
}

constexpr const char* kAnchor = "arn:aws:rolesanywhere:eu-central-1:123456789012:trust-anchor/ta";
constexpr const char* kProfile = "arn:aws:rolesanywhere:eu-central-1:123456789012:profile/p";

void set_roles_anywhere_flags() {
  FLAGS_roles_anywhere_trust_anchor_arn = kAnchor;
  FLAGS_roles_anywhere_profile_arn = kProfile;
  FLAGS_roles_anywhere_role_arn = "arn:aws:iam::123456789012:role/kube-aws-iam-controller";
  FLAGS_roles_anywhere_certificate = "/var/run/certificate/tls.crt";
  FLAGS_roles_anywhere_private_key = "/var/run/certificate/tls.key";
}

TEST(ConfigTest, RolesAnywhereIsOffUnlessItsFlagsAreSet) {
  gflags::FlagSaver saver;
  auto off = config_from_flags();
  ASSERT_TRUE(off.ok()) << off.status();
  EXPECT_FALSE(off->roles_anywhere.has_value());
  set_roles_anywhere_flags();
  FLAGS_roles_anywhere_session_duration = "12h";
  auto on = config_from_flags();
  ASSERT_TRUE(on.ok()) << on.status();
  ASSERT_TRUE(on->roles_anywhere.has_value());
  EXPECT_EQ(on->roles_anywhere->trust_anchor_arn, kAnchor);
  EXPECT_EQ(on->roles_anywhere->session_duration, absl::Hours(12));
  EXPECT_EQ(on->roles_anywhere->certificate_chain, "");
}

TEST(ConfigTest, RolesAnywhereDirectNeedsNoRoleOfItsOwn) {
  gflags::FlagSaver saver;
  set_roles_anywhere_flags();
  FLAGS_roles_anywhere_role_arn = "";
  FLAGS_roles_anywhere_direct = true;
  auto config = config_from_flags();
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->roles_anywhere.has_value());
  EXPECT_TRUE(config->roles_anywhere->direct);
  EXPECT_EQ(config->roles_anywhere->role_arn, "");
}

struct BadFlag {
  const char* name;
  std::function<void()> set;
  const char* message;
};

class ConfigErrorTest : public ::testing::TestWithParam<BadFlag> {};

TEST_P(ConfigErrorTest, FailsWithOneClearLine) {
  gflags::FlagSaver saver;
  GetParam().set();
  auto config = config_from_flags();
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Flags, ConfigErrorTest,
    ::testing::Values(
        BadFlag{"interval", [] { FLAGS_interval = "10"; },
                "invalid --interval \"10\": time: missing unit in duration \"10\""},
        BadFlag{"refresh_limit", [] { FLAGS_refresh_limit = "soon"; },
                "invalid --refresh-limit \"soon\": time: invalid duration \"soon\""},
        BadFlag{"workers", [] { FLAGS_workers = 0; },
                "invalid --workers \"0\": must be between 1 and 64"},
        BadFlag{"metrics", [] { FLAGS_metrics_address = "localhost"; },
                "invalid --metrics-address \"localhost\": expected host:port or :port"},
        BadFlag{"log_format", [] { FLAGS_log_format = "xml"; },
                "invalid --log-format \"xml\": must be text or json"},
        BadFlag{"base_role", [] { FLAGS_base_role_arn = "my-role"; },
                "invalid --base-role-arn \"my-role\": invalid ARN 'my-role/': must start with "
                "'arn:'"},
        // Starts like an ARN, but of a user: only a role prefix can take role names.
        BadFlag{"base_role_of_a_user",
                [] { FLAGS_base_role_arn = "arn:aws:iam::123456789012:user/"; },
                "invalid --base-role-arn \"arn:aws:iam::123456789012:user/\": invalid base role "
                "ARN 'arn:aws:iam::123456789012:user/': want arn:<partition>:iam::<account>:role/"},
        BadFlag{"mount_path", [] { FLAGS_credentials_mount_path = "/a b"; },
                "invalid --credentials-mount-path \"/a b\": must be an absolute path without "
                "spaces or shell characters"},
        BadFlag{"external_id", [] { FLAGS_external_id = "{cluster}/{namespace}"; },
                "invalid --external-id \"{cluster}/{namespace}\": {cluster} needs "
                "--cluster-name"},
        BadFlag{"default_allowed_roles_alone", [] { FLAGS_default_allowed_roles = "shared/*"; },
                "invalid --default-allowed-roles \"shared/*\": has no effect without "
                "--namespace-restrictions"},
        BadFlag{"default_allowed_roles_json",
                [] {
                  FLAGS_namespace_restrictions = true;
                  FLAGS_default_allowed_roles = R"(["shared"])";
                },
                "invalid --default-allowed-roles \"[\"shared\"]\": '[\"shared\"]' is not a "
                "role name, path or ARN"},
        BadFlag{"roles_anywhere_incomplete",
                [] {
                  FLAGS_roles_anywhere_trust_anchor_arn = kAnchor;
                  FLAGS_roles_anywhere_certificate = "/tls.crt";
                },
                "IAM Roles Anywhere needs the trust anchor and profile ARNs, the certificate, the "
                "private key and (but with --roles-anywhere-direct) the controller's role ARN; "
                "missing --roles-anywhere-profile-arn, --roles-anywhere-role-arn, "
                "--roles-anywhere-private-key"},
        BadFlag{"roles_anywhere_profile_as_anchor",
                [] {
                  set_roles_anywhere_flags();
                  FLAGS_roles_anywhere_trust_anchor_arn = kProfile;
                },
                "invalid --roles-anywhere-trust-anchor-arn \""
                "arn:aws:rolesanywhere:eu-central-1:123456789012:profile/p\": "
                "'arn:aws:rolesanywhere:eu-central-1:123456789012:profile/p' is not a Roles "
                "Anywhere trust anchor ARN (arn:<partition>:rolesanywhere:<region>:<account>:"
                "trust-anchor/<id>)"},
        BadFlag{"roles_anywhere_profile_elsewhere",
                [] {
                  set_roles_anywhere_flags();
                  FLAGS_roles_anywhere_profile_arn =
                      "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p";
                },
                "invalid --roles-anywhere-profile-arn \""
                "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p\": must be in the trust "
                "anchor's region (eu-central-1)"},
        BadFlag{"roles_anywhere_role_of_a_user",
                [] {
                  set_roles_anywhere_flags();
                  FLAGS_roles_anywhere_role_arn = "arn:aws:iam::123456789012:user/me";
                },
                "invalid --roles-anywhere-role-arn \"arn:aws:iam::123456789012:user/me\": invalid "
                "role ARN 'arn:aws:iam::123456789012:user/me': not an IAM role (want "
                "...:role/<name>)"},
        BadFlag{"roles_anywhere_session",
                [] {
                  set_roles_anywhere_flags();
                  FLAGS_roles_anywhere_session_duration = "13h";
                },
                "invalid --roles-anywhere-session-duration \"13h\": must be at most 12h"},
        BadFlag{"roles_anywhere_direct_with_external_id",
                [] {
                  set_roles_anywhere_flags();
                  FLAGS_roles_anywhere_direct = true;
                  FLAGS_external_id = "k8s:{namespace}";
                },
                "--external-id has no effect with --roles-anywhere-direct: CreateSession takes "
                "no ExternalId (pin roles to certificates with trust policy conditions instead)"},
        BadFlag{"lease", [] { FLAGS_leader_election_lease_duration = "5s"; },
                "invalid leader election timing: need --leader-election-lease-duration > "
                "--leader-election-renew-deadline > 1.2 x --leader-election-retry-period"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ConfigTest, ListenAddressForms) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(parse_listen_address(":9090", host, port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 9090);
  ASSERT_TRUE(parse_listen_address("127.0.0.1:0", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  ASSERT_TRUE(parse_listen_address("[::1]:8080", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_FALSE(parse_listen_address(":99999", host, port).ok());
}

TEST(ConfigTest, AcceptsKingpinSyntax) {
  EXPECT_EQ(normalize_flag_syntax({"prog", "--refresh-limit=5m", "--base-role-arn",
                                   "arn:aws:iam::1:role/", "--no-debug", "--no-such-flag", "--",
                                   "--x-y"}),
            (std::vector<std::string>{"prog", "--refresh_limit=5m", "--base_role_arn",
                                      "arn:aws:iam::1:role/", "--nodebug", "--no_such_flag", "--",
                                      "--x-y"}));
}

TEST(ConfigTest, UsageListsOnlyOurFlagsWithDashes) {
  const std::string usage = usage_text("kube-aws-iam-controller");
  EXPECT_NE(usage.find("--refresh-limit (string, default \"15m\")"), std::string::npos);
  EXPECT_NE(usage.find("--assume-role"), std::string::npos);
  EXPECT_EQ(usage.find("--gtest"), std::string::npos);
}

}  // namespace
}  // namespace controller
