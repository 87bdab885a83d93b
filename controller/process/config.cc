#include "controller/process/config.h"

#include <gflags/gflags.h>

#include <charconv>
#include <cstdlib>
#include <tuple>
#include <utility>
#include <vector>

#include "pkg/aws/roles_anywhere_client.h"
#include "pkg/aws/sts_endpoint.h"
#include "pkg/util/go_duration.h"
#include "pkg/util/strings.h"

// The Go original's flags: same names, defaults and syntax.
DEFINE_bool(debug, false, "Enable debug logging.");
DEFINE_string(interval, "10s",
              "Interval between full resyncs of the cache into the work queue (Go duration). "
              "Changes arrive by watch; this is a safety net.");
DEFINE_string(refresh_limit, "15m",
              "Refresh credentials at least this long before they expire (Go duration). The "
              "controller refreshes earlier when needed so pods always see at least "
              "--min-validity (see docs/operations.md).");
DEFINE_string(base_role_arn, "",
              "Base role ARN (arn:<partition>:iam::<account>:role/) that role names are appended "
              "to. When empty: discovered from the EC2 instance profile (IMDSv2), else from the "
              "account of the controller's own credentials (sts:GetCallerIdentity).");
DEFINE_string(assume_role, "",
              "Role (name or ARN) assumed first with the base credentials; every AWSIAMRole is "
              "then assumed by it.");
DEFINE_string(namespace, "", "Limit the controller to one namespace (default: all).");
DEFINE_string(apiserver, "", "API server URL (default: --kubeconfig, then in-cluster config).");

// Beyond the original.
DEFINE_string(kubeconfig, "", "Path to a kubeconfig file (default: $KUBECONFIG, in-cluster).");
DEFINE_int32(workers, 32, "Roles reconciled at once (their STS and API round trips overlap).");
DEFINE_string(sts_region, "",
              "STS region for regional endpoints (default: $AWS_REGION, $AWS_DEFAULT_REGION, "
              "else the global endpoint).");
DEFINE_string(sts_endpoint, "", "STS endpoint URL override (e.g. a VPC endpoint).");
DEFINE_bool(sts_fips, false, "Use the FIPS STS endpoint of the region.");
DEFINE_double(sts_qps, 0,
              "Ceiling on STS calls per second (0: none; the rate adapts to STS's "
              "Throttling answers either way).");
DEFINE_int32(sts_burst, 20, "Burst of STS calls allowed at the --sts-qps ceiling.");
DEFINE_double(kube_qps, 0,
              "Ceiling on Kubernetes API calls per second (0: none; the rate adapts to the "
              "apiserver's 429 answers either way).");
DEFINE_int32(kube_burst, 100, "Burst of Kubernetes API calls allowed at the --kube-qps ceiling.");
DEFINE_bool(leader_elect, true,
            "Elect a leader through a coordination.k8s.io/v1 Lease so only one replica writes.");
DEFINE_string(leader_election_namespace, "",
              "Namespace of the Lease (default: $POD_NAMESPACE, else kube-system).");
DEFINE_string(leader_election_id, "kube-aws-iam-controller", "Name of the Lease.");
DEFINE_string(leader_election_lease_duration, "15s",
              "How long a leader's Lease is honoured after its last renewal.");
DEFINE_string(leader_election_renew_deadline, "10s",
              "How long the leader keeps trying to renew before giving up leadership.");
DEFINE_string(leader_election_retry_period, "2s", "How often candidates try to acquire or renew.");
DEFINE_string(identity, "",
              "This replica's identity in the Lease (default: $HOSTNAME plus a random "
              "suffix, unique per process).");
DEFINE_string(metrics_address, ":8080",
              "Address of the /healthz, /readyz and /metrics endpoint (empty: disabled).");
DEFINE_string(log_format, "text", "Log format: text or json.");
DEFINE_string(credentials_mount_path, "/meta/aws-iam",
              "Where pods mount the Secret: credentials.process runs "
              "`cat <path>/credentials.json`.");
