#include "pkg/http/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "pkg/http/curl_request.h"
#include "pkg/http/curl_session_pool.h"
#include "pkg/util/strings.h"

namespace http {
namespace internal {

// The state of one transfer, shared with libcurl's callbacks on the thread
// that runs it.
struct Transfer {
  StreamConsumer* consumer = nullptr;  // stream(); null for send()
  const util::Clock* clock = nullptr;
  Response response;
  bool headers_done = false;
  bool consumer_stopped = false;  // the consumer returned false
  bool too_large = false;
  util::MonotonicTime last_byte;  // stream(): when the last byte arrived
  char error[CURL_ERROR_SIZE] = {};
};

}  // namespace internal

namespace {

using internal::Transfer;

// send() keeps bodies in memory; a bigger one is refused rather than
// exhausting it (the largest expected is a Kubernetes list of Secrets).
constexpr size_t kMaxResponseBody = size_t{512} << 20;
// curl_multi_poll() waits at most this long when no deadline of ours is nearer;
// libcurl's own timers and curl_multi_wakeup() end the wait earlier.
constexpr absl::Duration kMaxPoll = absl::Seconds(60);
// Deadlines further than this are treated as this far, to stay finite.
constexpr absl::Duration kForever = absl::Hours(24 * 365);

util::Status global_init() {
  static const CURLcode kInitResult = curl_global_init(CURL_GLOBAL_DEFAULT);  // once, thread-safe
  if (kInitResult != CURLE_OK) {
    return util::internal_error(
        util::cat("curl_global_init failed: ", curl_easy_strerror(kInitResult)));
  }
  return util::Status();
}

long to_millis(absl::Duration d) {  // NOLINT(google-runtime-int): libcurl's type
  d = std::clamp(d, absl::Milliseconds(1), kForever);
  return static_cast<long>(absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1))));
}

// The status code of an "HTTP/1.1 200 OK" line, or 0.
int parse_status_line(std::string_view line) {
  const std::vector<std::string_view> parts = util::split(util::trim(line), ' ');
  int status = 0;
  if (parts.size() < 2) return 0;
  std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), status);
  return status;
}

// A body whose length the server announced is received into one buffer of
// that size, not grown by doubling (a list page of 500 Secrets: ~1.3 MB,
// copied and faulted in again at each doubling).
void reserve_announced_body(Response& response) {
  const std::optional<std::string_view> length = response.headers.get("Content-Length");
  size_t bytes = 0;
  if (!length) return;
  const auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), bytes);
  if (error == std::errc() && end == length->data() + length->size() && bytes <= kMaxResponseBody) {
    response.body.reserve(bytes);
  }
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  const std::string_view line(data, length);
  if (transfer.headers_done) return length;  // trailers
  if (transfer.clock != nullptr) transfer.last_byte = transfer.clock->monotonic_now();
  if (line.starts_with("HTTP/")) {
    // A new header block (after a 1xx): start over.
    transfer.response.status = parse_status_line(line);
    transfer.response.headers = Headers();
    return length;
  }
  const std::string_view trimmed = util::trim(line);
  if (trimmed.empty()) {
    if (transfer.response.status < 200) return length;  // 1xx: the real one follows
    transfer.headers_done = true;
    if (transfer.consumer == nullptr) reserve_announced_body(transfer.response);
    if (transfer.consumer != nullptr &&
        !transfer.consumer->on_response(transfer.response.status, transfer.response.headers)) {
      transfer.consumer_stopped = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return length;
  }
  const size_t colon = trimmed.find(':');
  if (colon != std::string_view::npos) {
    transfer.response.headers.add(std::string(util::trim(trimmed.substr(0, colon))),
                                  std::string(util::trim(trimmed.substr(colon + 1))));
  }
  return length;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  if (transfer.consumer == nullptr) {
    if (transfer.response.body.size() + length > kMaxResponseBody) {
      transfer.too_large = true;
      return 0;
    }
    transfer.response.body.append(data, length);
    return length;
  }
  transfer.last_byte = transfer.clock->monotonic_now();
  if (!transfer.consumer->on_data(std::string_view(data, length))) {
    transfer.consumer_stopped = true;
    return 0;
  }
  return length;
}

// Wakes a curl_multi_poll() from the thread requesting the stop.
struct WakeMulti {
  CURLM* multi;
  void operator()() const { curl_multi_wakeup(multi); }
};

// Detaches the easy handle from the multi handle when the transfer ends; an
// unfinished connection is closed rather than returned to the cache.
class Attached {
 public:
  Attached(CURLM* multi, CURL* easy) : multi_(multi), easy_(easy) {}
  ~Attached() {
    curl_multi_remove_handle(multi_, easy_);
    // Drops the pointers to this transfer's buffers, header lists and
    // callbacks' state; the connection cache lives in the multi handle.
    curl_easy_reset(easy_);
  }
  Attached(const Attached&) = delete;
  Attached& operator=(const Attached&) = delete;

 private:
  CURLM* multi_;
  CURL* easy_;
};

