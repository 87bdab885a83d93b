// The admission.k8s.io/v1 AdmissionReview of a mutating webhook: reading the
// apiserver's request and writing the answer (allowed or refused, a JSONPatch,
// warnings that kubectl prints).
//
// Pure functions, no I/O; thread-safe. Errors: parse_admission_review()
// returns kInvalidArgument naming what is missing or malformed (the webhook
// answers it with HTTP 400: the apiserver then applies the failurePolicy).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pkg/kube/json.h"
#include "pkg/util/status.h"

namespace kube {

inline constexpr std::string_view kAdmissionReviewApiVersion = "admission.k8s.io/v1";

struct AdmissionRequest {
  std::string uid;                     // echoed in the response
  std::string group, version, kind;    // of the object ("", "v1", "Pod")
  std::string resource, sub_resource;  // "pods", ""
  std::string name;                    // may be empty on CREATE (generateName)
  std::string namespace_;              // the request's, set even when the object has none
  std::string operation;               // CREATE, UPDATE, DELETE, CONNECT
  std::string username;                // userInfo.username
  bool dry_run = false;                // nothing outside the object may change
  JsonValue object;                    // null when absent (DELETE)
};

util::StatusOr<AdmissionRequest> parse_admission_review(std::string_view body);

// One RFC 6902 operation. Only what a mutating webhook of this kind needs:
// "add" (to an object member, or "-" to append to an array).
struct JsonPatchOperation {
  std::string path;  // a JSON pointer; build segments with json_pointer_escape()
  JsonValue value;
};

// RFC 6901: "~" → "~0", "/" → "~1".
std::string json_pointer_escape(std::string_view segment);

// The JSONPatch document of `operations`.
std::string json_patch(const std::vector<JsonPatchOperation>& operations);

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  // A refusal's HTTP code (403) and message, shown to the user; allowed=false only.
  int code = 403;
  std::string message;
  std::vector<JsonPatchOperation> patch;  // empty: the object is admitted as it is
  std::vector<std::string> warnings;
};

// The AdmissionReview answering a request.
std::string admission_review_response(const AdmissionResponse& response);

}  // namespace kube