DEFINE_string(min_validity, "20m",
              "Least validity a pod should see when it reads the credentials (SDKs treat less "
              "than 15m as stale).");
DEFINE_string(secret_propagation, "2m",
              "Allowance for kubelet to propagate an updated Secret to mounted volumes.");
DEFINE_bool(session_tags, false,
            "Tag sessions with kubernetes-namespace, kubernetes-awsiamrole (and "
            "kubernetes-cluster with --cluster-name) so role trust policies can pin namespaces.");
DEFINE_string(cluster_name, "",
              "Cluster name used in session tags and {cluster} of --external-id.");
DEFINE_string(external_id, "",
              "ExternalId sent when assuming each role, from {namespace}, {name} (the "
              "AWSIAMRole's) and {cluster} (--cluster-name), e.g. '{cluster}/{namespace}', so "
              "role trust policies can pin namespaces with sts:ExternalId (empty: none).");
DEFINE_bool(namespace_restrictions, false,
            "Let each namespace use only the roles its Namespace annotations allow: kube2iam's "
            "iam.amazonaws.com/allowed-roles (JSON array of names, paths or ARNs with * globs) "
            "or kiam's iam.amazonaws.com/permitted (a regular expression the role ARN must "
            "match). Needs get/list/watch on namespaces.");
DEFINE_string(default_allowed_roles, "",
              "With --namespace-restrictions: comma-separated role names, paths or ARNs (* "
              "globs) allowed in namespaces that have neither annotation (empty: none).");
DEFINE_string(webhook_address, "",
              "Serve the admission webhook that wires pods to their role's Secret on this "
              "address over HTTPS, e.g. :9443 (empty: no webhook; docs/migration.md).");
DEFINE_string(webhook_tls_cert_file, "",
              "The webhook's serving certificate (PEM, intermediates after it), re-read when it "
              "changes, e.g. from cert-manager (empty: the controller makes its own CA, kept in "
              "the Secret kube-aws-iam-controller-webhook-ca, and serving certificates; "
              "--webhook-cert-hosts, --webhook-configuration).");
DEFINE_string(webhook_tls_key_file, "",
              "The webhook's private key (PEM), re-read when it changes; with "
              "--webhook-tls-cert-file.");
DEFINE_string(webhook_cert_hosts, "",
              "Comma-separated DNS names and IP addresses of the webhook's own serving "
              "certificate (default: kube-aws-iam-controller-webhook.$POD_NAMESPACE.svc and "
              ".svc.cluster.local, the install kit's Service).");
DEFINE_string(webhook_configuration, "kube-aws-iam-controller",
              "The MutatingWebhookConfiguration whose caBundle the controller keeps equal to its "
              "own CA (without --webhook-tls-cert-file).");
DEFINE_string(webhook_region, "",
              "Region the webhook sets in wired containers (AWS_REGION, AWS_DEFAULT_REGION) "
              "unless they set it themselves (empty: none).");
DEFINE_bool(webhook_irsa_annotation, false,
            "Let the webhook also read IRSA's eks.amazonaws.com/role-arn ServiceAccount "
            "annotation (for migrations; IRSA's own webhook may act on it too).");
DEFINE_bool(webhook_refuse_forbidden_roles, false,
            "Refuse a pod that names a role its namespace may not use "
            "(--namespace-restrictions); by default it is admitted without credentials, with a "
            "warning.");

DEFINE_string(roles_anywhere_trust_anchor_arn, "",
              "IAM Roles Anywhere: the trust anchor ARN "
              "(arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>). With the profile, "
              "role, certificate and key flags, the controller's own credentials come from "
              "CreateSession with the certificate: no AWS keys needed (docs/bootstrap.md).");
DEFINE_string(roles_anywhere_profile_arn, "",
              "IAM Roles Anywhere: the profile ARN (arn:aws:rolesanywhere:<region>:<account>:"
              "profile/<id>), in the trust anchor's region.");
