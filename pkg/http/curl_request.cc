#include "pkg/http/curl_request.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "pkg/http/url.h"
#include "pkg/util/strings.h"

namespace http::internal {
namespace {

// Characters that would split or corrupt a header line.
constexpr std::string_view kBadInName(":\r\n\0 \t", 6);

// Whether a header value holds CR, LF or NUL. One pass: find_first_of with a
// set calls memchr over the set for every character, which for a bearer token
// of a kilobyte was half of what preparing a request cost.
bool has_line_break_or_nul(std::string_view value) {
  return std::any_of(value.begin(), value.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool has_header(const Request& request, std::string_view name) {
  return request.headers.get(name).has_value();
}

bool has_body(const Request& request) {
  return !request.body.empty() || request.method == Method::kPost ||
         request.method == Method::kPut || request.method == Method::kPatch;
}

util::Status append(SlistPtr& list, std::string line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  std::fill(line.begin(), line.end(), '\0');  // may hold a token
  if (grown == nullptr) return util::resource_exhausted_error("out of memory for headers");
  (void)list.release();
  list.reset(grown);
  return util::Status();
}

// Collects the first failing curl_easy_setopt.
class Options {
 public:
  explicit Options(CURL* easy) : easy_(easy) {}
  template <typename T>
  void set(CURLoption option, T value) {
    if (code_ == CURLE_OK) code_ = curl_easy_setopt(easy_, option, value);
  }
  util::Status status() const {
    if (code_ == CURLE_OK) return util::Status();
    return util::internal_error(
        util::cat("libcurl rejected an option: ", curl_easy_strerror(code_)));
  }

 private:
  CURL* easy_;
  CURLcode code_ = CURLE_OK;
};

}  // namespace

void SlistFree::operator()(curl_slist* list) const {
  for (curl_slist* item = list; item != nullptr; item = item->next) {
    if (item->data != nullptr) std::memset(item->data, 0, std::strlen(item->data));
  }
  curl_slist_free_all(list);
}

util::StatusOr<Target> parse_target(const Request& request, const std::string& server_name) {
  ASSIGN_OR_RETURN(const Url url, parse_url(request.url));
  Target target;
  target.host = std::string(url.host);
  target.port = std::string(url.effective_port());
  target.origin = url.origin();
  target.describe =
      util::cat(method_name(request.method), " ", target.origin, url.path.empty() ? "/" : url.path);
  target.authority = url.port.empty() ? target.host : util::cat(target.host, ":", url.port);
  if (server_name.empty()) {
    target.curl_url = request.url;
  } else {
    // The URL with the host replaced (userinfo and fragment are not sent).
    target.curl_url = util::cat(url.scheme, "://", server_name, url.port.empty() ? "" : ":",
                                url.port, url.path, url.query.empty() ? "" : "?", url.query);
  }
  return target;
}

util::StatusOr<SlistPtr> build_header_list(const Request& request, const Target& target,
                                           const std::string& server_name) {
  SlistPtr list;
  for (const auto& [name, value] : request.headers.items()) {
    if (name.empty() || name.find_first_of(kBadInName) != std::string::npos) {
      return util::invalid_argument_error(util::cat("invalid header name \"", name, "\""));
    }
    if (has_line_break_or_nul(value)) {
      // The value may be secret: name the header only.
      return util::invalid_argument_error(
          util::cat("header ", name, " has a value with CR, LF or NUL"));
    }
    // "Name;" is libcurl's way to send a header with an empty value.
    RETURN_IF_ERROR(
        append(list, value.empty() ? util::cat(name, ";") : util::cat(name, ": ", value)));
  }
  // "Name:" removes a header libcurl would add on its own.
  if (!has_header(request, "Expect")) RETURN_IF_ERROR(append(list, "Expect:"));
  if (!has_header(request, "Accept")) RETURN_IF_ERROR(append(list, "Accept:"));
  if (has_body(request) && !has_header(request, "Content-Type")) {
    RETURN_IF_ERROR(append(list, "Content-Type:"));
  }
  if (!server_name.empty() && !has_header(request, "Host")) {
    RETURN_IF_ERROR(append(list, util::cat("Host: ", target.authority)));
  }
  return list;
}

util::StatusOr<SlistPtr> build_connect_to(const Target& target, const std::string& server_name) {
  SlistPtr list;
  if (server_name.empty()) return list;
  RETURN_IF_ERROR(
      append(list, util::cat(server_name, ":", target.port, ":", target.host, ":", target.port)));
  return list;
}

util::Status configure(CURL* easy, const Request& request, const Target& target,
                       const curl_slist* headers, const curl_slist* connect_to,
                       const TlsOptions& tls, const std::string& user_agent) {
  Options options(easy);
  options.set(CURLOPT_URL, target.curl_url.c_str());
  options.set(CURLOPT_NOSIGNAL, 1L);
  options.set(CURLOPT_PROTOCOLS_STR, "http,https");
  options.set(CURLOPT_FOLLOWLOCATION, 0L);
  options.set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  options.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  options.set(CURLOPT_TCP_KEEPALIVE, 1L);
  options.set(CURLOPT_TCP_KEEPIDLE, 30L);
  options.set(CURLOPT_TCP_KEEPINTVL, 15L);
  options.set(CURLOPT_HTTPHEADER, const_cast<curl_slist*>(headers));
  if (connect_to != nullptr) options.set(CURLOPT_CONNECT_TO, const_cast<curl_slist*>(connect_to));
  if (!user_agent.empty()) options.set(CURLOPT_USERAGENT, user_agent.c_str());

  if (request.method == Method::kHead) {
    options.set(CURLOPT_NOBODY, 1L);
  } else if (has_body(request)) {
    // Size first: the body may contain NUL bytes.
    options.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    options.set(CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != Method::kPost) {
      options.set(CURLOPT_CUSTOMREQUEST, method_name(request.method).data());  // a literal
    }
  } else if (request.method == Method::kDelete) {
    options.set(CURLOPT_CUSTOMREQUEST, "DELETE");
  }

  // libcurl keeps the blob pointers (NOCOPY): `tls` outlives the transfer, and
  // the key is not copied into memory that would be freed without zeroing.
  curl_blob ca{const_cast<char*>(tls.ca_pem.data()), tls.ca_pem.size(), CURL_BLOB_NOCOPY};
  if (!tls.ca_pem.empty()) {
    options.set(CURLOPT_CAINFO_BLOB, &ca);
    options.set(CURLOPT_CAPATH, static_cast<char*>(nullptr));
  } else if (!tls.ca_file.empty()) {
    options.set(CURLOPT_CAINFO, tls.ca_file.c_str());
    options.set(CURLOPT_CAPATH, static_cast<char*>(nullptr));
  }
  curl_blob cert{const_cast<char*>(tls.client_cert_pem.data()), tls.client_cert_pem.size(),
                 CURL_BLOB_NOCOPY};
  if (!tls.client_cert_pem.empty()) {
    options.set(CURLOPT_SSLCERT_BLOB, &cert);
  } else if (!tls.client_cert_file.empty()) {
    options.set(CURLOPT_SSLCERT, tls.client_cert_file.c_str());
  }
  const std::string_view key_pem = tls.client_key_pem.reveal();
  curl_blob key{const_cast<char*>(key_pem.data()), key_pem.size(), CURL_BLOB_NOCOPY};
  if (!key_pem.empty()) {
    options.set(CURLOPT_SSLKEY_BLOB, &key);
  } else if (!tls.client_key_file.empty()) {
    options.set(CURLOPT_SSLKEY, tls.client_key_file.c_str());
  }
  options.set(CURLOPT_SSLCERTTYPE, "PEM");
  options.set(CURLOPT_SSLKEYTYPE, "PEM");
  if (tls.insecure_skip_verify) {
    options.set(CURLOPT_SSL_VERIFYPEER, 0L);
    options.set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  return options.status();
}

util::Status map_curl_error(CURLcode code, const char* detail, const Target& target) {
  const std::string why = (detail != nullptr && detail[0] != '\0')
                              ? std::string(detail)
                              : std::string(curl_easy_strerror(code));
  auto message = [&](std::string_view what) {
    return util::cat(target.describe, ": ", what, " (", why, ")");
  };
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return util::invalid_argument_error(message("malformed URL"));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return util::unavailable_error(message("could not resolve the host"));
    case CURLE_COULDNT_CONNECT:
      return util::unavailable_error(message("could not connect"));
    case CURLE_OPERATION_TIMEDOUT:
      return util::deadline_exceeded_error(message("timed out"));
    case CURLE_PEER_FAILED_VERIFICATION:
      return util::unavailable_error(message("the server certificate could not be verified"));
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return util::unavailable_error(message("TLS handshake failed"));
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return util::failed_precondition_error(message("TLS settings rejected"));
    case CURLE_OUT_OF_MEMORY:
      return util::resource_exhausted_error(message("out of memory"));
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
      return util::unavailable_error(message("connection lost"));
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
      return util::unavailable_error(message("malformed response"));
    default:
      return util::unavailable_error(message("request failed"));
  }
}

}  // namespace http::internal
