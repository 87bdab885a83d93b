#include "controller/domain/pod_wiring.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>

#include "pkg/util/strings.h"

namespace controller {
namespace {

using kube::JsonValue;
namespace json = kube::json;

// The variables that choose where an SDK's credentials come from. A container
// that sets any of them has chosen: it is left alone.
constexpr std::string_view kCredentialChoosingVariables[] = {
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",       "AWS_CREDENTIAL_PROFILES_FILE",
    "AWS_ACCESS_KEY_ID",           "AWS_SECRET_ACCESS_KEY", "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_PROFILE",
};

// A Secret volume's default mode: readable by whichever user the pod runs as.
constexpr int kVolumeMode = 0444;

std::optional<std::string_view> annotation(const JsonValue& pod, std::string_view key) {
  const JsonValue* annotations = json::find_path(pod, {"metadata", "annotations"});
  const JsonValue* value = annotations != nullptr ? json::find(*annotations, key) : nullptr;
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return json::as_string(*value);
}

// How the pod (or one container) names its role.
struct NamedRole {
  std::string text;
  std::string source;                // for messages and the derived-from annotation
  bool may_name_awsiamrole = false;  // kube-aws-iam-controller/role: a name is looked up first
  std::optional<std::string> external_id;  // iam4kube's roleExternalId
};

std::optional<NamedRole> pod_role(const JsonValue& pod, const ServiceAccountView* account,
                                  const PodWiringOptions& options) {
  if (auto value = annotation(pod, kRoleAnnotation)) {
    return NamedRole{.text = std::string(*value),
                     .source = util::cat("pod annotation ", kRoleAnnotation),
                     .may_name_awsiamrole = true};
  }
  if (auto value = annotation(pod, kKube2iamRoleAnnotation)) {
    return NamedRole{.text = std::string(*value),
                     .source = util::cat("pod annotation ", kKube2iamRoleAnnotation)};
  }
  if (account == nullptr) return std::nullopt;
  const auto from_account = [&](std::string_view key) {
    return util::cat("ServiceAccount ", account->name, " annotation ", key);
  };
  if (account->role) {
    return NamedRole{.text = *account->role, .source = from_account(kKube2iamRoleAnnotation)};
  }
  if (account->role_arn) {
    return NamedRole{.text = *account->role_arn,
                     .source = from_account(kIam4kubeRoleArnAnnotation),
                     .external_id = account->external_id};
  }
  if (account->irsa_role_arn && options.accept_irsa_annotation) {
    return NamedRole{.text = *account->irsa_role_arn,
                     .source = from_account(kIrsaRoleArnAnnotation)};
  }
  return std::nullopt;
}

// The Secret a container mounts for its role, once the role is known.
struct RoleSecret {
  std::string name;     // the AWSIAMRole's, and so its Secret's
  bool usable = false;  // false: warned about, the container stays as it is
};

std::string_view secret_name_of(const JsonValue& volume) {
  const JsonValue* secret = json::find(volume, "secret");
  return secret != nullptr ? json::get_string(*secret, "secretName") : std::string_view();
}

const JsonValue* env_of(const JsonValue& container, std::string_view variable) {
  const JsonValue* env = json::find(container, "env");
  if (env == nullptr || !env->IsArray()) return nullptr;
  for (const JsonValue& entry : env->GetArray()) {
    if (json::get_string(entry, "name") == variable) return &entry;
  }
  return nullptr;
}

std::string_view env_value(const JsonValue& container, std::string_view variable) {
  const JsonValue* entry = env_of(container, variable);
  return entry != nullptr ? json::get_string(*entry, "value") : std::string_view();
}

class Wiring {
 public:
  Wiring(const JsonValue& pod, const PodSurroundings& surroundings, const PodWiringOptions& options)
      : pod_(pod), surroundings_(surroundings), options_(options) {
    if (const JsonValue* volumes = json::find_path(pod, {"spec", "volumes"});
        volumes != nullptr && volumes->IsArray()) {
      for (const JsonValue& volume : volumes->GetArray()) {
        const std::string_view name = json::get_string(volume, "name");
        volume_names_.insert(std::string(name));
        const std::string_view secret = secret_name_of(volume);
        if (!secret.empty()) volume_secret_[std::string(name)] = std::string(secret);
      }
      has_volumes_ = true;
    }
  }

