#include "pkg/kube/admission_review.h"

#include "pkg/util/base64.h"
#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace kube {
namespace {

std::string member_string(const JsonValue* object, std::string_view key) {
  return object == nullptr ? std::string() : std::string(json::get_string(*object, key));
}

}  // namespace

util::StatusOr<AdmissionRequest> parse_admission_review(std::string_view body) {
  util::StatusOr<JsonValue> parsed = json::parse(body);
  if (!parsed.ok()) return util::annotate(parsed.status(), "AdmissionReview");
  JsonValue& review = *parsed;
  if (!review.IsObject()) return util::invalid_argument_error("AdmissionReview: not an object");
  const std::string_view api_version = json::get_string(review, "apiVersion");
  if (api_version != kAdmissionReviewApiVersion ||
      json::get_string(review, "kind") != "AdmissionReview") {
    return util::invalid_argument_error(
        util::cat("AdmissionReview: expected apiVersion ", kAdmissionReviewApiVersion,
                  " kind AdmissionReview, got '", api_version, "' '",
                  json::get_string(review, "kind"), "' (list only v1 in admissionReviewVersions)"));
  }
  JsonValue* request = json::find(review, "request");
  if (request == nullptr || !request->IsObject()) {
    return util::invalid_argument_error("AdmissionReview: no request");
  }
  AdmissionRequest out;
  out.uid = member_string(request, "uid");
  if (out.uid.empty())
    return util::invalid_argument_error("AdmissionReview: request.uid is missing");
  const JsonValue* kind = json::find(*request, "kind");
  out.group = member_string(kind, "group");
  out.version = member_string(kind, "version");
  out.kind = member_string(kind, "kind");
  const JsonValue* resource = json::find(*request, "resource");
  out.resource = member_string(resource, "resource");
  out.sub_resource = member_string(request, "subResource");
  out.name = member_string(request, "name");
  out.namespace_ = member_string(request, "namespace");
  out.operation = member_string(request, "operation");
  if (out.operation.empty()) {
    return util::invalid_argument_error("AdmissionReview: request.operation is missing");
  }
  out.username = member_string(json::find(*request, "userInfo"), "username");
  const JsonValue* dry_run = json::find(*request, "dryRun");
  out.dry_run = dry_run != nullptr && dry_run->IsBool() && dry_run->GetBool();
  if (JsonValue* object = json::find(*request, "object"); object != nullptr && object->IsObject()) {
    out.object.Swap(*object);
  }
  return out;
}

std::string json_pointer_escape(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (const char c : segment) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string json_patch(const std::vector<JsonPatchOperation>& operations) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const JsonPatchOperation& operation : operations) {
    writer.StartObject();
    writer.Key("op");
    writer.String("add");
    writer.Key("path");
    writer.String(operation.path.data(), static_cast<rapidjson::SizeType>(operation.path.size()));
    writer.Key("value");
    operation.value.Accept(writer);
    writer.EndObject();
  }
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string admission_review_response(const AdmissionResponse& response) {
  JsonAllocator alloc;
  JsonValue review(rapidjson::kObjectType);
  json::set_string(review, "apiVersion", kAdmissionReviewApiVersion);
  json::set_string(review, "kind", "AdmissionReview");
  JsonValue& out = json::ensure_object(review, "response");
  json::set_string(out, "uid", response.uid);
  json::set(out, "allowed", JsonValue(response.allowed));
  if (!response.allowed) {
    JsonValue& status = json::ensure_object(out, "status");
    json::set_int(status, "code", response.code);
    json::set_string(status, "message", response.message);
  } else if (!response.patch.empty()) {
    json::set_string(out, "patchType", "JSONPatch");
    json::set_string(out, "patch", util::base64_encode(json_patch(response.patch)));
  }
  if (!response.warnings.empty()) {
    JsonValue warnings(rapidjson::kArrayType);
    for (const std::string& warning : response.warnings) {
      warnings.PushBack(json::make_string(warning), alloc);
    }
    json::set(out, "warnings", std::move(warnings));
  }
  return json::serialize(review);
}

}  // namespace kube
