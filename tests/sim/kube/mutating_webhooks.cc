#include "tests/sim/kube/mutating_webhooks.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <charconv>

#include "httplib.h"
#include "pkg/util/base64.h"
#include "pkg/util/openssl_ptr.h"
#include "pkg/util/strings.h"
#include "tests/sim/kube/json_patch.h"
#include "tests/sim/kube/object_codec.h"
#include "tests/sim/kube/selector.h"

namespace sim::kube {
namespace {

constexpr int kDefaultTimeoutSeconds = 10;
constexpr int kDefaultServicePort = 443;

// A failed call, as webhookutil.ErrCallingWebhook: failurePolicy decides.
struct CallFailure {
  std::string reason;
};

// Where a webhook is reached.
struct Endpoint {
  std::string origin;   // "https://authority" as the apiserver names it in errors
  std::string host;     // verified against the certificate, sent as SNI
  std::string address;  // connected to ("" = host)
  int port = 0;
  std::string path;          // with the query
  std::string service_name;  // clientConfig.service, "" for a url
  std::string service_namespace;
};

bool contains(const json::Value* list, std::string_view value) {
  if (list == nullptr || !list->IsArray()) return false;
  return std::any_of(list->Begin(), list->End(), [&](const json::Value& v) {
    return v.IsString() && (std::string_view(v.GetString()) == "*" || v.GetString() == value);
  });
}

// resources: "pods", "pods/status", "*" (every resource, no subresource),
// "pods/*", "*/status", "*/*".
bool resource_matches(const json::Value* resources, std::string_view resource,
                      std::string_view subresource) {
  if (resources == nullptr || !resources->IsArray()) return false;
  for (const json::Value& v : resources->GetArray()) {
    if (!v.IsString()) continue;
    std::string_view entry = v.GetString();
    size_t slash = entry.find('/');
    std::string_view res = entry.substr(0, slash);
    std::string_view sub = slash == std::string_view::npos ? "" : entry.substr(slash + 1);
    bool resource_ok = res == "*" || res == resource;
    bool sub_ok = sub == subresource || (sub == "*" && !subresource.empty()) || (entry == "*/*");
    if (resource_ok && sub_ok) return true;
  }
  return false;
}

bool rules_match(const json::Value& webhook, const AdmissionAttributes& a) {
  const json::Value* rules = json::find(webhook, "rules");
  if (rules == nullptr || !rules->IsArray()) return false;
  const ResourceType& type = *a.type;
  for (const json::Value& rule : rules->GetArray()) {
    if (!rule.IsObject()) continue;
    std::string scope = json::get_string(rule, "scope");
    if ((scope == "Cluster" && type.namespaced) || (scope == "Namespaced" && !type.namespaced)) {
      continue;
    }
    if (contains(json::find(rule, "operations"), a.operation) &&
        contains(json::find(rule, "apiGroups"), type.group) &&
        contains(json::find(rule, "apiVersions"), type.version) &&
        resource_matches(json::find(rule, "resources"), type.resource, a.subresource)) {
      return true;
    }
  }
  return false;
}

// A metav1.LabelSelector; absent or {} matches everything.
LabelSelector selector_of(const json::Value* selector) {
  std::vector<LabelSelector::Requirement> requirements;
  if (selector == nullptr || !selector->IsObject()) return LabelSelector();
  if (const json::Value* labels = json::find(*selector, "matchLabels");
      labels != nullptr && labels->IsObject()) {
    for (auto it = labels->MemberBegin(); it != labels->MemberEnd(); ++it) {
      if (!it->value.IsString()) continue;
      requirements.push_back(
          {it->name.GetString(), LabelSelector::Op::kEquals, {it->value.GetString()}});
    }
  }
  if (const json::Value* expressions = json::find(*selector, "matchExpressions");
      expressions != nullptr && expressions->IsArray()) {
    for (const json::Value& e : expressions->GetArray()) {
      std::string op = json::get_string(e, "operator");
      LabelSelector::Requirement r{json::get_string(e, "key"), LabelSelector::Op::kIn, {}};
      if (op == "NotIn") r.op = LabelSelector::Op::kNotIn;
      if (op == "Exists") r.op = LabelSelector::Op::kExists;
      if (op == "DoesNotExist") r.op = LabelSelector::Op::kDoesNotExist;
      if (const json::Value* values = json::find(e, "values"); values && values->IsArray()) {
        for (const json::Value& v : values->GetArray()) {
          if (v.IsString()) r.values.emplace_back(v.GetString());
        }
      }
      requirements.push_back(std::move(r));
    }
  }
  return LabelSelector::of(std::move(requirements));
}

int timeout_seconds(const json::Value& webhook) {
  const json::Value* t = json::find(webhook, "timeoutSeconds");
  return t != nullptr && t->IsInt() ? t->GetInt() : kDefaultTimeoutSeconds;
}

// https://host[:port][/path][?query]
util::StatusOr<Endpoint> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.rfind(kScheme, 0) != 0) {
    return util::invalid_argument_error("'https' is the only allowed URL scheme");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  Endpoint e;
  e.path = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (e.path.front() == '?') e.path.insert(0, "/");
  e.port = kDefaultServicePort;
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:443
    size_t close = authority.find(']');
    host = authority.substr(1, close == std::string_view::npos ? close : close - 1);
    authority.remove_prefix(std::min(authority.size(), close + 1));
  } else {
    size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
  }
  if (!authority.empty() && authority.front() == ':') {
    authority.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), e.port);
    if (ec != std::errc() || ptr != authority.data() + authority.size()) {
      return util::invalid_argument_error(util::cat("invalid port in ", url));
    }
  }
  e.host = std::string(host);
  e.origin = util::cat(kScheme, rest.substr(0, path_at));
  return e;
}