DEFINE_string(roles_anywhere_role_arn, "",
              "IAM Roles Anywhere: the controller's own role, listed in the profile and "
              "trusting rolesanywhere.amazonaws.com.");
DEFINE_string(roles_anywhere_certificate, "",
              "IAM Roles Anywhere: PEM file of the end-entity certificate (e.g. tls.crt of a "
              "cert-manager Secret); read again when it changes.");
DEFINE_string(roles_anywhere_private_key, "",
              "IAM Roles Anywhere: PEM file of its private key (PKCS#8, PKCS#1 RSA or SEC1 EC; "
              "RSA 2048+ or ECDSA P-256/P-384, unencrypted).");
DEFINE_string(roles_anywhere_certificate_chain, "",
              "IAM Roles Anywhere: optional PEM bundle of intermediate CA certificates.");
DEFINE_string(roles_anywhere_session_duration, "1h",
              "IAM Roles Anywhere: how long the controller's own sessions last (15m..12h, at most "
              "the profile's duration).");
DEFINE_bool(roles_anywhere_direct, false,
            "IAM Roles Anywhere for every AWSIAMRole: its credentials come from CreateSession for "
            "that role (the profile lists the app roles; each trusts "
            "rolesanywhere.amazonaws.com) instead of AssumeRole through a base role: no STS call, "
            "no role chaining, sessions up to the profile's duration (12h). Role names are "
            "appended to --base-role-arn, else to the trust anchor's account.");
DEFINE_string(roles_anywhere_endpoint, "",
              "IAM Roles Anywhere endpoint URL override (default: "
              "https://rolesanywhere.<trust anchor's region>.amazonaws.com, per partition).");

// Flags of released Go versions that mean nothing here. Accepted, so that a
// Deployment written for that version starts this binary, with one warning.
DEFINE_int32(event_queue_size, 0,
             "Obsolete: the Go original's pod-event queue (v0.0.1 to v0.3.0, removed with its "
             "pod watcher in v0.4.0). Accepted and ignored.");

