#include "tests/sim/kube/admission.h"

#include <algorithm>
#include <cctype>

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/crd_schema.h"
#include "tests/sim/kube/selector.h"

namespace sim::kube {
namespace {

constexpr size_t kMaxSecretBytes = 1 << 20;
constexpr size_t kMaxAnnotationBytes = size_t{256} * 1024;

bool is_dns1123_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(s.front())) ||
      !std::isalnum(static_cast<unsigned char>(s.back()))) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool is_dns1123_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (std::string_view part : util::split(s, '.')) {
    if (!is_dns1123_label(part)) return false;
  }
  return true;
}

void set_default_string(json::Value& obj, std::string_view key, std::string_view value,
                        json::Allocator& alloc) {
  if (json::get_string(obj, key).empty()) json::set_string(obj, key, value, alloc);
}

void default_int(json::Value& obj, std::string_view key, int64_t value, json::Allocator& alloc) {
  if (json::find(obj, key) == nullptr) json::set(obj, key, json::Value(value), alloc);
}

void admit_secret(json::Document& secret) {
  auto& alloc = secret.GetAllocator();
  if (json::Value* string_data = json::find(secret, "stringData"); string_data != nullptr) {
    if (string_data->IsObject()) {
      json::Value& data = json::ensure_object(secret, "data", alloc);
      for (auto it = string_data->MemberBegin(); it != string_data->MemberEnd(); ++it) {
        if (!it->value.IsString()) continue;
        std::string encoded = util::base64_encode(
            std::string_view(it->value.GetString(), it->value.GetStringLength()));
        json::set_string(data, std::string_view(it->name.GetString(), it->name.GetStringLength()),
                         encoded, alloc);
      }
    }
    json::remove(secret, "stringData");
  }
  set_default_string(secret, "type", "Opaque", alloc);
}

void admit_namespace(json::Document& ns) {
  auto& alloc = ns.GetAllocator();
  json::Value& meta = json::ensure_object(ns, "metadata", alloc);
  std::string name = json::get_string(meta, "name");
  json::set_string(json::ensure_object(meta, "labels", alloc), "kubernetes.io/metadata.name", name,
                   alloc);
  json::Value& spec = json::ensure_object(ns, "spec", alloc);
  if (json::find(spec, "finalizers") == nullptr) {
    json::Value finalizers(rapidjson::kArrayType);
    finalizers.PushBack(json::make_string("kubernetes", alloc), alloc);
    json::set(spec, "finalizers", std::move(finalizers), alloc);
  }
  json::Value& status = json::ensure_object(ns, "status", alloc);
  set_default_string(status, "phase", "Active", alloc);
}

void admit_pod_spec(json::Value& spec, json::Allocator& alloc) {
  set_default_string(spec, "restartPolicy", "Always", alloc);
  default_int(spec, "terminationGracePeriodSeconds", 30, alloc);
  set_default_string(spec, "dnsPolicy", "ClusterFirst", alloc);
  set_default_string(spec, "schedulerName", "default-scheduler", alloc);
  json::ensure_object(spec, "securityContext", alloc);
  if (json::Value* containers = json::find(spec, "containers");
      containers && containers->IsArray()) {
    for (json::Value& c : containers->GetArray()) {
      if (!c.IsObject()) continue;
      set_default_string(c, "terminationMessagePath", "/dev/termination-log", alloc);
      set_default_string(c, "terminationMessagePolicy", "File", alloc);
      std::string image = json::get_string(c, "image");
      bool latest =
          image.find(':') == std::string::npos || util::split(image, ':').back() == "latest";
      set_default_string(c, "imagePullPolicy",
                         latest && image.find('@') == std::string::npos ? "Always" : "IfNotPresent",
                         alloc);
      if (json::Value* ports = json::find(c, "ports"); ports && ports->IsArray()) {
        for (json::Value& p : ports->GetArray()) {
          if (p.IsObject()) set_default_string(p, "protocol", "TCP", alloc);
        }
      }
      for (std::string_view probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
        json::Value* pr = json::find(c, probe);
        if (pr == nullptr || !pr->IsObject()) continue;
        default_int(*pr, "timeoutSeconds", 1, alloc);
        default_int(*pr, "periodSeconds", 10, alloc);
        default_int(*pr, "successThreshold", 1, alloc);
        default_int(*pr, "failureThreshold", 3, alloc);
        if (json::Value* http = json::find(*pr, "httpGet"); http && http->IsObject()) {
          set_default_string(*http, "path", "/", alloc);
          set_default_string(*http, "scheme", "HTTP", alloc);
        }
      }
    }
  }
}