// With the timeout the apiserver announces to the webhook.
void add_timeout(Endpoint& e, int seconds) {
  e.path += e.path.find('?') == std::string::npos ? "?" : "&";
  e.path += util::cat("timeout=", seconds, "s");
}

// The caBundle's certificates as the store a client verifies with.
util::openssl::X509StorePtr ca_store(std::string_view pem) {
  util::openssl::X509StorePtr store(X509_STORE_new());
  const util::openssl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    const util::openssl::X509Ptr owned(cert);
    X509_STORE_add_cert(store.get(), cert);
  }
  ERR_clear_error();  // the end of the text reads as an error
  return store;
}

std::string failure_text(httplib::Error error, const Endpoint& e) {
  switch (error) {
    case httplib::Error::Connection:
      return util::cat("dial tcp ", e.address.empty() ? e.host : e.address, ":", e.port,
                       ": connect: connection refused");
    case httplib::Error::SSLServerVerification:
      return util::cat("tls: failed to verify certificate: x509: the certificate is not signed ",
                       "by the caBundle or not valid for ", json::quoted(e.host));
    case httplib::Error::SSLConnection:
      return "remote error: tls: handshake failure";
    case httplib::Error::Read:
      return "context deadline exceeded";
    default:
      return httplib::to_string(error);
  }
}

ApiError refusal(std::string_view webhook, const json::Value* status) {
  ApiError e;
  e.code = 400;
  std::string message;
  std::string reason;
  if (status != nullptr && status->IsObject()) {
    if (const json::Value* code = json::find(*status, "code"); code && code->IsInt()) {
      e.code = std::max(code->GetInt(), 400);
    }
    message = json::get_string(*status, "message");
    reason = json::get_string(*status, "reason");
  }
  e.reason = reason;
  std::string denied =
      util::cat("admission webhook ", json::quoted(webhook), " denied the request");
  if (!message.empty()) {
    e.message = util::cat(denied, ": ", message);
  } else if (!reason.empty()) {
    e.message = util::cat(denied, ": ", reason);
  } else {
    e.message = util::cat(denied, " without explanation");
  }
  return e;
}

class WebhookCall {
 public:
  WebhookCall(const MutatingWebhooks::Environment& env, const json::Value& webhook,
              const AdmissionAttributes& attributes)
      : env_(env), webhook_(webhook), attributes_(attributes) {}

  // The patch to apply (empty: none), or the refusal, or why the call failed.
  struct Answer {
    std::optional<json::Document> patch;
    std::optional<ApiError> refusal;
    std::optional<CallFailure> failure;
  };
  Answer call(const json::Document& object, std::vector<std::string>& warnings) const;

 private:
  // Where clientConfig points; kInvalidArgument when it cannot say.
  util::StatusOr<Endpoint> endpoint() const;
  // Resolves a Service to its address as the ClusterIP resolver would.
  util::Status route(Endpoint& e) const;
  std::string review(const std::string& uid, const json::Document& object) const;