namespace controller {
namespace {

util::Status invalid(std::string_view flag, std::string_view value, std::string_view why) {
  return util::invalid_argument_error(util::cat("invalid --", flag, " \"", value, "\": ", why));
}

util::StatusOr<absl::Duration> duration_flag(std::string_view flag, const std::string& value,
                                             absl::Duration min) {
  auto d = util::parse_go_duration(value);
  if (!d.ok()) return invalid(flag, value, d.status().message());
  if (*d < min) {
    return invalid(flag, value, util::cat("must be at least ", util::format_go_duration(min)));
  }
  return *d;
}

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): start-up only
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

// The --roles-anywhere-* flags: none, or a complete and well-formed set.
util::StatusOr<std::optional<RolesAnywhereConfig>> roles_anywhere_config() {
  RolesAnywhereConfig ra{.trust_anchor_arn = FLAGS_roles_anywhere_trust_anchor_arn,
                         .profile_arn = FLAGS_roles_anywhere_profile_arn,
                         .role_arn = FLAGS_roles_anywhere_role_arn,
                         .certificate = FLAGS_roles_anywhere_certificate,
                         .private_key = FLAGS_roles_anywhere_private_key,
                         .certificate_chain = FLAGS_roles_anywhere_certificate_chain,
                         .endpoint = FLAGS_roles_anywhere_endpoint,
                         .direct = FLAGS_roles_anywhere_direct};
  const std::pair<std::string_view, const std::string*> flags[] = {
      {"roles-anywhere-trust-anchor-arn", &ra.trust_anchor_arn},
      {"roles-anywhere-profile-arn", &ra.profile_arn},
      {"roles-anywhere-role-arn", &ra.role_arn},
      {"roles-anywhere-certificate", &ra.certificate},
      {"roles-anywhere-private-key", &ra.private_key}};
  std::vector<std::string> missing;
  bool any = ra.direct || !ra.certificate_chain.empty() || !ra.endpoint.empty();
  for (const auto& [flag, value] : flags) {
    any = any || !value->empty();
    // The controller's own role is its base identity, which direct mode has none of.
    if (value->empty() && !(ra.direct && value == &ra.role_arn)) missing.emplace_back(flag);
  }
  if (!any) return std::optional<RolesAnywhereConfig>();
  if (!missing.empty()) {
    return util::invalid_argument_error(util::cat(
        "IAM Roles Anywhere needs the trust anchor and profile ARNs, the certificate, the "
        "private key and (but with --roles-anywhere-direct) the controller's role ARN; missing --",
        util::join(missing, ", --")));
  }
  const auto anchor =
      aws::parse_roles_anywhere_arn(ra.trust_anchor_arn, aws::RolesAnywhereResource::kTrustAnchor);
  if (!anchor.ok()) {
    return invalid("roles-anywhere-trust-anchor-arn", ra.trust_anchor_arn,
                   anchor.status().message());
  }
  const auto profile =
      aws::parse_roles_anywhere_arn(ra.profile_arn, aws::RolesAnywhereResource::kProfile);
  if (!profile.ok()) {
    return invalid("roles-anywhere-profile-arn", ra.profile_arn, profile.status().message());
  }
  if (profile->region() != anchor->region() || profile->partition() != anchor->partition()) {
    return invalid("roles-anywhere-profile-arn", ra.profile_arn,
                   util::cat("must be in the trust anchor's region (", anchor->region(), ")"));
  }
  if (const auto role = aws::RoleArn::parse(ra.role_arn); !ra.role_arn.empty() && !role.ok()) {
    return invalid("roles-anywhere-role-arn", ra.role_arn, role.status().message());
  }
  ASSIGN_OR_RETURN(ra.session_duration,
                   duration_flag("roles-anywhere-session-duration",
                                 FLAGS_roles_anywhere_session_duration, absl::Minutes(15)));
  if (ra.session_duration > absl::Hours(12)) {
    return invalid("roles-anywhere-session-duration", FLAGS_roles_anywhere_session_duration,
                   "must be at most 12h");
  }
  if (!ra.endpoint.empty()) {
    const auto url = aws::endpoint_override_url(ra.endpoint, "IAM Roles Anywhere");
    if (!url.ok()) return invalid("roles-anywhere-endpoint", ra.endpoint, url.status().message());
  }
  return std::optional<RolesAnywhereConfig>(std::move(ra));
}

}  // namespace

util::Status parse_listen_address(std::string_view text, std::string& host, int& port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return util::invalid_argument_error("expected host:port or :port");
  }
  std::string_view h = text.substr(0, colon);
  const std::string_view p = text.substr(colon + 1);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  int value = -1;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value < 0 || value > 65535) {
    return util::invalid_argument_error(util::cat("port \"", p, "\" is not a number in 0..65535"));
  }
  host = h.empty() ? "0.0.0.0" : std::string(h);
  port = value;
  return util::ok_status();
}