void admit_deployment(json::Document& d) {
  auto& alloc = d.GetAllocator();
  json::Value& spec = json::ensure_object(d, "spec", alloc);
  default_int(spec, "replicas", 1, alloc);
  default_int(spec, "revisionHistoryLimit", 10, alloc);
  default_int(spec, "progressDeadlineSeconds", 600, alloc);
  json::Value& strategy = json::ensure_object(spec, "strategy", alloc);
  set_default_string(strategy, "type", "RollingUpdate", alloc);
  if (json::get_string(strategy, "type") == "RollingUpdate") {
    json::Value& ru = json::ensure_object(strategy, "rollingUpdate", alloc);
    if (json::find(ru, "maxUnavailable") == nullptr)
      json::set_string(ru, "maxUnavailable", "25%", alloc);
    if (json::find(ru, "maxSurge") == nullptr) json::set_string(ru, "maxSurge", "25%", alloc);
  }
  json::Value& tmpl = json::ensure_object(spec, "template", alloc);
  admit_pod_spec(json::ensure_object(tmpl, "spec", alloc), alloc);
}

bool is_mutating_webhook_configuration(const ResourceType& type) {
  return type.group == "admissionregistration.k8s.io" &&
         type.kind == "MutatingWebhookConfiguration";
}

// SetDefaults_MutatingWebhook and SetDefaults_Rule / ServiceReference.
void admit_mutating_webhook_configuration(json::Document& configuration) {
  auto& alloc = configuration.GetAllocator();
  json::Value* webhooks = json::find(configuration, "webhooks");
  if (webhooks == nullptr || !webhooks->IsArray()) return;
  for (json::Value& webhook : webhooks->GetArray()) {
    if (!webhook.IsObject()) continue;
    set_default_string(webhook, "failurePolicy", "Fail", alloc);
    set_default_string(webhook, "matchPolicy", "Equivalent", alloc);
    json::ensure_object(webhook, "namespaceSelector", alloc);
    json::ensure_object(webhook, "objectSelector", alloc);
    default_int(webhook, "timeoutSeconds", 10, alloc);
    set_default_string(webhook, "reinvocationPolicy", "Never", alloc);
    if (json::Value* rules = json::find(webhook, "rules"); rules && rules->IsArray()) {
      for (json::Value& rule : rules->GetArray()) {
        if (rule.IsObject()) set_default_string(rule, "scope", "*", alloc);
      }
    }
    if (json::Value* service = json::find_path(webhook, {"clientConfig", "service"});
        service && service->IsObject()) {
      default_int(*service, "port", 443, alloc);
    }
  }
}