  const MutatingWebhooks::Environment& env_;
  const json::Value& webhook_;
  const AdmissionAttributes& attributes_;
};

util::StatusOr<Endpoint> WebhookCall::endpoint() const {
  const json::Value* config = json::find(webhook_, "clientConfig");
  if (config == nullptr) return util::invalid_argument_error("no clientConfig");
  std::string url = json::get_string(*config, "url");
  if (!url.empty()) return parse_url(url);
  const json::Value* service = json::find(*config, "service");
  if (service == nullptr) return util::invalid_argument_error("no clientConfig.url or service");
  const json::Value* port = json::find(*service, "port");
  Endpoint e;
  e.service_name = json::get_string(*service, "name");
  e.service_namespace = json::get_string(*service, "namespace");
  e.host = util::cat(e.service_name, ".", e.service_namespace, ".svc");
  e.port = port != nullptr && port->IsInt() ? port->GetInt() : kDefaultServicePort;
  e.origin = util::cat("https://", e.host, ":", e.port);
  std::string path = json::get_string(*service, "path");
  e.path = path.empty() ? "/" : path;
  return e;
}

util::Status WebhookCall::route(Endpoint& e) const {
  if (e.service_name.empty()) return util::ok_status();
  std::string quoted_name = json::quoted(e.service_name);
  RecordPtr svc = env_.store.get("/services", e.service_namespace, e.service_name);
  if (svc == nullptr)
    return util::not_found_error(util::cat("service ", quoted_name, " not found"));
  auto doc = json::parse(svc->json);
  const json::Value* ports = doc.ok() ? json::find_path(*doc, {"spec", "ports"}) : nullptr;
  bool exposed = ports != nullptr && ports->IsArray() &&
                 std::any_of(ports->Begin(), ports->End(), [&](const json::Value& p) {
                   const json::Value* n = json::find(p, "port");
                   return n != nullptr && n->IsInt() && n->GetInt() == e.port;
                 });
  if (!exposed) {
    return util::not_found_error(
        util::cat("no service port ", e.port, " found for service ", quoted_name));
  }
  std::string key = util::cat(e.service_namespace, "/", e.service_name);
  auto address = env_.service_addresses.find(key);
  if (address == env_.service_addresses.end()) {
    return util::unavailable_error(util::cat("no route to service ", key,
                                             " (kube-sim --service-address=", key, "=HOST:PORT)"));
  }
  auto target = parse_url(util::cat("https://", address->second));
  if (!target.ok()) return target.status();
  e.address = target->host;
  e.port = target->port;
  return util::ok_status();
}

std::string WebhookCall::review(const std::string& uid, const json::Document& object) const {
  const ResourceType& type = *attributes_.type;
  json::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  json::set_string(doc, "kind", "AdmissionReview", alloc);
  json::set_string(doc, "apiVersion", "admission.k8s.io/v1", alloc);
  json::Value request(rapidjson::kObjectType);
  json::set_string(request, "uid", uid, alloc);
  json::Value kind(rapidjson::kObjectType);
  json::set_string(kind, "group", type.group, alloc);
  json::set_string(kind, "version", type.version, alloc);
  json::set_string(kind, "kind", type.kind, alloc);
  json::Value resource(rapidjson::kObjectType);
  json::set_string(resource, "group", type.group, alloc);
  json::set_string(resource, "version", type.version, alloc);
  json::set_string(resource, "resource", type.resource, alloc);
  json::set(request, "kind", json::copy(kind, alloc), alloc);
  json::set(request, "resource", json::copy(resource, alloc), alloc);
  if (!attributes_.subresource.empty()) {
    json::set_string(request, "subResource", attributes_.subresource, alloc);
  }
  json::set(request, "requestKind", std::move(kind), alloc);
  json::set(request, "requestResource", std::move(resource), alloc);
  if (!attributes_.subresource.empty()) {
    json::set_string(request, "requestSubResource", attributes_.subresource, alloc);
  }
  if (!attributes_.name.empty()) json::set_string(request, "name", attributes_.name, alloc);
  if (!attributes_.ns.empty()) json::set_string(request, "namespace", attributes_.ns, alloc);
  json::set_string(request, "operation", attributes_.operation, alloc);
  json::Value user(rapidjson::kObjectType);
  json::set_string(user, "username", attributes_.user, alloc);
  json::Value groups(rapidjson::kArrayType);
  groups.PushBack(json::make_string("system:authenticated", alloc), alloc);
  json::set(user, "groups", std::move(groups), alloc);
  json::set(request, "userInfo", std::move(user), alloc);
  json::set(request, "object", json::copy(object, alloc), alloc);
  if (attributes_.old_object != nullptr) {
    json::set(request, "oldObject", json::copy(*attributes_.old_object, alloc), alloc);
  }
  json::set(request, "dryRun", json::Value(attributes_.dry_run), alloc);
  json::Value options(rapidjson::kObjectType);
  bool create = attributes_.operation == "CREATE";
  json::set_string(options, "kind", create ? "CreateOptions" : "UpdateOptions", alloc);
  json::set_string(options, "apiVersion", "meta.k8s.io/v1", alloc);
  json::set(request, "options", std::move(options), alloc);
  json::set(doc, "request", std::move(request), alloc);
  return json::to_string(doc);
}

