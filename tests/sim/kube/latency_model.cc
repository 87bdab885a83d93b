#include "tests/sim/kube/latency_model.h"

#include <utility>

#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "tests/sim/kube/json.h"
#include "tests/sim/kube/request_info.h"

namespace sim::kube {
namespace {

// The mutable fields of the model by their admin API names.
struct DurationField {
  std::string_view name;
  absl::Duration LatencyDistribution::*bound;
  LatencyDistribution LatencyModel::*distribution;
};
constexpr DurationField kDurationFields[] = {
    {"readMedianMs", &LatencyDistribution::median, &LatencyModel::read},
    {"readP99Ms", &LatencyDistribution::p99, &LatencyModel::read},
    {"writeMedianMs", &LatencyDistribution::median, &LatencyModel::write},
    {"writeP99Ms", &LatencyDistribution::p99, &LatencyModel::write},
};
constexpr std::string_view kMaxMutatingInflight = "maxMutatingInflight";

}  // namespace

LatencyModel LatencyModel::measured() {
  return {
      .read = {.median = absl::Milliseconds(1), .p99 = absl::Milliseconds(5)},
      .write = {.median = absl::Milliseconds(8), .p99 = absl::Milliseconds(40)},
      .max_mutating_inflight = 200,  // kube-apiserver --max-mutating-requests-inflight
  };
}

std::string latency_model_to_json(const LatencyModel& model) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const DurationField& field : kDurationFields) {
    w.Key(field.name.data(), static_cast<rapidjson::SizeType>(field.name.size()));
    w.Double(absl::ToDoubleMilliseconds(model.*field.distribution.*field.bound));
  }
  w.Key(kMaxMutatingInflight.data(), static_cast<rapidjson::SizeType>(kMaxMutatingInflight.size()));
  w.Int(model.max_mutating_inflight);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

util::StatusOr<LatencyModel> apply_latency_model_json(const LatencyModel& current,
                                                      std::string_view body) {
  ASSIGN_OR_RETURN(json::Document doc, json::parse(body.empty() ? "{}" : body));
  if (!doc.IsObject())
    return util::invalid_argument_error("latency-model: a JSON object is required");
  LatencyModel model = current;
  if (const json::Value* preset = json::find(doc, "preset")) {
    const std::string name = preset->IsString() ? preset->GetString() : "";
    if (name == "measured") {
      model = LatencyModel::measured();
    } else if (name == "none") {
      model = LatencyModel{};
    } else {
      return util::invalid_argument_error("latency-model: preset must be \"measured\" or \"none\"");
    }
  }
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const json::Value& value = it->value;
    if (key == "preset") continue;
    if (key == kMaxMutatingInflight) {
      if (!value.IsInt() || value.GetInt() < 0) {
        return util::invalid_argument_error(
            util::cat("latency-model: ", key, " must be a non-negative integer"));
      }
      model.max_mutating_inflight = value.GetInt();
      continue;
    }
    const DurationField* field = nullptr;
    for (const DurationField& candidate : kDurationFields) {
      if (candidate.name == key) field = &candidate;
    }
    if (field == nullptr) {
      return util::invalid_argument_error(util::cat("latency-model: unknown field ", key));
    }
    if (!value.IsNumber() || value.GetDouble() < 0) {
      return util::invalid_argument_error(
          util::cat("latency-model: ", key, " must be a non-negative number of milliseconds"));
    }
    model.*field->distribution.*field->bound = absl::Milliseconds(value.GetDouble());
  }
  return model;
}

LatencyModelGate::Admission::Admission(Admission&& other) noexcept
    : slot_owner_(std::exchange(other.slot_owner_, nullptr)), latency_(other.latency_) {}

LatencyModelGate::Admission::~Admission() {
  if (slot_owner_ != nullptr) slot_owner_->release_mutating_slot();
}

void LatencyModelGate::set_model(LatencyModel model) {
  util::MutexLock lock(mu_);
  model_ = model;
}

LatencyModel LatencyModelGate::model() const {
  util::MutexLock lock(mu_);
  return model_;
}

std::optional<LatencyModelGate::Admission> LatencyModelGate::admit(std::string_view verb) {
  util::MutexLock lock(mu_);
  if (is_mutating_verb(verb)) {
    if (model_.max_mutating_inflight > 0 && mutating_inflight_ >= model_.max_mutating_inflight) {
      return std::nullopt;
    }
    ++mutating_inflight_;
    return Admission(this, model_.write.sample(random_));
  }
  if (verb == "get" || verb == "list") return Admission(nullptr, model_.read.sample(random_));
  return Admission(nullptr, absl::ZeroDuration());
}

void LatencyModelGate::release_mutating_slot() {
  util::MutexLock lock(mu_);
  --mutating_inflight_;
}

}  // namespace sim::kube