// ValidateMutatingWebhookConfiguration, the parts an install can get wrong.
void validate_mutating_webhook_configuration(const json::Value& configuration,
                                             std::vector<StatusCause>& causes) {
  const json::Value* webhooks = json::find(configuration, "webhooks");
  if (webhooks == nullptr || !webhooks->IsArray()) return;
  std::vector<std::string> names;
  for (rapidjson::SizeType i = 0; i < webhooks->Size(); ++i) {
    const json::Value& webhook = (*webhooks)[i];
    std::string at = util::cat("webhooks[", i, "]");
    std::string name = json::get_string(webhook, "name");
    if (name.empty()) {
      causes.push_back(cause_required(at + ".name"));
    } else if (std::count(name.begin(), name.end(), '.') < 2 || !is_dns1123_subdomain(name)) {
      causes.push_back(cause_invalid(at + ".name", json::quoted(name),
                                     "should be a domain with at least three segments separated "
                                     "by dots"));
    } else if (std::find(names.begin(), names.end(), name) != names.end()) {
      causes.push_back(cause_duplicate(at + ".name", json::quoted(name)));
    }
    names.push_back(name);
    const json::Value* versions = json::find(webhook, "admissionReviewVersions");
    bool v1 = false;
    if (versions != nullptr && versions->IsArray()) {
      for (const json::Value& v : versions->GetArray()) {
        v1 = v1 || (v.IsString() && (std::string_view(v.GetString()) == "v1" ||
                                     std::string_view(v.GetString()) == "v1beta1"));
      }
    }
    if (versions == nullptr || !versions->IsArray() || versions->Empty()) {
      causes.push_back(
          cause_required(at + ".admissionReviewVersions", "must specify one of v1, v1beta1"));
    } else if (!v1) {
      causes.push_back(cause_invalid(at + ".admissionReviewVersions", json::render_value(*versions),
                                     "must include at least one of v1, v1beta1"));
    }
    std::string side_effects = json::get_string(webhook, "sideEffects");
    if (side_effects.empty()) {
      causes.push_back(
          cause_required(at + ".sideEffects", "must specify one of None, NoneOnDryRun"));
    } else if (side_effects != "None" && side_effects != "NoneOnDryRun") {
      causes.push_back(cause_not_supported(at + ".sideEffects", json::quoted(side_effects),
                                           {"\"None\"", "\"NoneOnDryRun\""}));
    }
    std::string failure_policy = json::get_string(webhook, "failurePolicy");
    if (failure_policy != "Fail" && failure_policy != "Ignore") {
      causes.push_back(cause_not_supported(at + ".failurePolicy", json::quoted(failure_policy),
                                           {"\"Fail\"", "\"Ignore\""}));
    }
    std::string reinvocation = json::get_string(webhook, "reinvocationPolicy");
    if (reinvocation != "Never" && reinvocation != "IfNeeded") {
      causes.push_back(cause_not_supported(at + ".reinvocationPolicy", json::quoted(reinvocation),
                                           {"\"IfNeeded\"", "\"Never\""}));
    }
    if (const json::Value* t = json::find(webhook, "timeoutSeconds");
        t != nullptr && t->IsInt() && (t->GetInt() < 1 || t->GetInt() > 30)) {
      causes.push_back(cause_invalid(at + ".timeoutSeconds", json::render_value(*t),
                                     "the timeout value must be between 1 and 30 seconds"));
    }
    const json::Value* client = json::find(webhook, "clientConfig");
    bool has_url = client != nullptr && json::find(*client, "url") != nullptr;
    bool has_service = client != nullptr && json::find(*client, "service") != nullptr;
    if (has_url == has_service) {
      causes.push_back(
          cause_required(at + ".clientConfig", "exactly one of url or service is required"));
    } else if (has_url) {
      std::string url = json::get_string(*client, "url");
      if (url.rfind("https://", 0) != 0) {
        causes.push_back(cause_invalid(at + ".clientConfig.url", json::quoted(url),
                                       "'https' is the only allowed URL scheme"));
      }
    } else {
      const json::Value& service = *json::find(*client, "service");
      for (std::string_view field : {"name", "namespace"}) {
        if (json::get_string(service, field).empty()) {
          causes.push_back(cause_required(util::cat(at, ".clientConfig.service.", field)));
        }
      }
    }
  }
}

void check_qualified_keys(const json::Value* map, const std::string& field, bool values_are_labels,
                          std::vector<StatusCause>& causes) {
  if (map == nullptr || !map->IsObject()) return;
  size_t total = 0;
  for (auto it = map->MemberBegin(); it != map->MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    if (std::string e = validate_label_key(key); !e.empty()) {
      causes.push_back(cause_invalid(field, json::quoted(key), e));
    }
    if (!it->value.IsString()) continue;
    std::string_view value(it->value.GetString(), it->value.GetStringLength());
    total += key.size() + value.size();
    if (values_are_labels) {
      if (std::string e = validate_label_value(value); !e.empty()) {
        causes.push_back(cause_invalid(field, json::quoted(value), e));
      }
    }
  }
  if (!values_are_labels && total > kMaxAnnotationBytes) {
    causes.push_back({"FieldValueTooLong",
                      util::cat("Too long: must have at most ", kMaxAnnotationBytes, " bytes"),
                      field});
  }
}