  PodWiring run() {
    const std::optional<NamedRole> for_pod =
        pod_role(pod_, surroundings_.service_account, options_);
    warn_about_mistakes();
    for (const std::string_view list : {"initContainers", "containers"}) {
      const JsonValue* containers = json::find_path(pod_, {"spec", list});
      if (containers == nullptr || !containers->IsArray()) continue;
      for (rapidjson::SizeType i = 0; i < containers->Size(); ++i) {
        const JsonValue& container = (*containers)[i];
        const std::string path = util::cat("/spec/", list, "/", i);
        if (out_.refusal) continue;
        const std::string_view name = json::get_string(container, "name");
        if (annotation(pod_, util::cat(kContainerInjectAnnotationPrefix, name)) ==
            kInjectDisabled) {
          continue;
        }
        std::optional<NamedRole> named = for_pod;
        if (auto own = annotation(pod_, util::cat(kContainerRoleAnnotationPrefix, name))) {
          named = NamedRole{
              .text = std::string(*own),
              .source = util::cat("pod annotation ", kContainerRoleAnnotationPrefix, name),
              .may_name_awsiamrole = true};
        }
        if (!named) continue;
        const RoleSecret secret = secret_for(*named);
        if (secret.usable) wire_container(container, name, path, secret.name);
      }
    }
    if (out_.refusal) {
      out_.patch.clear();
      out_.roles_to_create.clear();
    }
    return std::move(out_);
  }

 private:
  const AwsIamRole* role_named(std::string_view name) const {
    for (const auto& role : surroundings_.roles) {
      if (role->name == name) return role.get();
    }
    return nullptr;
  }

  // The AWSIAMRole of this namespace that stands for `reference`: the same
  // text, else the same ARN once both are resolved (resolving every role's
  // reference only when no text matches).
  const AwsIamRole* role_for(std::string_view reference,
                             const util::StatusOr<aws::RoleArn>& arn) const {
    const auto usable = [](const AwsIamRole& role) {
      return role.spec_error.ok() && !role.being_deleted;
    };
    for (const auto& role : surroundings_.roles) {
      if (usable(*role) && role->spec.role_reference == reference) return role.get();
    }
    if (!arn.ok()) return nullptr;
    for (const auto& role : surroundings_.roles) {
      if (!usable(*role)) continue;
      auto other = aws::resolve_role_reference(role->spec.role_reference, options_.base_role_arn);
      if (other.ok() && *other == *arn) return role.get();
    }
    return nullptr;
  }

  RoleSecret secret_for(const NamedRole& named) {
    const std::string reference(util::trim(named.text));
    if (auto known = decided_.find(reference); known != decided_.end()) return known->second;
    RoleSecret& decided = decided_[reference];
    if (reference.empty()) {
      warn(util::cat(named.source, " is empty: no credentials are mounted"));
      return decided;
    }
    const AwsIamRole* role = named.may_name_awsiamrole ? role_named(reference) : nullptr;
    util::StatusOr<aws::RoleArn> arn =
        role != nullptr && role->spec_error.ok()
            ? aws::resolve_role_reference(role->spec.role_reference, options_.base_role_arn)
            : aws::resolve_role_reference(reference, options_.base_role_arn);
    if (role == nullptr) role = role_for(reference, arn);
    if (role == nullptr && !arn.ok()) {
      warn(util::cat(named.source, " '", reference, "' names no role: ", arn.status().message(),
                     "; no credentials are mounted"));
      return decided;
    }
    if (arn.ok() && surroundings_.policy != nullptr) {
      if (auto refusal = surroundings_.policy->refusal(*arn)) {
        const std::string why = util::cat(named.source, ": role ", arn->str(), " ", *refusal);
        if (options_.refuse_forbidden_roles) {
          out_.refusal = why;
        } else {
          warn(util::cat(why, "; no credentials are mounted"));
        }
        return decided;
      }
    }
    if (role != nullptr) {
      decided.name = role->name;
      if (ready_status(role->status) == "False") {
        const Condition* ready = role->status.condition(kReadyCondition);
        warn(util::cat("AWSIAMRole ", role->name, " is not Ready",
                       ready != nullptr && !ready->message.empty() ? ": " : "",
                       ready != nullptr ? ready->message : ""));
      }
    } else {
      DerivedRole derived{.name = derived_role_name(reference),
                          .role_reference = reference,
                          .derived_from = named.source};
      decided.name = derived.name;
      out_.roles_to_create.push_back(std::move(derived));
    }
    if (named.external_id) warn_about_external_id(*named.external_id, decided.name);
    decided.usable = true;
    return decided;
  }

