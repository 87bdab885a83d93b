#include "pkg/aws/providers/imds_client.h"

#include <openssl/crypto.h>

#include "pkg/http/http_status.h"
#include "pkg/http/retry.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "rapidjson/document.h"

namespace aws {
namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";
// A token is replaced this long before its TTL ends (or at half its TTL).
constexpr absl::Duration kTokenMargin = absl::Minutes(1);

util::Status http_error(std::string_view what, int status) {
  return http::http_error_status(status, util::cat(what, ": HTTP ", status));
}

}  // namespace

ImdsOptions imds_options_from_env(const EnvLookup& env) {
  ImdsOptions options;
  std::string endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("");
  while (!endpoint.empty() && endpoint.back() == '/')
    endpoint.pop_back();
  if (!endpoint.empty()) options.endpoint = endpoint;
  return options;
}

util::StatusOr<std::unique_ptr<ImdsClient>> ImdsClient::create(http::Transport& transport,
                                                               util::Clock& clock,
                                                               ImdsOptions options) {
  const std::string lower = util::to_lower(options.endpoint);
  if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    return util::invalid_argument_error(
        util::cat("IMDS endpoint '", options.endpoint, "' is not an http(s) URL"));
  }
  while (!options.endpoint.empty() && options.endpoint.back() == '/')
    options.endpoint.pop_back();
  if (options.max_attempts < 1 || options.max_attempts > 10) {
    return util::invalid_argument_error("IMDS: max_attempts must be 1..10");
  }
  if (options.token_ttl < absl::Seconds(1) || options.token_ttl > absl::Hours(6)) {
    return util::invalid_argument_error("IMDS: token TTL must be 1 s .. 6 h");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return util::invalid_argument_error("IMDS: timeout must be > 0");
  }
  return std::unique_ptr<ImdsClient>(new ImdsClient(transport, clock, std::move(options)));
}

util::StatusOr<http::Response> ImdsClient::send(http::Request request) {
  request.timeout = options_.timeout;
  return http::send_with_retries(
      transport_, request, {.max_attempts = options_.max_attempts, .delay = options_.retry_delay},
      clock_, options_.stop);
}

util::StatusOr<util::SecretString> ImdsClient::token() {
  util::MutexLock lock(token_mu_);
  if (!token_.empty() && clock_.monotonic_now() < token_expiry_) return token_;
  http::Request request;
  request.method = http::Method::kPut;
  request.url = options_.endpoint + std::string(kTokenPath);
  const int64_t ttl = absl::ToInt64Seconds(options_.token_ttl);
  request.headers.add("X-aws-ec2-metadata-token-ttl-seconds", util::cat(ttl));
  const util::MonotonicTime start = clock_.monotonic_now();
  util::StatusOr<http::Response> response = send(std::move(request));
  if (!response.ok()) return util::annotate(response.status(), util::cat("PUT ", kTokenPath));
  if (response->status != 200) return http_error(util::cat("PUT ", kTokenPath), response->status);
  token_ = util::SecretString(std::string(util::trim(response->body)));
  OPENSSL_cleanse(response->body.data(), response->body.size());
  if (token_.empty())
    return util::internal_error(util::cat("PUT ", kTokenPath, ": empty session token"));
  const absl::Duration margin = std::min(kTokenMargin, options_.token_ttl / 2);
  token_expiry_ = start + options_.token_ttl - margin;
  return token_;
}

void ImdsClient::forget_token(const util::SecretString& token) {
  util::MutexLock lock(token_mu_);
  if (token_ == token) token_ = util::SecretString();
}

util::StatusOr<std::string> ImdsClient::get(std::string_view path) {
  for (int round = 0;; ++round) {
    ASSIGN_OR_RETURN(const util::SecretString token, this->token());
    http::Request request;
    request.method = http::Method::kGet;
    request.url = options_.endpoint + std::string(path);
    request.headers.add("X-aws-ec2-metadata-token", std::string(token.reveal()));
    util::StatusOr<http::Response> response = send(std::move(request));
    if (!response.ok()) return util::annotate(response.status(), util::cat("GET ", path));
    if (response->status == 401 && round == 0) {
      forget_token(token);  // expired or revoked early: one more try with a new one
      continue;
    }
    if (response->status != 200) return http_error(util::cat("GET ", path), response->status);
    return std::move(response->body);
  }
}

util::StatusOr<std::string> ImdsClient::instance_profile_arn() {
  ASSIGN_OR_RETURN(const std::string body, get("/latest/meta-data/iam/info"));
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("InstanceProfileArn") ||
      !doc["InstanceProfileArn"].IsString()) {
    return util::internal_error("GET /latest/meta-data/iam/info: no InstanceProfileArn");
  }
  return std::string(doc["InstanceProfileArn"].GetString());
}

util::StatusOr<std::string> ImdsClient::role_name() {
  util::StatusOr<std::string> body = get(kCredentialsPath);
  if (!body.ok()) {
    if (body.status().code() == util::StatusCode::kNotFound) {
      return util::not_found_error("no IAM role attached to this instance");
    }
    return body.status();
  }
  const std::string_view first = util::trim(util::split(*body, '\n').front());
  if (first.empty()) return util::not_found_error("no IAM role attached to this instance");
  return std::string(first);
}

util::StatusOr<Credentials> ImdsClient::role_credentials(std::string_view role) {
  util::StatusOr<std::string> body = get(util::cat(kCredentialsPath, role));
  if (!body.ok()) return body.status();
  util::StatusOr<Credentials> credentials = parse_metadata_credentials(*body);
  OPENSSL_cleanse(body->data(), body->size());
  if (credentials.ok()) credentials->source = util::cat("imds (role ", role, ")");
  return credentials;
}

util::StatusOr<Credentials> parse_metadata_credentials(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return util::internal_error("credentials response is not a JSON object");
  }
  auto field = [&](const char* name) -> std::string {
    return doc.HasMember(name) && doc[name].IsString() ? doc[name].GetString() : "";
  };
  const std::string code = field("Code");
  if (doc.HasMember("Code") && code != "Success") {
    return util::unavailable_error(
        util::cat("credentials response has Code '", code, "': ", field("Message")));
  }
  Credentials out;
  out.access_key_id = field("AccessKeyId");
  out.secret_access_key = util::SecretString(field("SecretAccessKey"));
  out.session_token = util::SecretString(field("Token"));
  for (const auto& [value, name] : {std::pair{out.access_key_id.empty(), "AccessKeyId"},
                                    std::pair{out.secret_access_key.empty(), "SecretAccessKey"}}) {
    if (value) return util::internal_error(util::cat("credentials response has no ", name));
  }
  const std::string expiration = field("Expiration");
  if (!expiration.empty()) {
    const util::StatusOr<absl::Time> t = util::parse_rfc3339(expiration);
    if (!t.ok()) {
      return util::internal_error(
          util::cat("credentials Expiration '", expiration, "' is not RFC 3339"));
    }
    out.expiration = *t;
  }
  return out;
}

}  // namespace aws