void validate_secret(const json::Value& secret, const json::Value* old,
                     std::vector<StatusCause>& causes) {
  size_t total = 0;
  if (const json::Value* data = json::find(secret, "data"); data && data->IsObject()) {
    for (auto it = data->MemberBegin(); it != data->MemberEnd(); ++it) {
      std::string_view key(it->name.GetString(), it->name.GetStringLength());
      bool ok =
          !key.empty() && key != "." && key != ".." &&
          std::all_of(key.begin(), key.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
          });
      if (!ok) {
        causes.push_back(cause_invalid(
            util::cat("data[", key, "]"), json::quoted(key),
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
            "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
            "'[-._a-zA-Z0-9]+')"));
      }
      if (it->value.IsString()) total += it->value.GetStringLength() * 3 / 4;
    }
  }
  if (total > kMaxSecretBytes) {
    causes.push_back({"FieldValueTooLong",
                      util::cat("Too long: must have at most ", kMaxSecretBytes, " bytes"),
                      "data"});
  }
  if (old != nullptr) {
    std::string type = json::get_string(secret, "type");
    if (type != json::get_string(*old, "type"))
      causes.push_back(cause_invalid("type", json::quoted(type), "field is immutable"));
    const json::Value* immutable = json::find(*old, "immutable");
    if (immutable != nullptr && immutable->IsBool() && immutable->GetBool()) {
      const json::Value* a = json::find(secret, "data");
      const json::Value* b = json::find(*old, "data");
      bool same = (a == nullptr && b == nullptr) || (a != nullptr && b != nullptr && *a == *b);
      if (!same)
        causes.push_back(cause_forbidden("data", "field is immutable when `immutable` is set"));
    }
  }
}

}  // namespace

std::string validate_name(const ResourceType& type, std::string_view name) {
  if (type.group == "rbac.authorization.k8s.io") {
    if (name == "." || name == "..") return util::cat("may not be '", name, "'");
    if (name.find('/') != std::string_view::npos) return "may not contain '/'";
    if (name.find('%') != std::string_view::npos) return "may not contain '%'";
    return "";
  }
  if (type.kind == "Namespace" && type.group.empty()) {
    if (name.size() > 63) return "must be no more than 63 characters";
    if (!is_dns1123_label(name)) {
      return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
             "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
             "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    }
    return "";
  }
  if (name.size() > 253) return "must be no more than 253 characters";
  if (!is_dns1123_subdomain(name)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
           "'-' or '.', and must start and end with an alphanumeric character (e.g. "
           "'example.com', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }
  return "";
}

void admit(const ResourceType& type, json::Document& object, const json::Value* /*old*/) {
  if (type.is_custom()) return;
  if (type.group.empty() && type.kind == "Secret") admit_secret(object);
  if (type.group.empty() && type.kind == "Namespace") admit_namespace(object);
  if (type.group == "apps" && type.kind == "Deployment") admit_deployment(object);
  if (is_mutating_webhook_configuration(type)) admit_mutating_webhook_configuration(object);
}

std::vector<StatusCause> validate_object(const ResourceType& type, const json::Value& object,
                                         const json::Value* old) {
  std::vector<StatusCause> causes;
  const json::Value* meta = json::find(object, "metadata");
  std::string name = meta ? json::get_string(*meta, "name") : "";
  if (name.empty()) {
    causes.push_back(cause_required("metadata.name", "name or generateName is required"));
  } else if (std::string e = validate_name(type, name); !e.empty()) {
    causes.push_back(cause_invalid("metadata.name", json::quoted(name), e));
  }
  if (meta != nullptr) {
    check_qualified_keys(json::find(*meta, "labels"), "metadata.labels", true, causes);
    check_qualified_keys(json::find(*meta, "annotations"), "metadata.annotations", false, causes);
  }
  if (type.is_custom()) {
    if (const json::Document* schema = type.custom->open_api_v3_schema.get()) {
      for (StatusCause& c : validate_custom_resource(*schema, object))
        causes.push_back(std::move(c));
    }
    return causes;
  }
  if (type.group.empty() && type.kind == "Secret") validate_secret(object, old, causes);
  if (is_mutating_webhook_configuration(type)) {
    validate_mutating_webhook_configuration(object, causes);
  }
  if (type.storage_key == "/events") {
    std::string involved_ns = json::get_string_path(object, {"involvedObject", "namespace"});
    std::string ns = meta ? json::get_string(*meta, "namespace") : "";
    if (!involved_ns.empty() && involved_ns != ns) {
      causes.push_back(cause_invalid("involvedObject.namespace", json::quoted(involved_ns),
                                     "does not match event.namespace"));
    }
  }
  if (type.group == "coordination.k8s.io") {
    const json::Value* d = json::find_path(object, {"spec", "leaseDurationSeconds"});
    if (d != nullptr && d->IsInt64() && d->GetInt64() <= 0) {
      causes.push_back(cause_invalid("spec.leaseDurationSeconds", json::render_value(*d),
                                     "must be greater than 0"));
    }
  }
  return causes;
}

}  // namespace sim::kube