  void warn_about_external_id(std::string_view wanted, std::string_view role_name) {
    if (options_.external_id == nullptr) {
      warn(util::cat(kIam4kubeExternalIdAnnotation, " '", wanted,
                     "' is not sent: this controller sends an sts:ExternalId only with "
                     "--external-id (one template for every role)"));
      return;
    }
    const std::string sent = options_.external_id->render(surroundings_.namespace_, role_name);
    if (sent != wanted) {
      warn(util::cat(kIam4kubeExternalIdAnnotation, " '", wanted,
                     "' is not sent: this controller sends '", sent,
                     "' (--external-id); the role's trust policy must accept that"));
    }
  }

  bool is_managed_secret(std::string_view name) const { return role_named(name) != nullptr; }

  // Mounts of a role's Secret that will never see a refresh, and SDKs pointed
  // at the file they read only once.
  void warn_about_mistakes() {
    for (const SecretMountMistake& mistake : secret_mount_mistakes(pod_, options_.mount_path)) {
      if (!mistake.secret.empty() && !is_managed_secret(mistake.secret)) continue;
      switch (mistake.kind) {
        case MountMistake::kSubPath:
          warn(util::cat("container ", mistake.container, " mounts Secret ", mistake.secret,
                         " with subPath: kubelet never updates a subPath mount, so its credentials "
                         "expire in the pod; mount the whole Secret as a directory"));
          break;
        case MountMistake::kStaticCredentialsFile:
          warn(util::cat("container ", mistake.container,
                         " sets AWS_SHARED_CREDENTIALS_FILE=", mistake.file,
                         ": SDKs read that file once, so a long-running process keeps expired "
                         "keys; use ",
                         mistake.file.substr(0, mistake.file.rfind('/')), "/credentials.process"));
          break;
      }
    }
  }

  void wire_container(const JsonValue& container, std::string_view name, const std::string& path,
                      const std::string& secret) {
    const JsonValue* mounts = json::find(container, "volumeMounts");
    if (mounts != nullptr && mounts->IsArray()) {
      for (const JsonValue& mount : mounts->GetArray()) {
        if (json::get_string(mount, "mountPath") != options_.mount_path) continue;
        auto mounted = volume_secret_.find(std::string(json::get_string(mount, "name")));
        if (mounted == volume_secret_.end() || mounted->second != secret) {
          warn(util::cat("container ", name, " already mounts something at ", options_.mount_path,
                         ": left unchanged, it gets no credentials from Secret ", secret));
        }
        return;  // wired by hand, or already by this webhook
      }
    }
    for (const std::string_view variable : kCredentialChoosingVariables) {
      if (env_of(container, variable) != nullptr) {
        warn(util::cat("container ", name, " sets ", variable,
                       " itself: left unchanged, it gets no credentials from Secret ", secret));
        return;
      }
    }
    JsonValue mount(rapidjson::kObjectType);
    json::set_string(mount, "name", volume_for(secret));
    json::set_string(mount, "mountPath", options_.mount_path);
    json::set(mount, "readOnly", JsonValue(true));
    std::vector<JsonValue> mount_list;
    mount_list.push_back(std::move(mount));
    append(path, "volumeMounts", mounts != nullptr && mounts->IsArray(), std::move(mount_list));

    const JsonValue* env = json::find(container, "env");
    std::vector<JsonValue> entries;
    for (const auto& [variable, value] : variables()) {
      if (env_of(container, variable) != nullptr) continue;  // the user's value stays
      JsonValue entry(rapidjson::kObjectType);
      json::set_string(entry, "name", variable);
      json::set_string(entry, "value", value);
      entries.push_back(std::move(entry));
    }
    append(path, "env", env != nullptr && env->IsArray(), std::move(entries));
  }