util::Status validate(const CurlTransportOptions& options) {
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("connect_timeout must be positive");
  }
  if (options.max_connections_per_host < 1 || options.max_connections_per_host > 1024) {
    return util::invalid_argument_error(util::cat(
        "max_connections_per_host must be in [1, 1024], not ", options.max_connections_per_host));
  }
  if (options.user_agent.find_first_of("\r\n") != std::string::npos) {
    return util::invalid_argument_error("user_agent contains CR or LF");
  }
  return validate_tls_options(options.tls);
}

}  // namespace

util::StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::create(CurlTransportOptions options) {
  RETURN_IF_ERROR(validate(options));
  RETURN_IF_ERROR(global_init());
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(options)));
}

CurlTransport::CurlTransport(CurlTransportOptions options)
    : options_(std::move(options)),
      pool_(std::make_unique<internal::CurlSessionPool>(
          static_cast<size_t>(options_.max_connections_per_host), clock_)) {}

CurlTransport::~CurlTransport() = default;

util::StatusOr<Response> CurlTransport::send(const Request& request) {
  Transfer transfer;
  RETURN_IF_ERROR(run(request, transfer, std::stop_token()));
  return std::move(transfer.response);
}

util::Status CurlTransport::stream(const Request& request, StreamConsumer& consumer,
                                   std::stop_token stop) {
  Transfer transfer;
  transfer.consumer = &consumer;
  transfer.clock = &clock_;
  return run(request, transfer, stop);
}

util::Status CurlTransport::run(const Request& request, Transfer& transfer,
                                const std::stop_token& stop) {
  const bool streaming = transfer.consumer != nullptr;
  if (request.timeout <= absl::ZeroDuration() ||
      (streaming && request.idle_timeout <= absl::ZeroDuration())) {
    return util::invalid_argument_error("request timeouts must be positive");
  }
  const std::string& server_name = options_.tls.server_name;
  ASSIGN_OR_RETURN(const internal::Target target, internal::parse_target(request, server_name));
  ASSIGN_OR_RETURN(const internal::SlistPtr headers,
                   internal::build_header_list(request, target, server_name));
  ASSIGN_OR_RETURN(const internal::SlistPtr connect_to,
                   internal::build_connect_to(target, server_name));

  const util::MonotonicTime start = clock_.monotonic_now();
  const util::MonotonicTime deadline = start + std::min(request.timeout, kForever);
  auto lease = pool_->acquire(target.origin, deadline, stop);
  if (!lease.ok()) return annotate(lease.status(), target.describe);
  CURL* easy = (*lease)->easy();
  CURLM* multi = (*lease)->multi();

  curl_easy_reset(easy);
  RETURN_IF_ERROR(internal::configure(easy, request, target, headers.get(), connect_to.get(),
                                      options_.tls, options_.user_agent));
  // Waiting for a connection slot counted against the timeout.
  const absl::Duration left = deadline - clock_.monotonic_now();
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   to_millis(std::min(options_.connect_timeout, left)));
  if (!streaming) curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, to_millis(left));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);

  if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
    return util::internal_error(util::cat(target.describe, ": curl_multi_add_handle failed"));
  }
  const Attached attached(multi, easy);
  // Destroyed (and so finished running) before `attached` and the lease go.
  const std::stop_callback<WakeMulti> on_stop(stop, WakeMulti{multi});

  while (true) {
    if (stop.stop_requested()) {
      return util::cancelled_error(util::cat(target.describe, ": cancelled"));
    }
    int running = 0;
    const CURLMcode performed = curl_multi_perform(multi, &running);
    if (performed != CURLM_OK) {
      return util::internal_error(
          util::cat(target.describe, ": curl_multi_perform: ", curl_multi_strerror(performed)));
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      const CURLcode result = message->data.result;
      if (result == CURLE_OK) {
        long status = 0;  // NOLINT(google-runtime-int): libcurl's type
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        transfer.response.status = static_cast<int>(status);
        if (streaming && !transfer.headers_done) {
          transfer.consumer->on_response(transfer.response.status, transfer.response.headers);
        }
        return util::Status();
      }
      if (transfer.consumer_stopped) return util::Status();
      if (transfer.too_large) {
        return util::resource_exhausted_error(
            util::cat(target.describe, ": response body larger than ", kMaxResponseBody, " bytes"));
      }
      return internal::map_curl_error(result, transfer.error, target);
    }
    if (running == 0) {
      return util::internal_error(util::cat(target.describe, ": transfer ended without a result"));
    }
    absl::Duration wait = kMaxPoll;
    if (streaming) {
      const util::MonotonicTime now = clock_.monotonic_now();
      if (!transfer.headers_done) {
        if (now >= deadline) {
          return util::deadline_exceeded_error(util::cat(target.describe, ": no response within ",
                                                         absl::FormatDuration(request.timeout)));
        }
        wait = deadline - now;
      } else {
        const util::MonotonicTime idle_deadline =
            transfer.last_byte + std::min(request.idle_timeout, kForever);
        if (now >= idle_deadline) {
          return util::deadline_exceeded_error(util::cat(
              target.describe, ": no data for ", absl::FormatDuration(request.idle_timeout)));
        }
        wait = idle_deadline - now;
      }
    }
    if (stop.stop_requested()) continue;  // reported at the top of the loop
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(to_millis(std::min(wait, kMaxPoll))),
                    nullptr);
  }
}

}  // namespace http
