#include "controller/loop/webhook_certificates.h"

#include "pkg/kube/api_error.h"
#include "pkg/kube/json.h"
#include "pkg/kube/secret.h"
#include "pkg/util/base64.h"
#include "pkg/util/log.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

constexpr int kMaxWriteAttempts = 4;  // lost races: each re-reads the Secret
constexpr std::string_view kCaLabel = "kube-aws-iam-controller/webhook-ca";

std::string short_fingerprint(const tls::Certificate& certificate) {
  return certificate.fingerprint.substr(0, 16);
}

// The CAs every webhook of the configuration trusts now (a webhook without a
// caBundle trusts none of ours).
std::set<std::string> in_every_ca_bundle(const kube::Object& configuration) {
  std::optional<std::set<std::string>> common;
  const kube::JsonValue* webhooks = kube::json::find(configuration.json(), "webhooks");
  if (webhooks == nullptr || !webhooks->IsArray()) return {};
  for (const kube::JsonValue& webhook : webhooks->GetArray()) {
    std::set<std::string> trusted;
    const kube::JsonValue* bundle = kube::json::find_path(webhook, {"clientConfig", "caBundle"});
    if (bundle != nullptr && bundle->IsString()) {
      util::StatusOr<std::string> pem = util::base64_decode(kube::json::as_string(*bundle));
      util::StatusOr<std::vector<tls::Certificate>> certificates =
          pem.ok() ? tls::parse_certificates(*pem) : pem.status();
      if (certificates.ok()) {
        for (const tls::Certificate& c : *certificates)
          trusted.insert(c.fingerprint);
      }
    }
    if (!common) {
      common = std::move(trusted);
    } else {
      std::erase_if(*common, [&](const std::string& f) { return !trusted.contains(f); });
    }
  }
  return common.value_or(std::set<std::string>{});
}

std::string_view step_name(CaStep step) {
  switch (step) {
    case CaStep::kNone:
      return "none";
    case CaStep::kCreate:
      return "made a CA";
    case CaStep::kForgetExpired:
      return "forgot an expired CA";
    case CaStep::kPromoteNext:
      return "the next CA signs from now on";
    case CaStep::kAddNext:
      return "made the next CA, trusted before it signs";
  }
  return "";
}

}  // namespace

WebhookCertificates::WebhookCertificates(kube::RestClient& kube, util::Clock& clock,
                                         WebhookCertificatesOptions options)
    : kube_(kube), clock_(clock), options_(std::move(options)) {}

kube::Resource WebhookCertificates::configurations() {
  return {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
          "MutatingWebhookConfiguration", false};
}

std::shared_ptr<const tls::KeyPair> WebhookCertificates::current() const {
  util::MutexLock lock(mu_);
  return key_pair_;
}

util::Status WebhookCertificates::sync(const std::stop_token& stop) {
  util::Status synced = sync_once(stop);
  ca_bundle_current_.store(synced.ok(), std::memory_order_release);
  return synced;
}

util::Status WebhookCertificates::sync_once(const std::stop_token& stop) {
  util::StatusOr<kube::Object> configuration =
      kube_.get(configurations(), "", options_.configuration, {.stop = stop});
  if (!configuration.ok() && !kube::is_not_found(configuration.status())) {
    return configuration.status();
  }
  const std::optional<std::set<std::string>> trusted =
      configuration.ok() ? std::optional(in_every_ca_bundle(*configuration)) : std::nullopt;
  ASSIGN_OR_RETURN(const WebhookCa ca, ensure_ca(trusted ? &*trusted : nullptr, stop));
  RETURN_IF_ERROR(renew_serving_certificate(ca));
  if (!configuration.ok()) {
    return util::not_found_error(
        util::cat("MutatingWebhookConfiguration ", options_.configuration,
                  " not found: its caBundle cannot be set (deploy/components/webhook installs it; "
                  "--webhook-configuration names it)"));
  }
  return set_ca_bundle(*configuration, ca, stop);
}

