#include "pkg/http/retry.h"

#include <openssl/crypto.h>

#include "pkg/http/http_status.h"
#include "pkg/util/strings.h"

namespace http {

util::StatusOr<Response> send_with_retries(Transport& transport, util::Clock& clock,
                                           const RetryingSend& send, const std::stop_token& stop) {
  const auto cancelled = [&] {
    return util::cancelled_error(util::cat(send.context, ": cancelled"));
  };
  for (int number = 1;; ++number) {
    std::optional<util::AdaptiveRateLimiter::Ticket> ticket;
    if (send.limiter != nullptr) {
      ticket = send.limiter->acquire(stop);
      if (!ticket) return cancelled();
    }
    util::StatusOr<Request> request = send.build();
    if (!request.ok()) return util::annotate(request.status(), send.context);
    const util::MonotonicTime start = clock.monotonic_now();
    util::StatusOr<Response> answer = transport.send(*request);
    const absl::Duration latency = clock.monotonic_now() - start;
    if (!request->body.empty()) OPENSSL_cleanse(request->body.data(), request->body.size());
    const bool answered = answer.ok();

    Attempt attempt{.number = number, .answer = answer, .latency = latency};
    const Verdict verdict = send.judge(attempt);
    if (ticket && answered) send.limiter->on_response(*ticket, verdict.throttled);
    if (!verdict.retry_after) return answer;
    if (stop.stop_requested()) return cancelled();
    if (*verdict.retry_after > absl::ZeroDuration() &&
        !util::sleep_for(clock, *verdict.retry_after, stop)) {
      return cancelled();
    }
  }
}

util::StatusOr<Response> send_with_retries(Transport& transport, const Request& request,
                                           const FixedRetryPolicy& policy, util::Clock& clock,
                                           const std::stop_token& stop) {
  const std::string context = util::cat(method_name(request.method), " ", request.url);
  return send_with_retries(transport, clock,
                           {.context = context,
                            .build = [&]() -> util::StatusOr<Request> { return request; },
                            .judge =
                                [&](const Attempt& attempt) {
                                  return attempt.number < policy.max_attempts &&
                                                 is_retryable(attempt.answer)
                                             ? Verdict::retry(policy.delay)
                                             : Verdict::done();
                                }},
                           stop);
}

}  // namespace http
