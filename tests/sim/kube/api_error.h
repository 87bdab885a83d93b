// An error response of the Kubernetes API: a `kind: Status` object with the
// HTTP code, reason, message and details, built with the real apiserver's
// message texts (see tests/data/k8s-wire-samples/status-*.json).
//
// Thread-safety: value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim::kube {

struct StatusCause {
  std::string reason;  // FieldValueInvalid, FieldValueRequired, ...
  std::string message;
  std::string field;  // spec.roleReference
};

struct ApiError {
  int code = 500;
  std::string reason;  // NotFound, AlreadyExists, Conflict, Invalid, BadRequest, ...
  std::string message;
  // details (omitted from the JSON when all empty)
  std::string name;
  std::string group;
  std::string kind;
  std::string uid;
  std::vector<StatusCause> causes;
  std::optional<int> retry_after_seconds;

  // The Status object, field order as the apiserver writes it.
  std::string to_json() const;
};

// `resource` is the plural ("secrets"), `group` "" for the core group.
// Messages name the resource as `secrets` or `awsiamroles.zalando.org`.
ApiError not_found(std::string_view group, std::string_view resource, std::string_view name);
ApiError already_exists(std::string_view group, std::string_view resource, std::string_view name);
// Optimistic-concurrency failure (stale resourceVersion).
ApiError conflict(std::string_view group, std::string_view resource, std::string_view name,
                  std::string_view detail =
                      "the object has been modified; please apply your changes to the latest "
                      "version and try again");
// 422: `Kind.group "name" is invalid: cause[, cause...]`.
ApiError invalid(std::string_view group, std::string_view kind, std::string_view name,
                 std::vector<StatusCause> causes);
ApiError bad_request(std::string message);
ApiError unauthorized();
// 403: `secrets "x" is forbidden: User "u" cannot get resource "secrets" in API
// group "" in the namespace "ns"` (or `at the cluster scope`).
ApiError forbidden(std::string_view user, std::string_view verb, std::string_view group,
                   std::string_view resource, std::string_view subresource, std::string_view name,
                   std::string_view ns);
ApiError expired(std::string message);  // 410
ApiError too_many_requests(int retry_after_seconds);
ApiError internal_error(const std::string& message);
ApiError service_unavailable(std::string message, int retry_after_seconds);
ApiError server_timeout(std::string message, int retry_after_seconds);
ApiError method_not_allowed(std::string_view group, std::string_view resource);
ApiError unsupported_media_type(std::string message);
ApiError not_acceptable(std::string message);
ApiError
generic_not_found();  // 404 for unknown paths: "the server could not find the requested resource"
// The error with code `code` (429, 500, 502, 503, 504) that fault injection returns.
ApiError injected_error(int code, int retry_after_seconds);

// Cause constructors with field.Error's message texts.
StatusCause cause_required(std::string field, std::string_view detail = "");
StatusCause cause_invalid(std::string field, std::string_view rendered_value,
                          std::string_view detail);
StatusCause cause_type_invalid(std::string field, std::string_view rendered_value,
                               std::string_view detail);
StatusCause cause_not_supported(std::string field, std::string_view rendered_value,
                                const std::vector<std::string>& quoted_values);
StatusCause cause_too_long(std::string field, long max_length);
StatusCause cause_too_many(std::string field, long actual, long max_items);
StatusCause cause_forbidden(std::string field, std::string_view detail);
StatusCause cause_duplicate(std::string field, std::string_view rendered_value);

// "secrets" / "awsiamroles.zalando.org".
std::string qualified_resource(std::string_view group, std::string_view resource);

}  // namespace sim::kube