util::StatusOr<Config> config_from_flags() {
  Config c;
  c.debug = FLAGS_debug;
  ASSIGN_OR_RETURN(c.interval, duration_flag("interval", FLAGS_interval, absl::Seconds(1)));
  ASSIGN_OR_RETURN(c.refresh.refresh_limit,
                   duration_flag("refresh-limit", FLAGS_refresh_limit, absl::ZeroDuration()));
  ASSIGN_OR_RETURN(c.refresh.min_validity,
                   duration_flag("min-validity", FLAGS_min_validity, absl::ZeroDuration()));
  ASSIGN_OR_RETURN(
      c.refresh.propagation,
      duration_flag("secret-propagation", FLAGS_secret_propagation, absl::ZeroDuration()));
  if (!FLAGS_base_role_arn.empty()) {
    util::StatusOr<aws::BaseRoleArn> base = aws::BaseRoleArn::parse(FLAGS_base_role_arn);
    if (!base.ok()) return invalid("base-role-arn", FLAGS_base_role_arn, base.status().message());
    c.base_role_arn = *std::move(base);
  }
  c.assume_role = FLAGS_assume_role;
  c.namespace_ = FLAGS_namespace;
  c.apiserver = FLAGS_apiserver;
  if (!c.apiserver.empty() && !c.apiserver.starts_with("http://") &&
      !c.apiserver.starts_with("https://")) {
    return invalid("apiserver", c.apiserver, "expected an http:// or https:// URL");
  }
  c.kubeconfig = FLAGS_kubeconfig;
  c.workers = FLAGS_workers;
  if (c.workers < 1 || c.workers > 64) {
    return invalid("workers", util::cat(FLAGS_workers), "must be between 1 and 64");
  }
  c.sts_region = FLAGS_sts_region.empty() ? env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", ""))
                                          : FLAGS_sts_region;
  c.sts_endpoint = FLAGS_sts_endpoint;
  if (!c.sts_endpoint.empty() && !c.sts_endpoint.starts_with("http://") &&
      !c.sts_endpoint.starts_with("https://")) {
    return invalid("sts-endpoint", c.sts_endpoint, "expected an http:// or https:// URL");
  }
  c.sts_fips = FLAGS_sts_fips;
  if (c.sts_fips && c.sts_region.empty()) {
    return invalid("sts-fips", "true", "needs a region (--sts-region or $AWS_REGION)");
  }
  c.sts_qps = FLAGS_sts_qps;
  c.sts_burst = FLAGS_sts_burst;
  c.kube_qps = FLAGS_kube_qps;
  c.kube_burst = FLAGS_kube_burst;
  if (c.sts_qps < 0) return invalid("sts-qps", util::cat(c.sts_qps), "must be >= 0 (0: unlimited)");
  if (c.kube_qps < 0) {
    return invalid("kube-qps", util::cat(c.kube_qps), "must be >= 0 (0: unlimited)");
  }
  if (c.sts_burst < 1) return invalid("sts-burst", util::cat(c.sts_burst), "must be >= 1");
  if (c.kube_burst < 1) return invalid("kube-burst", util::cat(c.kube_burst), "must be >= 1");
  c.leader_elect = FLAGS_leader_elect;
  c.leader_election_namespace = FLAGS_leader_election_namespace.empty()
                                    ? env_or("POD_NAMESPACE", "kube-system")
                                    : FLAGS_leader_election_namespace;
  c.leader_election_id = FLAGS_leader_election_id;
  if (c.leader_election_id.empty()) {
    return invalid("leader-election-id", "", "must name the Lease");
  }
  ASSIGN_OR_RETURN(c.lease_duration,
                   duration_flag("leader-election-lease-duration",
                                 FLAGS_leader_election_lease_duration, absl::Seconds(1)));
  ASSIGN_OR_RETURN(c.renew_deadline,
                   duration_flag("leader-election-renew-deadline",
                                 FLAGS_leader_election_renew_deadline, absl::Seconds(1)));
  ASSIGN_OR_RETURN(c.retry_period,
                   duration_flag("leader-election-retry-period", FLAGS_leader_election_retry_period,
                                 absl::Milliseconds(100)));
  if (!(c.lease_duration > c.renew_deadline && c.renew_deadline > c.retry_period * 1.2)) {
    return util::invalid_argument_error(
        "invalid leader election timing: need --leader-election-lease-duration > "
        "--leader-election-renew-deadline > 1.2 x --leader-election-retry-period");
  }
  c.identity =
      FLAGS_identity.empty() ? env_or("HOSTNAME", "kube-aws-iam-controller") : FLAGS_identity;
  if (FLAGS_metrics_address.empty()) {
    c.metrics_port = -1;
  } else if (util::Status s =
                 parse_listen_address(FLAGS_metrics_address, c.metrics_host, c.metrics_port);
             !s.ok()) {
    return invalid("metrics-address", FLAGS_metrics_address, s.message());
  }
  if (FLAGS_log_format == "text") {
    c.log_format = util::log::Format::kText;
  } else if (FLAGS_log_format == "json") {
    c.log_format = util::log::Format::kJson;
  } else {
    return invalid("log-format", FLAGS_log_format, "must be text or json");
  }
  c.credentials_mount_path = FLAGS_credentials_mount_path;
  if (!c.credentials_mount_path.starts_with("/") ||
      c.credentials_mount_path.find_first_of(" \t\n'\"$`\\;") != std::string::npos) {
    return invalid("credentials-mount-path", c.credentials_mount_path,
                   "must be an absolute path without spaces or shell characters");
  }
  while (c.credentials_mount_path.size() > 1 && c.credentials_mount_path.ends_with('/')) {
    c.credentials_mount_path.pop_back();
  }
  c.session_tags = FLAGS_session_tags;
  c.cluster_name = FLAGS_cluster_name;
  if (!FLAGS_external_id.empty()) {
    auto external_id = ExternalIdTemplate::parse(FLAGS_external_id, c.cluster_name);
    if (!external_id.ok()) {
      return invalid("external-id", FLAGS_external_id, external_id.status().message());
    }
    c.external_id = *std::move(external_id);
  }
  c.namespace_restrictions = FLAGS_namespace_restrictions;
  for (std::string_view entry : util::split(FLAGS_default_allowed_roles, ',')) {
    entry = util::trim(entry);
    if (entry.empty()) continue;
    if (entry.find_first_of(" \t\n\"") != std::string_view::npos) {
      return invalid("default-allowed-roles", FLAGS_default_allowed_roles,
                     util::cat("'", entry, "' is not a role name, path or ARN"));
    }
    c.default_allowed_roles.emplace_back(entry);
  }
  if (!c.default_allowed_roles.empty() && !c.namespace_restrictions) {
    return invalid("default-allowed-roles", FLAGS_default_allowed_roles,
                   "has no effect without --namespace-restrictions");
  }
  ASSIGN_OR_RETURN(c.roles_anywhere, roles_anywhere_config());
  if (!FLAGS_webhook_address.empty()) {
    WebhookConfig webhook{.certificate_file = FLAGS_webhook_tls_cert_file,
                          .private_key_file = FLAGS_webhook_tls_key_file,
                          .region = FLAGS_webhook_region,
                          .irsa_annotation = FLAGS_webhook_irsa_annotation,
                          .refuse_forbidden_roles = FLAGS_webhook_refuse_forbidden_roles,
                          .own_namespace = env_or("POD_NAMESPACE", "")};
    if (util::Status s = parse_listen_address(FLAGS_webhook_address, webhook.host, webhook.port);
        !s.ok()) {
      return invalid("webhook-address", FLAGS_webhook_address, s.message());
    }
    if (webhook.certificate_file.empty() != webhook.private_key_file.empty()) {
      return util::invalid_argument_error(
          "--webhook-tls-cert-file and --webhook-tls-key-file go together");
    }
    if (webhook.certificate_file.empty()) {
      if (webhook.own_namespace.empty()) {
        return util::invalid_argument_error(
            "the webhook's own certificates need $POD_NAMESPACE (where its CA Secret is kept); "
            "or serve certificates from files with --webhook-tls-cert-file and "
            "--webhook-tls-key-file");
      }
      if (FLAGS_webhook_configuration.empty()) {
        return invalid("webhook-configuration", FLAGS_webhook_configuration,
                       "names the MutatingWebhookConfiguration whose caBundle is kept");
      }
      webhook.configuration = FLAGS_webhook_configuration;
      for (std::string_view host : util::split(FLAGS_webhook_cert_hosts, ',')) {
        host = util::trim(host);
        if (!host.empty()) webhook.certificate_hosts.emplace_back(host);
      }
      if (webhook.certificate_hosts.empty()) {
        const std::string service =
            util::cat("kube-aws-iam-controller-webhook.", webhook.own_namespace, ".svc");
        webhook.certificate_hosts = {service, util::cat(service, ".cluster.local")};
      }
    } else if (!FLAGS_webhook_cert_hosts.empty()) {
      return util::invalid_argument_error(
          "--webhook-cert-hosts has no effect with --webhook-tls-cert-file (the certificate "
          "comes from the file)");
    }
    c.webhook = std::move(webhook);
  } else if (FLAGS_webhook_irsa_annotation || FLAGS_webhook_refuse_forbidden_roles ||
             !FLAGS_webhook_region.empty()) {
    return util::invalid_argument_error(
        "--webhook-region, --webhook-irsa-annotation and --webhook-refuse-forbidden-roles have "
        "no effect without --webhook-address");
  }
  if (c.roles_anywhere && c.roles_anywhere->direct) {
    // CreateSession takes none of these: refuse rather than silently drop them.
    const std::tuple<std::string_view, bool, std::string_view> unsupported[] = {
        {"assume-role", !c.assume_role.empty(), "intermediate role"},
        {"external-id", c.external_id.has_value(), "ExternalId"},
        {"session-tags", c.session_tags, "session tags"}};
    for (const auto& [flag, set, what] : unsupported) {
      if (set) {
        return util::invalid_argument_error(util::cat(
            "--", flag, " has no effect with --roles-anywhere-direct: CreateSession takes no ",
            what, " (pin roles to certificates with trust policy conditions instead)"));
      }
    }
  }
  if (!gflags::GetCommandLineFlagInfoOrDie("event_queue_size").is_default) {
    c.warnings.emplace_back(
        "--event-queue-size is obsolete (the Go original's pod watcher, removed in its v0.4.0) "
        "and does nothing; remove it from the arguments");
  }
  return c;
}

