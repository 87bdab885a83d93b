#include "pkg/aws/sts_client.h"

#include <openssl/crypto.h>

#include <optional>

#include "absl/random/random.h"
#include "pkg/aws/aws_error.h"
#include "pkg/aws/sigv4.h"
#include "pkg/aws/sts_response.h"
#include "pkg/util/strings.h"

namespace aws {
namespace {

constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";

bool should_retry(const util::Status& status) {
  return status.code() == util::StatusCode::kUnavailable ||
         status.code() == util::StatusCode::kDeadlineExceeded;
}

std::string transport_outcome(const util::Status& status) {
  switch (status.code()) {
    case util::StatusCode::kUnavailable:
      return "ConnectionError";
    case util::StatusCode::kDeadlineExceeded:
      return "Timeout";
    default:
      return "TransportError";
  }
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

util::StatusOr<std::unique_ptr<StsClient>> StsClient::create(http::Transport& transport,
                                                             util::Clock& clock,
                                                             StsClientOptions options) {
  ASSIGN_OR_RETURN(StsEndpoint endpoint, resolve_sts_endpoint(options.endpoint));
  if (options.max_attempts < 1 || options.max_attempts > 10) {
    return util::invalid_argument_error(
        util::cat("STS client: max_attempts must be 1..10, not ", options.max_attempts));
  }
  RETURN_IF_ERROR(options.backoff.validate());
  if (options.burst < 1) return util::invalid_argument_error("STS client: burst must be >= 1");
  if (options.qps < 0) return util::invalid_argument_error("STS client: qps must be >= 0");
  if (options.timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("STS client: timeout must be > 0");
  }
  return std::unique_ptr<StsClient>(
      new StsClient(transport, clock, std::move(options), std::move(endpoint)));
}

StsClient::StsClient(http::Transport& transport, util::Clock& clock, StsClientOptions options,
                     StsEndpoint endpoint)
    : transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      limiter_(clock, {.ceiling_qps = options_.qps, .ceiling_burst = options_.burst}) {}

util::Status StsClient::execute(std::string_view action, const std::string& form,
                                const Credentials* caller, const std::stop_token& stop,
                                const std::function<util::Status(std::string_view)>& on_success) {
  const std::string context = util::cat("STS ", action);
  util::Backoff backoff(options_.backoff);
  std::optional<absl::InsecureBitGen> gen;  // seeded only when a retry needs jitter
  for (int attempt = 1;; ++attempt) {
    std::optional<util::AdaptiveRateLimiter::Ticket> ticket;
    if (!stop.stop_requested()) ticket = limiter_.acquire(stop);
    if (!ticket) return util::cancelled_error(util::cat(context, ": cancelled"));
    http::Request request;
    request.method = http::Method::kPost;
    request.url = endpoint_.url + "/";
    request.headers.add("Content-Type", std::string(kContentType));
    request.headers.add("User-Agent", options_.user_agent);
    request.body = form;
    request.timeout = options_.timeout;
    if (caller != nullptr) {
      const util::Status signed_ok =
          sigv4::sign_request(request, *caller, clock_.system_now(),
                              {.region = endpoint_.signing_region, .service = "sts"});
      if (!signed_ok.ok()) {
        wipe(request.body);
        return util::annotate(signed_ok, context);
      }
    }
    const util::MonotonicTime start = clock_.monotonic_now();
    util::StatusOr<http::Response> response = transport_.send(request);
    wipe(request.body);
    const absl::Duration latency = clock_.monotonic_now() - start;

    util::Status status;
    std::string outcome = "OK";
    int http_status = 0;
    if (!response.ok()) {
      status = util::annotate(response.status(), context);
      outcome = transport_outcome(response.status());
    } else {
      http_status = response->status;
      if (http_status >= 200 && http_status < 300) {
        status = on_success(response->body);
        if (!status.ok()) {
          status = append_context(status, util::cat("HTTP ", http_status));
          outcome = "MalformedResponse";
        }
      } else if (std::optional<AwsError> error = parse_error_response(response->body)) {
        status = aws_error_status(*error, http_status);
        outcome = error->code;
      } else {
        outcome = util::cat("HTTP", http_status);
        const std::string message =
            util::cat(context, ": HTTP ", http_status, " without an AWS error document");
        status = (http_status >= 500 || http_status == 429) ? util::unavailable_error(message)
                                                            : util::internal_error(message);
      }
      wipe(response->body);
      // Only an answer says anything about the rate STS accepts.
      limiter_.on_response(*ticket, is_throttling_error(status));
    }
    if (options_.observer) {
      options_.observer({.operation = action,
                         .outcome = outcome,
                         .http_status = http_status,
                         .latency = latency,
                         .attempt = attempt});
    }
    if (status.ok() || !should_retry(status)) return status;
    if (attempt >= options_.max_attempts) {
      return append_context(status, util::cat("gave up after ", attempt, " attempts"));
    }
    if (!gen.has_value()) gen.emplace();
    if (!util::sleep_for(clock_, backoff.next(*gen), stop)) {
      return util::cancelled_error(util::cat(context, ": cancelled"));
    }
  }
}

util::StatusOr<AssumeRoleResult> StsClient::assume_role(const AssumeRoleRequest& request,
                                                        const Credentials& caller,
                                                        const std::stop_token& stop) {
  std::optional<AssumeRoleResult> result;
  std::string form = request.to_form();
  const util::Status status =
      execute("AssumeRole", form, &caller, stop, [&](std::string_view body) {
        util::StatusOr<AssumeRoleResult> parsed = parse_assume_role_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  if (!status.ok()) return status;
  result->credentials.source = util::cat("sts:AssumeRole ", request.role_arn);
  return std::move(*result);
}

util::StatusOr<AssumeRoleWithWebIdentityResult> StsClient::assume_role_with_web_identity(
    const AssumeRoleWithWebIdentityRequest& request, const std::stop_token& stop) {
  std::optional<AssumeRoleWithWebIdentityResult> result;
  std::string form = request.to_form();
  const util::Status status =
      execute("AssumeRoleWithWebIdentity", form, nullptr, stop, [&](std::string_view body) {
        util::StatusOr<AssumeRoleWithWebIdentityResult> parsed =
            parse_assume_role_with_web_identity_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  wipe(form);
  if (!status.ok()) return status;
  result->credentials.source = util::cat("sts:AssumeRoleWithWebIdentity ", request.role_arn);
  return std::move(*result);
}

util::StatusOr<CallerIdentity> StsClient::get_caller_identity(const Credentials& caller,
                                                              const std::stop_token& stop) {
  std::optional<CallerIdentity> result;
  const std::string form = util::cat("Action=GetCallerIdentity&Version=", kStsApiVersion);
  const util::Status status =
      execute("GetCallerIdentity", form, &caller, stop, [&](std::string_view body) {
        util::StatusOr<CallerIdentity> parsed = parse_get_caller_identity_response(body);
        if (!parsed.ok()) return parsed.status();
        result = std::move(parsed).value();
        return util::ok_status();
      });
  if (!status.ok()) return status;
  return std::move(*result);
}

}  // namespace aws
