#include "controller/domain/mount_audit.h"

#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"

namespace controller {
namespace {

// Pods named in a message; the count says how many there are in all.
constexpr size_t kPodsNamed = 5;

std::string what_is_wrong(const SecretMountMistake& mistake) {
  switch (mistake.kind) {
    case MountMistake::kSubPath:
      return util::cat("container ", mistake.container, " mounts it with subPath");
    case MountMistake::kStaticCredentialsFile:
      return util::cat("container ", mistake.container,
                       " sets AWS_SHARED_CREDENTIALS_FILE=", mistake.file);
  }
  return "";
}

}  // namespace

PodMountView pod_mount_view(const kube::Object& pod) {
  return {.namespace_ = std::string(pod.namespace_name()),
          .name = std::string(pod.name()),
          .version = std::string(pod.resource_version()),
          .mistakes = secret_mount_mistakes(pod.json())};
}

std::optional<Condition> mounts_condition(
    const AwsIamRole& role, const std::vector<std::shared_ptr<const PodMountView>>& pods,
    absl::Time now) {
  std::vector<std::string> wrong;  // "ns/pod (what)", one per pod
  for (const auto& pod : pods) {
    std::vector<std::string> what;
    for (const SecretMountMistake& mistake : pod->mistakes) {
      if (mistake.secret == role.name) what.push_back(what_is_wrong(mistake));
    }
    if (!what.empty()) wrong.push_back(util::cat(pod->name, " (", util::join(what, "; "), ")"));
  }
  const Condition* current = role.status.condition(kMountsCondition);
  if (wrong.empty() && current == nullptr) return std::nullopt;
  Condition wanted{
      .type = std::string(kMountsCondition),
      .status = wrong.empty() ? "True" : "False",
      .reason = std::string(wrong.empty() ? kReasonAllPodsMountCorrectly : kReasonPodsMountWrongly),
      .message = "",
      .last_transition_time = "",
      .observed_generation = std::nullopt};
  if (wrong.empty()) {
    wanted.message = "every pod that mounts the Secret sees it refreshed";
  } else {
    const size_t named = std::min(wrong.size(), kPodsNamed);
    wanted.message = util::cat(
        wrong.size(), wrong.size() == 1 ? " pod never sees" : " pods never see",
        " the Secret refreshed and will use expired credentials: ",
        util::join(
            std::vector<std::string>(wrong.begin(), wrong.begin() + static_cast<long>(named)),
            ", "),
        wrong.size() > named ? util::cat(" and ", wrong.size() - named, " more") : "",
        ". Mount the whole Secret as a directory and read credentials.process "
        "(docs/sdk-configuration.md)");
  }
  if (current != nullptr && current->status == wanted.status &&
      current->message == wanted.message) {
    return std::nullopt;
  }
  wanted.last_transition_time = current != nullptr && current->status == wanted.status
                                    ? current->last_transition_time
                                    : kube::Timestamp::at(now);
  return wanted;
}

Conditions with_condition(const AwsIamRoleStatus& status, Condition condition) {
  Conditions out;
  bool placed = false;
  for (const Condition& c : status.conditions) {
    if (c.type == condition.type) {
      out.push_back(condition);
      placed = true;
    } else {
      out.push_back(c);
    }
  }
  if (!placed) out.push_back(std::move(condition));
  return out;
}

}  // namespace controller
