#include "pkg/aws/providers/container_provider.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "pkg/aws/providers/imds_client.h"
#include "pkg/http/http_status.h"
#include "pkg/http/retry.h"
#include "pkg/http/url.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace aws {
namespace {

constexpr std::string_view kEcsHost = "http://169.254.170.2";

util::StatusOr<util::SecretString> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::failed_precondition_error(
        util::cat("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ", path, ": ",
                  std::generic_category().message(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  util::SecretString raw(ss.str());
  return util::SecretString(std::string(util::trim(raw.reveal())));
}

// The endpoint's error document is {"code": "...", "message": "..."}: no secrets.
std::string error_detail(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return "";
  std::string out;
  for (const char* key : {"code", "message"}) {
    if (!doc.HasMember(key) || !doc[key].IsString()) continue;
    out.append(out.empty() ? ": " : " ").append(doc[key].GetString());
  }
  return out;
}

}  // namespace

std::string url_host(std::string_view url) {
  const util::StatusOr<http::Url> parsed = http::parse_url(url);
  return parsed.ok() ? parsed->bare_host() : "";
}

bool container_host_allowed(std::string_view host) {
  if (host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23") return true;
  const std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  in6_addr v6{}, want{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    inet_pton(AF_INET6, "fd00:ec2::23", &want);
    return std::memcmp(&v6, &want, sizeof(v6)) == 0;
  }
  return false;
}

util::StatusOr<Credentials> ContainerProvider::credentials() {
  const EnvLookup& env = options_.env;
  const std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").value_or("");
  const std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI").value_or("");
  std::string url;
  if (!relative.empty()) {
    if (relative.front() != '/') {
      return util::invalid_argument_error(
          util::cat("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '", relative, "' must start with '/'"));
    }
    url = util::cat(kEcsHost, relative);
  } else if (!full.empty()) {
    const std::string lower = util::to_lower(full);
    if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
      return util::invalid_argument_error(
          util::cat("AWS_CONTAINER_CREDENTIALS_FULL_URI '", full, "' is not an http(s) URL"));
    }
    const std::string host = url_host(full);
    if (!container_host_allowed(host)) {
      return util::invalid_argument_error(
          util::cat("AWS_CONTAINER_CREDENTIALS_FULL_URI host '", host,
                    "' is not allowed: use a loopback address, 169.254.170.2, 169.254.170.23 or "
                    "fd00:ec2::23"));
    }
    url = full;
  } else {
    return util::not_found_error(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI not set");
  }

  http::Request request;
  request.method = http::Method::kGet;
  request.url = url;
  request.timeout = options_.timeout;
  request.headers.add("Accept", "application/json");
  const std::string token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
  util::SecretString token;
  if (!token_file.empty()) {
    ASSIGN_OR_RETURN(token, read_token_file(token_file));
  } else {
    token = util::SecretString(env("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or(""));
  }
  if (token.reveal().find_first_of("\r\n") != std::string_view::npos) {
    return util::invalid_argument_error("container authorization token contains a line break");
  }
  if (!token.empty()) request.headers.add("Authorization", std::string(token.reveal()));

  util::StatusOr<http::Response> response = http::send_with_retries(
      transport_, request, {.max_attempts = options_.max_attempts, .delay = options_.retry_delay},
      clock_, options_.stop);
  if (!response.ok()) return util::annotate(response.status(), util::cat("GET ", url));
  if (response->status != 200) {
    return http::http_error_status(
        response->status,
        util::cat("GET ", url, ": HTTP ", response->status, error_detail(response->body)));
  }
  util::StatusOr<Credentials> credentials = parse_metadata_credentials(response->body);
  OPENSSL_cleanse(response->body.data(), response->body.size());
  if (!credentials.ok()) return util::annotate(credentials.status(), util::cat("GET ", url));
  credentials->source = util::cat("container (", url, ")");
  return credentials;
}

}  // namespace aws
