#include "pkg/util/status.h"

namespace util {

std::string_view status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kCancelled:
      return "CANCELLED";
    case StatusCode::kUnknown:
      return "UNKNOWN";
    case StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound:
      return "NOT_FOUND";
    case StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case StatusCode::kAborted:
      return "ABORTED";
    case StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case StatusCode::kInternal:
      return "INTERNAL";
    case StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case StatusCode::kDataLoss:
      return "DATA_LOSS";
    case StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string message)
    : rep_(code == StatusCode::kOk
               ? nullptr
               : std::make_shared<const Failure>(Failure{code, std::move(message), nullptr})) {}

Status::Status(StatusCode code, std::string message, ErrorDetail detail)
    : rep_(code == StatusCode::kOk ? nullptr
                                   : std::make_shared<const Failure>(Failure{
                                         code, std::move(message),
                                         std::make_shared<const ErrorDetail>(std::move(detail))})) {
}

const std::string& Status::message() const {
  static const std::string* const kNone = new std::string();
  return rep_ != nullptr ? rep_->message : *kNone;
}

bool ErrorDetail::has_cause(std::string_view cause) const {
  for (const std::string& c : causes) {
    if (c == cause) return true;
  }
  return false;
}

Status Status::with_message(std::string message) const {
  if (ok()) return Status();
  Status out;
  out.rep_ = std::make_shared<const Failure>(Failure{rep_->code, std::move(message), rep_->detail});
  return out;
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out(status_code_name(rep_->code));
  if (!rep_->message.empty()) {
    out += ": ";
    out += rep_->message;
  }
  return out;
}

bool is_retryable(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
    case StatusCode::kAborted:
    case StatusCode::kInternal:
    case StatusCode::kUnknown:
      return true;
    default:
      return false;
  }
}

Status annotate(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  std::string message(context);
  message += ": ";
  message += status.message();
  return status.with_message(std::move(message));
}

}  // namespace util