util::StatusOr<WebhookCa> WebhookCertificates::ensure_ca(
    const std::set<std::string>* in_every_ca_bundle, const std::stop_token& stop) {
  const kube::Resource secrets = kube::Resource::secrets();
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    util::StatusOr<kube::Object> secret =
        kube_.get(secrets, options_.namespace_, options_.secret_name, {.stop = stop});
    if (!secret.ok() && !kube::is_not_found(secret.status())) return secret.status();
    std::optional<WebhookCa> ca;
    if (secret.ok()) {
      const kube::SecretView view(*secret);
      SecretData data;
      for (const std::string& key : view.data_keys()) {
        util::StatusOr<util::SecretString> value = view.data(key);
        if (value.ok()) data.emplace(key, *std::move(value));
      }
      util::StatusOr<WebhookCa> parsed = parse_webhook_ca(data);
      if (parsed.ok()) {
        ca = *std::move(parsed);
      } else {
        LOG(WARNING) << "webhook: Secret " << options_.namespace_ << "/" << options_.secret_name
                     << " holds no usable CA (" << parsed.status().message()
                     << "): making a new one";
      }
    }
    const absl::Time now = clock_.system_now();
    const CaStep step = next_ca_step(ca ? &*ca : nullptr, in_every_ca_bundle, now, options_.policy);
    if (step == CaStep::kNone) return *std::move(ca);
    std::optional<tls::Issued> made;
    if (step == CaStep::kCreate || step == CaStep::kAddNext) {
      ASSIGN_OR_RETURN(
          made, tls::make_certificate_authority(util::cat(options_.configuration, "-webhook-ca"),
                                                now, options_.policy.ca_lifetime));
    }
    const WebhookCa next = apply_ca_step(std::move(ca), step, std::move(made), now);
    kube::SecretBuilder builder =
        secret.ok() ? kube::SecretBuilder(*secret)
                    : kube::SecretBuilder(options_.namespace_, options_.secret_name);
    builder.clear_data().label(kCaLabel, "true");
    for (const auto& [key, value] : webhook_ca_data(next))
      builder.data(key, value);
    util::StatusOr<kube::Object> written =
        secret.ok() ? kube_.update(secrets, std::move(builder).build(), {.stop = stop})
                    : kube_.create(secrets, std::move(builder).build(), {.stop = stop});
    if (kube::is_conflict(written.status()) || kube::is_already_exists(written.status())) {
      continue;  // another replica wrote first: read what it did
    }
    RETURN_IF_ERROR(written.status());
    LOG(INFO) << "webhook: " << step_name(step) << " (Secret " << options_.namespace_ << "/"
              << options_.secret_name << "; signing CA "
              << short_fingerprint(next.signing.certificate) << " until "
              << util::format_rfc3339(next.signing.certificate.not_after) << ", "
              << next.trusted.size() << " trusted)";
    // Another step may be due (an expired CA forgotten, then a next one made).
  }
  return util::aborted_error(util::cat("Secret ", options_.namespace_, "/", options_.secret_name,
                                       " changed under every write; trying again later"));
}

util::Status WebhookCertificates::set_ca_bundle(const kube::Object& configuration,
                                                const WebhookCa& ca, const std::stop_token& stop) {
  const std::string bundle = util::base64_encode(tls::bundle_pem(ca.trusted));
  const kube::JsonValue* webhooks = kube::json::find(configuration.json(), "webhooks");
  if (webhooks == nullptr || !webhooks->IsArray() || webhooks->Empty()) {
    return util::failed_precondition_error(
        util::cat("MutatingWebhookConfiguration ", options_.configuration, " has no webhooks"));
  }
  // A JSON patch touching only the caBundles, conditional on what was read.
  std::string patch = util::cat(R"([{"op":"test","path":"/metadata/resourceVersion","value":")",
                                configuration.resource_version(), R"("})");
  bool changed = false;
  for (rapidjson::SizeType i = 0; i < webhooks->Size(); ++i) {
    const kube::JsonValue* current =
        kube::json::find_path((*webhooks)[i], {"clientConfig", "caBundle"});
    if (current != nullptr && current->IsString() && kube::json::as_string(*current) == bundle) {
      continue;
    }
    changed = true;
    patch += util::cat(R"(,{"op":"add","path":"/webhooks/)", i,
                       R"(/clientConfig/caBundle","value":")", bundle, R"("})");
  }
  if (!changed) return util::ok_status();
  patch += "]";
  util::StatusOr<kube::Object> patched = kube_.patch(configurations(), "", options_.configuration,
                                                     kube::PatchType::kJson, patch, {.stop = stop});
  RETURN_IF_ERROR(patched.status());
  LOG(INFO) << "webhook: set the caBundle of MutatingWebhookConfiguration "
            << options_.configuration << " (" << ca.trusted.size() << " CAs)";
  return util::ok_status();
}

util::Status WebhookCertificates::renew_serving_certificate(const WebhookCa& ca) {
  const absl::Time now = clock_.system_now();
  if (!serving_certificate_due(serving_ ? &*serving_ : nullptr, signed_by_, ca, now)) {
    return util::ok_status();
  }
  ASSIGN_OR_RETURN(tls::Issued issued,
                   tls::issue_serving_certificate(ca.signing, options_.hosts, now,
                                                  options_.policy.serving_lifetime));
  ASSIGN_OR_RETURN(std::shared_ptr<const tls::KeyPair> pair,
                   tls::parse_key_pair(issued.certificate.pem, issued.key_pem));
  {
    util::MutexLock lock(mu_);
    key_pair_ = std::move(pair);
  }
  serving_ = issued.certificate;
  signed_by_ = ca.signing.certificate.fingerprint;
  LOG(INFO) << "webhook: serving a certificate for " << util::join(options_.hosts, ",") << " until "
            << util::format_rfc3339(issued.certificate.not_after) << " (CA "
            << short_fingerprint(ca.signing.certificate) << ")";
  return util::ok_status();
}

void WebhookCertificates::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    const util::Status synced = sync(stop);
    if (!synced.ok() && !stop.stop_requested()) {
      LOG(WARNING) << "webhook certificates: " << synced.message();
    }
    util::sleep_for(clock_, synced.ok() ? options_.resync : options_.retry, stop);
  }
}

}  // namespace controller