  std::vector<std::pair<std::string, std::string>> variables() const {
    std::vector<std::pair<std::string, std::string>> out = {
        {"AWS_SHARED_CREDENTIALS_FILE", util::cat(options_.mount_path, "/credentials.process")},
        {"AWS_CONFIG_FILE", util::cat(options_.mount_path, "/credentials.process")},
        {"AWS_SDK_LOAD_CONFIG", "1"},
        {"AWS_CREDENTIAL_PROFILES_FILE", util::cat(options_.mount_path, "/credentials")},
    };
    if (options_.region) {
      out.emplace_back("AWS_REGION", *options_.region);
      out.emplace_back("AWS_DEFAULT_REGION", *options_.region);
    }
    return out;
  }

  // Adds `values` to the array `member` of the object at `path`: appended one
  // by one when the array exists, else as a new array.
  void append(const std::string& path, std::string_view member, bool exists,
              std::vector<JsonValue> values) {
    if (values.empty()) return;
    if (exists) {
      for (JsonValue& value : values) {
        out_.patch.push_back({util::cat(path, "/", member, "/-"), std::move(value)});
      }
      return;
    }
    kube::JsonAllocator alloc;
    JsonValue array(rapidjson::kArrayType);
    for (JsonValue& value : values)
      array.PushBack(std::move(value), alloc);
    out_.patch.push_back({util::cat(path, "/", member), std::move(array)});
  }

  // The pod's volume for `secret`: one it has, or one added now.
  std::string volume_for(const std::string& secret) {
    for (const auto& [volume, mounted] : volume_secret_) {
      if (mounted == secret) return volume;
    }
    std::string name(kCredentialsVolumeName);
    for (int n = 2; volume_names_.contains(name); ++n)
      name = util::cat(kCredentialsVolumeName, "-", n);
    volume_names_.insert(name);
    volume_secret_[name] = secret;
    JsonValue volume(rapidjson::kObjectType);
    json::set_string(volume, "name", name);
    JsonValue& source = json::ensure_object(volume, "secret");
    json::set_string(source, "secretName", secret);
    json::set_int(source, "defaultMode", kVolumeMode);
    std::vector<JsonValue> volume_list;
    volume_list.push_back(std::move(volume));
    append("/spec", "volumes", has_volumes_, std::move(volume_list));
    has_volumes_ = true;
    return name;
  }

  void warn(std::string warning) {
    for (const std::string& said : out_.warnings) {
      if (said == warning) return;
    }
    out_.warnings.push_back(std::move(warning));
  }