std::vector<std::string> normalize_flag_syntax(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (i == 0 || flags_done || !arg.starts_with("-") || arg == "-") {
      out.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      out.push_back(arg);
      continue;
    }
    const size_t dashes = arg.starts_with("--") ? 2 : 1;
    const size_t eq = arg.find('=');
    std::string name =
        arg.substr(dashes, eq == std::string::npos ? std::string::npos : eq - dashes);
    for (char& ch : name) {
      if (ch == '-') ch = '_';
    }
    // kingpin's negation of a boolean: --no-debug.
    if (name.starts_with("no_") && eq == std::string::npos) {
      gflags::CommandLineFlagInfo info;
      if (gflags::GetCommandLineFlagInfo(name.substr(3).c_str(), &info) && info.type == "bool") {
        name = "no" + name.substr(3);
      }
    }
    out.push_back(arg.substr(0, dashes) + name + (eq == std::string::npos ? "" : arg.substr(eq)));
  }
  return out;
}

std::string usage_text(std::string_view program) {
  std::string out =
      util::cat("Usage: ", program, " [flags]\n\n",
                "Writes AWS IAM role credentials into Secrets for every AWSIAMRole resource.\n",
                "Flags take --flag=value or --flag value; booleans also --flag / --noflag.\n",
                "Durations use Go syntax: 90s, 15m, 1h30m.\n\nFlags:\n");
  std::vector<gflags::CommandLineFlagInfo> flags;
  gflags::GetAllFlags(&flags);
  for (const auto& flag : flags) {
    if (!flag.filename.ends_with("controller/process/config.cc")) continue;
    std::string name = flag.name;
    for (char& ch : name) {
      if (ch == '_') ch = '-';
    }
    out += util::cat("  --", name, " (", flag.type, ", default \"", flag.default_value,
                     "\")\n      ", flag.description, "\n");
  }
  return out;
}

}  // namespace controller
