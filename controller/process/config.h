// The controller's configuration: the Go original's flags with the same
// spellings, defaults and meaning, plus the ones operators need. Parsed and
// validated once at start-up; an invalid value fails with one clear line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/domain/external_id.h"
#include "controller/domain/refresh_policy.h"
#include "pkg/aws/arn.h"
#include "pkg/util/log.h"
#include "pkg/util/status.h"

namespace controller {

// --roles-anywhere-*: credentials from IAM Roles Anywhere (an X.509
// certificate instead of any AWS key): the controller's own (the trust anchor,
// profile and role ARNs, the certificate and the key, all or none), or with
// --roles-anywhere-direct every AWSIAMRole's (the role ARN then optional).
struct RolesAnywhereConfig {
  std::string trust_anchor_arn;
  std::string profile_arn;
  std::string role_arn;     // the controller's own role; optional when direct
  std::string certificate;  // PEM files, re-read when they change
  std::string private_key;
  std::string certificate_chain;  // optional
  absl::Duration session_duration = absl::Hours(1);
  std::string endpoint;  // empty: the trust anchor's region's
  // --roles-anywhere-direct: every AWSIAMRole's credentials from CreateSession
  // for that role (no base role, no STS, no role chaining).
  bool direct = false;
};

// --webhook-*: the admission webhook that wires pods (loop/pod_webhook.h).
struct WebhookConfig {
  std::string host;
  int port = 9443;
  // The serving certificate and key from files (cert-manager); both empty:
  // the controller's own CA and certificates (loop/webhook_certificates.h)
  // for `certificate_hosts`, with the caBundle of `configuration` kept.
  std::string certificate_file;
  std::string private_key_file;
  std::vector<std::string> certificate_hosts;
  std::string configuration;
  std::string region;  // empty: none set
  bool irsa_annotation = false;
  bool refuse_forbidden_roles = false;
  std::string own_namespace;  // $POD_NAMESPACE: never wired, like kube-system
};

struct Config {
  // The Go original's flags.
  bool debug = false;
  absl::Duration interval = absl::Seconds(10);  // resync period (changes arrive by watch)
  // --base-role-arn; none: discover it (base_role_arn_discovery.h).
  std::optional<aws::BaseRoleArn> base_role_arn;
  std::string assume_role;  // name or ARN; empty: none
  std::string namespace_;   // empty: all namespaces
  std::string apiserver;    // empty: kubeconfig / in-cluster
  RefreshPolicy refresh;    // refresh.refresh_limit is --refresh-limit

  // Beyond the original.
  std::string kubeconfig;
  int workers = 32;
  std::string sts_region;
  std::string sts_endpoint;
  bool sts_fips = false;
  double sts_qps = 0;  // ceilings; 0: none (the rates adapt to throttling)
  int sts_burst = 20;
  double kube_qps = 0;
  int kube_burst = 100;
  bool leader_elect = true;
  std::string leader_election_namespace;
  std::string leader_election_id = "kube-aws-iam-controller";
  std::string identity;
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
  std::string metrics_host = "0.0.0.0";
  int metrics_port = 8080;  // 0: any free port; -1: disabled
  util::log::Format log_format = util::log::Format::kText;
  std::string credentials_mount_path = "/meta/aws-iam";
  bool session_tags = false;
  std::string cluster_name;
  std::optional<ExternalIdTemplate> external_id;  // none: no ExternalId is sent
  bool namespace_restrictions = false;            // see namespace_policy.h
  std::vector<std::string> default_allowed_roles;
  std::optional<RolesAnywhereConfig> roles_anywhere;  // none: the default credential chain
  std::optional<WebhookConfig> webhook;               // none: no admission webhook

  // One line for each flag given that does nothing here (an obsolete flag of
  // the Go original), to log as a warning once logging is set up.
  std::vector<std::string> warnings;
};

// Builds the Config from the command-line flags (gflags, already parsed) and
// the environment (POD_NAMESPACE, HOSTNAME for defaults). kInvalidArgument
// with a message naming the flag, e.g.
//   invalid --interval "abc": time: invalid duration "abc"
util::StatusOr<Config> config_from_flags();

// "host:port", ":port", "[v6]:port" → host and port (":8080" binds all).
util::Status parse_listen_address(std::string_view text, std::string& host, int& port);

// Rewrites Go/kingpin-style arguments for gflags: `--refresh-limit=5m` →
// `--refresh_limit=5m`, `--no-debug` → `--nodebug`. Stops at a bare `--`.
std::vector<std::string> normalize_flag_syntax(const std::vector<std::string>& args);

// The text printed by --help (and kingpin's --help-long and --help-man): every
// flag of this program with its meaning.
std::string usage_text(std::string_view program);

}  // namespace controller
