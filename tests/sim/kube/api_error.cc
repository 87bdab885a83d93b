#include "tests/sim/kube/api_error.h"

#include "pkg/util/strings.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace sim::kube {
namespace {

ApiError make(int code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

std::string quote(std::string_view s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string qualified_resource(std::string_view group, std::string_view resource) {
  return group.empty() ? std::string(resource) : util::cat(resource, ".", group);
}

std::string ApiError::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("Status");
  w.Key("apiVersion");
  w.String("v1");
  w.Key("metadata");
  w.StartObject();
  w.EndObject();
  w.Key("status");
  w.String("Failure");
  if (!message.empty()) {
    w.Key("message");
    w.String(message);
  }
  if (!reason.empty()) {
    w.Key("reason");
    w.String(reason);
  }
  bool has_details = !name.empty() || !group.empty() || !kind.empty() || !uid.empty() ||
                     !causes.empty() || retry_after_seconds.has_value();
  if (has_details) {
    w.Key("details");
    w.StartObject();
    if (!name.empty()) {
      w.Key("name");
      w.String(name);
    }
    if (!group.empty()) {
      w.Key("group");
      w.String(group);
    }
    if (!kind.empty()) {
      w.Key("kind");
      w.String(kind);
    }
    if (!uid.empty()) {
      w.Key("uid");
      w.String(uid);
    }
    if (!causes.empty()) {
      w.Key("causes");
      w.StartArray();
      for (const StatusCause& c : causes) {
        w.StartObject();
        if (!c.reason.empty()) {
          w.Key("reason");
          w.String(c.reason);
        }
        if (!c.message.empty()) {
          w.Key("message");
          w.String(c.message);
        }
        if (!c.field.empty()) {
          w.Key("field");
          w.String(c.field);
        }
        w.EndObject();
      }
      w.EndArray();
    }
    if (retry_after_seconds.has_value()) {
      w.Key("retryAfterSeconds");
      w.Int(*retry_after_seconds);
    }
    w.EndObject();
  }
  w.Key("code");
  w.Int(code);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

ApiError not_found(std::string_view group, std::string_view resource, std::string_view name) {
  ApiError e = make(404, "NotFound",
                    util::cat(qualified_resource(group, resource), " ", quote(name), " not found"));
  e.name = name;
  e.group = group;
  e.kind = resource;
  return e;
}

ApiError already_exists(std::string_view group, std::string_view resource, std::string_view name) {
  ApiError e =
      make(409, "AlreadyExists",
           util::cat(qualified_resource(group, resource), " ", quote(name), " already exists"));
  e.name = name;
  e.group = group;
  e.kind = resource;
  return e;
}

ApiError conflict(std::string_view group, std::string_view resource, std::string_view name,
                  std::string_view detail) {
  ApiError e = make(409, "Conflict",
                    util::cat("Operation cannot be fulfilled on ",
                              qualified_resource(group, resource), " ", quote(name), ": ", detail));
  e.name = name;
  e.group = group;
  e.kind = resource;
  return e;
}

ApiError invalid(std::string_view group, std::string_view kind, std::string_view name,
                 std::vector<StatusCause> causes) {
  std::string what = group.empty() ? std::string(kind) : util::cat(kind, ".", group);
  std::vector<std::string> parts;
  parts.reserve(causes.size());
  for (const StatusCause& c : causes) {
    parts.push_back(c.field.empty() ? c.message : util::cat(c.field, ": ", c.message));
  }
  std::string list = parts.size() == 1 ? parts[0] : util::cat("[", util::join(parts, ", "), "]");
  ApiError e = make(422, "Invalid", util::cat(what, " ", quote(name), " is invalid: ", list));
  e.name = name;
  e.group = group;
  e.kind = kind;
  e.causes = std::move(causes);
  return e;
}

ApiError bad_request(std::string message) {
  return make(400, "BadRequest", std::move(message));
}

ApiError unauthorized() {
  return make(401, "Unauthorized", "Unauthorized");
}

ApiError forbidden(std::string_view user, std::string_view verb, std::string_view group,
                   std::string_view resource, std::string_view subresource, std::string_view name,
                   std::string_view ns) {
  std::string subject = qualified_resource(group, resource);
  std::string head = name.empty() ? util::cat(subject, " is forbidden")
                                  : util::cat(subject, " ", quote(name), " is forbidden");
  std::string full_resource =
      subresource.empty() ? std::string(resource) : util::cat(resource, "/", subresource);
  std::string scope =
      ns.empty() ? std::string("at the cluster scope") : util::cat("in the namespace ", quote(ns));
  ApiError e = make(403, "Forbidden",
                    util::cat(head, ": User ", quote(user), " cannot ", verb, " resource ",
                              quote(full_resource), " in API group ", quote(group), " ", scope));
  e.name = name;
  e.group = group;
  e.kind = resource;
  return e;
}

ApiError expired(std::string message) {
  return make(410, "Expired", std::move(message));
}

ApiError too_many_requests(int retry_after_seconds) {
  ApiError e = make(429, "TooManyRequests", "Too many requests, please try again later.");
  e.retry_after_seconds = retry_after_seconds;
  return e;
}

ApiError internal_error(const std::string& message) {
  ApiError e = make(500, "InternalError", util::cat("Internal error occurred: ", message));
  e.causes.push_back({"", message, ""});
  return e;
}

ApiError service_unavailable(std::string message, int retry_after_seconds) {
  ApiError e = make(503, "ServiceUnavailable", std::move(message));
  e.retry_after_seconds = retry_after_seconds;
  return e;
}

ApiError server_timeout(std::string message, int retry_after_seconds) {
  ApiError e = make(504, "Timeout", std::move(message));
  e.retry_after_seconds = retry_after_seconds;
  return e;
}

ApiError method_not_allowed(std::string_view group, std::string_view resource) {
  ApiError e = make(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource");
  e.group = group;
  e.kind = resource;
  return e;
}

ApiError unsupported_media_type(std::string message) {
  return make(415, "UnsupportedMediaType", std::move(message));
}

ApiError not_acceptable(std::string message) {
  return make(406, "NotAcceptable", std::move(message));
}

ApiError generic_not_found() {
  ApiError e = make(404, "NotFound", "the server could not find the requested resource");
  return e;
}

ApiError injected_error(int code, int retry_after_seconds) {
  switch (code) {
    case 429:
      return too_many_requests(retry_after_seconds);
    case 503:
      return service_unavailable("the server is currently unable to handle the request",
                                 retry_after_seconds);
    case 504:
      return server_timeout(
          "the server was unable to return a response in the time allotted, but may still be "
          "processing the request",
          retry_after_seconds);
    case 502: {
      ApiError e = make(502, "", "the server received an invalid response from an upstream server");
      e.retry_after_seconds = retry_after_seconds;
      return e;
    }
    default: {
      ApiError e = internal_error("injected fault");
      e.code = code;
      e.retry_after_seconds = retry_after_seconds;
      return e;
    }
  }
}

StatusCause cause_required(std::string field, std::string_view detail) {
  std::string message =
      detail.empty() ? std::string("Required value") : util::cat("Required value: ", detail);
  return {"FieldValueRequired", message, std::move(field)};
}

StatusCause cause_invalid(std::string field, std::string_view rendered_value,
                          std::string_view detail) {
  std::string message = util::cat("Invalid value: ", rendered_value);
  if (!detail.empty()) message = util::cat(message, ": ", detail);
  return {"FieldValueInvalid", message, std::move(field)};
}

StatusCause cause_type_invalid(std::string field, std::string_view rendered_value,
                               std::string_view detail) {
  return {"FieldValueTypeInvalid", util::cat("Invalid value: ", rendered_value, ": ", detail),
          std::move(field)};
}

StatusCause cause_not_supported(std::string field, std::string_view rendered_value,
                                const std::vector<std::string>& quoted_values) {
  std::string message = util::cat("Unsupported value: ", rendered_value);
  if (!quoted_values.empty()) {
    message = util::cat(message, ": supported values: ", util::join(quoted_values, ", "));
  }
  return {"FieldValueNotSupported", message, std::move(field)};
}

StatusCause cause_too_long(std::string field, long max_length) {
  return {"FieldValueTooLong", util::cat("Too long: may not be longer than ", max_length),
          std::move(field)};
}

StatusCause cause_too_many(std::string field, long actual, long max_items) {
  return {"FieldValueTooMany",
          util::cat("Too many: ", actual, ": must have at most ", max_items, " items"),
          std::move(field)};
}

StatusCause cause_forbidden(std::string field, std::string_view detail) {
  return {"FieldValueForbidden", util::cat("Forbidden: ", detail), std::move(field)};
}

StatusCause cause_duplicate(std::string field, std::string_view rendered_value) {
  return {"FieldValueDuplicate", util::cat("Duplicate value: ", rendered_value), std::move(field)};
}

}  // namespace sim::kube
