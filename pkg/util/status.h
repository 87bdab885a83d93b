// Errors as values: util::Status and util::StatusOr<T>, with abseil's
// canonical codes, plus the one place that says which codes are worth
// retrying. (Our own type rather than absl::Status: Debian's abseil uses its
// own string_view, which does not mix with std::string_view.)
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/time/time.h"

namespace util {

enum class StatusCode {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "NOT_FOUND", "UNAVAILABLE", ...
std::string_view status_code_name(StatusCode code);

// What the far side of a failed call said, as fields, so that code decides
// on them and never on message text: the HTTP status, the server's own error
// code (a Kubernetes Status `reason` such as "Conflict" or "TooManyRequests",
// an AWS `Error/Code` such as "Throttling"), the server's own message (AWS
// `Error/Message`), Kubernetes `details.causes[].reason`s (such as
// "NamespaceTerminating"), its request id and the Retry-After it asked for.
struct ErrorDetail {
  int http_status = 0;  // 0: no HTTP answer
  std::string reason;
  std::string server_message;
  std::string request_id;  // the server's id of the request, for its support
  std::vector<std::string> causes;
  std::optional<absl::Duration> retry_after;

  bool has_cause(std::string_view cause) const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);
  Status(StatusCode code, std::string message, ErrorDetail detail);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ != nullptr ? rep_->code : StatusCode::kOk; }
  const std::string& message() const;  // empty when OK
  // What the server said, when the failure came from a server's answer.
  const ErrorDetail* detail() const { return rep_ != nullptr ? rep_->detail.get() : nullptr; }
  // The same failure with `message` instead (the detail is kept).
  Status with_message(std::string message) const;
  // "UNAVAILABLE: connection refused", or "OK".
  std::string to_string() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }
  friend std::ostream& operator<<(std::ostream& os, const Status& s) { return os << s.to_string(); }

 private:
  struct Failure {
    StatusCode code;
    std::string message;
    std::shared_ptr<const ErrorDetail> detail;  // shared by with_message's copies
  };
  // Null when OK, so that an OK status (what most calls return) is one
  // pointer wide and allocates nothing; a failure is immutable and shared by
  // its copies. (A status that held its code and message inline was 56
  // bytes in every StatusOr and in every cached AWSIAMRole view.)
  std::shared_ptr<const Failure> rep_;
};

inline Status ok_status() {
  return Status();
}
inline Status cancelled_error(std::string m) {
  return {StatusCode::kCancelled, std::move(m)};
}
inline Status unknown_error(std::string m) {
  return {StatusCode::kUnknown, std::move(m)};
}
inline Status invalid_argument_error(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status deadline_exceeded_error(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status not_found_error(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}
inline Status already_exists_error(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status permission_denied_error(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status resource_exhausted_error(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status failed_precondition_error(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status aborted_error(std::string m) {
  return {StatusCode::kAborted, std::move(m)};
}
inline Status out_of_range_error(std::string m) {
  return {StatusCode::kOutOfRange, std::move(m)};
}
inline Status unimplemented_error(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}
inline Status internal_error(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}
inline Status unavailable_error(std::string m) {
  return {StatusCode::kUnavailable, std::move(m)};
}
inline Status data_loss_error(std::string m) {
  return {StatusCode::kDataLoss, std::move(m)};
}
inline Status unauthenticated_error(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}

// True for failures that may succeed unchanged later (throttling, 5xx,
// timeouts, connection errors, optimistic-concurrency conflicts). Everything
// else (bad input, denied, not found) is terminal until something changes.
bool is_retryable(const Status& status);

// Prefixes the message with context, keeping the code and the detail:
// "STS AssumeRole: ...".
Status annotate(const Status& status, std::string_view context);

// A value or the reason there is none. Never holds an OK status without a value.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, as absl::StatusOr.
  StatusOr(Status status) : rep_(std::move(status)) {
    if (std::get<Status>(rep_).ok()) {
      rep_ = Status(StatusCode::kInternal, "StatusOr constructed from an OK status");
    }
  }
  template <typename U = T,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, StatusOr<T>>>>
  // NOLINTNEXTLINE(google-explicit-constructor)
  StatusOr(U&& value) : rep_(std::in_place_index<1>, std::forward<U>(value)) {}

  bool ok() const { return rep_.index() == 1; }
  Status status() const& { return ok() ? Status() : std::get<0>(rep_); }
  Status status() && { return ok() ? Status() : std::move(std::get<0>(rep_)); }

  // Precondition: ok().
  T& value() & { return std::get<1>(rep_); }
  const T& value() const& { return std::get<1>(rep_); }
  T&& value() && { return std::get<1>(std::move(rep_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<Status, T> rep_;
};

}  // namespace util

#define KAIC_STATUS_CONCAT_INNER_(a, b) a##b
#define KAIC_STATUS_CONCAT_(a, b) KAIC_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                             \
  do {                                                    \
    if (::util::Status status_ = (expr); !status_.ok()) { \
      return status_;                                     \
    }                                                     \
  } while (false)

// ASSIGN_OR_RETURN(lhs, expr): evaluates the StatusOr `expr`; returns its
// status on error, else moves its value into `lhs` (may be a declaration).
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(KAIC_STATUS_CONCAT_(status_or_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)   \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(tmp).value()