WebhookCall::Answer WebhookCall::call(const json::Document& object,
                                      std::vector<std::string>& warnings) const {
  Answer answer;
  int timeout = timeout_seconds(webhook_);
  auto resolved = endpoint();
  if (!resolved.ok()) {
    answer.failure =
        CallFailure{util::cat("could not get REST client: ", resolved.status().message())};
    return answer;
  }
  Endpoint e = *resolved;
  add_timeout(e, timeout);
  auto post = [&](const std::string& message) {
    return util::cat("failed to call webhook: Post ", json::quoted(e.origin + e.path), ": ",
                     message);
  };
  if (util::Status routed = route(e); !routed.ok()) {
    answer.failure = CallFailure{post(routed.message())};
    return answer;
  }
  std::string uid = env_.uids.uuid();

  httplib::SSLClient client(e.host, e.port);
  if (!e.address.empty()) client.set_hostname_addr_map({{e.host, e.address}});
  client.enable_server_certificate_verification(true);
  const json::Value* config = json::find(webhook_, "clientConfig");
  std::string bundle = config != nullptr ? json::get_string(*config, "caBundle") : "";
  if (!bundle.empty()) {
    auto pem = util::base64_decode(bundle);
    if (pem.ok()) client.set_ca_cert_store(ca_store(*pem).release());  // the client owns it
  }
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Headers headers{{"Accept", "application/json, */*"}};
  auto result = client.Post(e.path, headers, review(uid, object), "application/json");
  if (!result) {
    answer.failure = CallFailure{post(failure_text(result.error(), e))};
    return answer;
  }
  if (result->status != 200) {
    answer.failure = CallFailure{
        post(util::cat("an error on the server (", json::quoted(result->body.substr(0, 200)),
                       ") has prevented the request from succeeding"))};
    return answer;
  }
  auto invalid = [](const std::string& why) {
    return Answer{.failure = CallFailure{util::cat("received invalid webhook response: ", why)}};
  };
  auto doc = json::parse(result->body);
  if (!doc.ok() || !doc->IsObject()) return invalid("the response is not a JSON object");
  if (json::get_string(*doc, "apiVersion") != "admission.k8s.io/v1" ||
      json::get_string(*doc, "kind") != "AdmissionReview") {
    return invalid(util::cat("expected webhook response of admission.k8s.io/v1, ",
                             "Kind=AdmissionReview, got ", json::get_string(*doc, "apiVersion"),
                             ", Kind=", json::get_string(*doc, "kind")));
  }
  const json::Value* response = json::find(*doc, "response");
  if (response == nullptr || !response->IsObject()) return invalid("response was absent");
  std::string got_uid = json::get_string(*response, "uid");
  if (got_uid != uid) {
    return invalid(
        util::cat("expected response.uid=", json::quoted(uid), ", got ", json::quoted(got_uid)));
  }
  if (const json::Value* w = json::find(*response, "warnings"); w && w->IsArray()) {
    for (const json::Value& text : w->GetArray()) {
      if (text.IsString()) warnings.emplace_back(text.GetString());
    }
  }
  const json::Value* allowed = json::find(*response, "allowed");
  if (allowed == nullptr || !allowed->IsBool() || !allowed->GetBool()) {
    answer.refusal = refusal(json::get_string(webhook_, "name"), json::find(*response, "status"));
    return answer;
  }
  std::string patch = json::get_string(*response, "patch");
  std::string patch_type = json::get_string(*response, "patchType");
  if (patch.empty()) return answer;
  if (patch_type.empty())
    return invalid("webhook returned response.patch but not response.patchType");
  if (patch_type != "JSONPatch") {
    return invalid(
        util::cat("webhook returned invalid response.patchType of ", json::quoted(patch_type)));
  }
  auto decoded = util::base64_decode(patch);
  auto operations = decoded.ok() ? json::parse(*decoded) : decoded.status();
  if (!operations.ok() || !operations->IsArray()) {
    answer.failure =
        CallFailure{"received undecodable patch in webhook response: not a JSON Patch array"};
    return answer;
  }
  answer.patch = std::move(*operations);
  return answer;
}

}  // namespace