  const JsonValue& pod_;
  const PodSurroundings& surroundings_;
  const PodWiringOptions& options_;
  std::set<std::string> volume_names_;
  std::map<std::string, std::string> volume_secret_;  // volume → Secret, for Secret volumes
  bool has_volumes_ = false;
  std::map<std::string, RoleSecret> decided_;  // by role reference
  PodWiring out_;
};

}  // namespace

PodWiring wire_pod(const kube::JsonValue& pod, const PodSurroundings& surroundings,
                   const PodWiringOptions& options) {
  return Wiring(pod, surroundings, options).run();
}

std::vector<SecretMountMistake> secret_mount_mistakes(const kube::JsonValue& pod,
                                                      std::string_view mount_path) {
  std::map<std::string, std::string, std::less<>> volume_secret;  // volume → Secret
  if (const JsonValue* volumes = json::find_path(pod, {"spec", "volumes"});
      volumes != nullptr && volumes->IsArray()) {
    for (const JsonValue& volume : volumes->GetArray()) {
      const std::string_view secret = secret_name_of(volume);
      if (!secret.empty()) {
        volume_secret[std::string(json::get_string(volume, "name"))] = std::string(secret);
      }
    }
  }
  std::vector<SecretMountMistake> out;
  for (const std::string_view list : {"initContainers", "containers"}) {
    const JsonValue* containers = json::find_path(pod, {"spec", list});
    if (containers == nullptr || !containers->IsArray()) continue;
    for (const JsonValue& container : containers->GetArray()) {
      const std::string name(json::get_string(container, "name"));
      std::map<std::string, std::string, std::less<>> mounted_at;  // mountPath → Secret
      if (!mount_path.empty()) mounted_at[std::string(mount_path)] = "";
      if (const JsonValue* mounts = json::find(container, "volumeMounts");
          mounts != nullptr && mounts->IsArray()) {
        for (const JsonValue& mount : mounts->GetArray()) {
          auto secret = volume_secret.find(json::get_string(mount, "name"));
          if (secret == volume_secret.end()) continue;
          if (!json::get_string(mount, "subPath").empty() ||
              !json::get_string(mount, "subPathExpr").empty()) {
            out.push_back({name, secret->second, MountMistake::kSubPath, ""});
          } else {
            mounted_at[std::string(json::get_string(mount, "mountPath"))] = secret->second;
          }
        }
      }
      const std::string_view file = env_value(container, "AWS_SHARED_CREDENTIALS_FILE");
      const size_t slash = file.rfind('/');
      if (slash == std::string_view::npos || file.substr(slash + 1) != "credentials") continue;
      auto at = mounted_at.find(file.substr(0, slash));
      if (at != mounted_at.end()) {
        out.push_back({name, at->second, MountMistake::kStaticCredentialsFile, std::string(file)});
      }
    }
  }
  return out;
}

std::string derived_role_name(std::string_view role_reference) {
  // Readable: the role's path and name ("team/app" of an ARN or a path).
  std::string_view readable = role_reference;
  if (const size_t role = readable.find(":role/");
      aws::is_full_arn_reference(readable) && role != std::string_view::npos) {
    readable.remove_prefix(role + 6);
  }
  std::string name;
  for (const char c : util::to_lower(readable)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      name += c;
    } else if (!name.empty() && name.back() != '-') {
      name += '-';
    }
  }
  constexpr size_t kReadableMax = 63 - 9;  // room for "-" and 8 hex digits
  if (name.size() > kReadableMax) name.resize(kReadableMax);
  while (!name.empty() && name.back() == '-')
    name.pop_back();
  if (name.empty()) name = "role";
  // Unambiguous: FNV-1a of the reference as written, stable across versions.
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : role_reference) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  char suffix[10];
  std::snprintf(suffix, sizeof(suffix), "-%08" PRIx32, static_cast<uint32_t>(hash ^ (hash >> 32)));
  return name + suffix;
}

kube::Object derived_role_object(const DerivedRole& role, std::string_view ns) {
  kube::Object object;
  object.set_api_version(kAwsIamRoleApiVersion);
  object.set_kind(kAwsIamRoleKind);
  object.set_name(role.name);
  object.set_namespace(ns);
  object.set_label(kDerivedLabel, "true");
  object.set_annotation(kDerivedFromAnnotation, role.derived_from);
  JsonValue& spec = json::ensure_object(object.mutable_json(), "spec");
  json::set_string(spec, "roleReference", role.role_reference);
  return object;
}

}  // namespace controller