std::optional<ApiError> MutatingWebhooks::admit(const AdmissionAttributes& attributes,
                                                json::Document& object,
                                                std::vector<std::string>& warnings) const {
  ListRequest list;
  list.storage_key = kMutatingWebhookConfigurationsKey;
  auto configurations = env_.store.list(list);
  if (!configurations.ok() || configurations->items.empty()) return std::nullopt;
  std::vector<RecordPtr> ordered = configurations->items;
  std::sort(ordered.begin(), ordered.end(),
            [](const RecordPtr& a, const RecordPtr& b) { return a->name < b->name; });

  const ResourceType& type = *attributes.type;
  StringPairs namespace_labels;
  if (type.namespaced) {
    if (RecordPtr ns = env_.store.get("/namespaces", "", attributes.ns))
      namespace_labels = ns->labels;
  } else if (type.group.empty() && type.kind == "Namespace") {
    namespace_labels = labels_of(object);
  }

  // The webhooks see (and patch) the object in the request's version.
  json::Document versioned;
  versioned.CopyFrom(object, versioned.GetAllocator());
  convert_to_version(type, versioned);
  json::Document old_versioned;
  AdmissionAttributes versioned_attributes = attributes;
  if (attributes.old_object != nullptr) {
    old_versioned.CopyFrom(*attributes.old_object, old_versioned.GetAllocator());
    convert_to_version(type, old_versioned);
    versioned_attributes.old_object = &old_versioned;
  }
  bool patched = false;
  for (const RecordPtr& record : ordered) {
    auto configuration = json::parse(record->json);
    if (!configuration.ok()) continue;
    const json::Value* webhooks = json::find(*configuration, "webhooks");
    if (webhooks == nullptr || !webhooks->IsArray()) continue;
    for (const json::Value& webhook : webhooks->GetArray()) {
      if (!rules_match(webhook, attributes)) continue;
      if (type.namespaced || !namespace_labels.empty()) {
        if (!selector_of(json::find(webhook, "namespaceSelector")).matches(namespace_labels)) {
          continue;
        }
      }
      LabelSelector object_selector = selector_of(json::find(webhook, "objectSelector"));
      bool object_matches = object_selector.matches(labels_of(versioned));
      if (!object_matches && attributes.old_object != nullptr) {
        object_matches = object_selector.matches(labels_of(old_versioned));
      }
      if (!object_matches) continue;
      std::string name = json::get_string(webhook, "name");
      std::string side_effects = json::get_string(webhook, "sideEffects");
      if (attributes.dry_run && side_effects != "None" && side_effects != "NoneOnDryRun") {
        return bad_request(
            util::cat("admission webhook ", json::quoted(name), " does not support dry run"));
      }
      WebhookCall::Answer answer =
          WebhookCall(env_, webhook, versioned_attributes).call(versioned, warnings);
      if (answer.refusal) return answer.refusal;
      if (answer.failure) {
        if (json::get_string(webhook, "failurePolicy") == "Ignore") continue;
        return internal_error(
            util::cat("failed calling webhook ", json::quoted(name), ": ", answer.failure->reason));
      }
      if (!answer.patch || answer.patch->Empty()) continue;
      if (util::Status applied =
              apply_json_patch(versioned, *answer.patch, versioned.GetAllocator());
          !applied.ok()) {
        return internal_error(applied.message());
      }
      std::vector<std::string> ignored;
      if (auto e = decode_request_object(env_.schemas, type, versioned, "Ignore", ignored)) {
        return internal_error(e->message);
      }
      patched = true;
    }
  }
  if (patched) {
    convert_to_storage(type, versioned);
    // Into the caller's allocator: references the caller holds stay valid.
    object.CopyFrom(versioned, object.GetAllocator());
  }
  return std::nullopt;
}

}  // namespace sim::kube
