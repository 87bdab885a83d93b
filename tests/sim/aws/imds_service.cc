#include "tests/sim/aws/imds_service.h"

#include <charconv>

#include "pkg/util/json_escape.h"
#include "pkg/util/rfc3339.h"
#include "pkg/util/strings.h"
#include "tests/sim/aws/iam_names.h"
#include "tests/sim/aws/random_ids.h"
#include "tests/sim/aws/role_session.h"

namespace sim::aws {
namespace {

SimResponse text(int status, std::string body) {
  SimResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

SimResponse not_found() {
  // IMDS answers unknown paths with a small XHTML document.
  SimResponse r = text(404,
                       "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
                       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
                       "\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
                       " <head>\n  <title>404 - Not Found</title>\n </head>\n <body>\n"
                       "  <h1>404 - Not Found</h1>\n </body>\n</html>\n");
  r.content_type = "text/html";
  return r;
}

// IMDS's JSON layout: two-space indent, " : " separators.
std::string imds_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{\n";
  for (size_t i = 0; i < fields.size(); ++i) {
    out += util::cat("  ", util::json_quote(fields[i].first), " : ",
                     util::json_quote(fields[i].second), i + 1 < fields.size() ? ",\n" : "\n");
  }
  out += "}";
  return out;
}

}  // namespace

size_t ImdsService::live_tokens() const {
  const util::MonotonicTime now = clock_.monotonic_now();
  util::MutexLock lock(mu_);
  size_t n = 0;
  for (const auto& [_, expiry] : tokens_)
    n += expiry > now ? 1 : 0;
  return n;
}

SimResponse ImdsService::handle(const SimRequest& request, std::stop_token stop) {
  if (const absl::Duration latency = faults_.latency(); latency > absl::ZeroDuration()) {
    util::sleep_for(clock_, latency, stop);
  }
  CallRecord record;
  record.time = clock_.system_now();
  record.service = "imds";
  const std::string path = request.raw_path;
  constexpr std::string_view kCredentialsPrefix = "/latest/meta-data/iam/security-credentials/";
  const bool credentials =
      path.starts_with(kCredentialsPrefix) && path.size() > kCredentialsPrefix.size();
  record.action = request.method == "PUT" ? "GetToken"
                  : credentials           ? "GetCredentials"
                                          : "GetMetadata";
  SimResponse response = [&] {
    if (faults_.imds_unavailable()) return text(503, "Service Unavailable");
    if (request.method == "PUT") {
      return path == "/latest/api/token" ? put_token(request) : text(403, "Forbidden");
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return text(405, "Method Not Allowed");
    }
    const std::optional<std::string_view> token = request.header("X-aws-ec2-metadata-token");
    if (token ? !token_valid(*token) : !allow_v1_.load()) return text(401, "Unauthorized");
    return get(path);
  }();
  if (response.status == 200 && record.action == "GetCredentials") {
    if (auto profile = model_.instance_profile()) {
      record.role_arn = profile->role_arn;
      util::MutexLock lock(mu_);
      if (current_) record.issued_access_key_id = current_->access_key_id;
    }
  }
  record.result = response.status == 200 ? "Success" : std::to_string(response.status);
  record.http_status = response.status;
  calls_.record(std::move(record));
  return response;
}

SimResponse ImdsService::put_token(const SimRequest& request) {
  if (request.header("X-Forwarded-For")) return text(403, "Forbidden");
  const std::optional<std::string_view> ttl_text =
      request.header("X-aws-ec2-metadata-token-ttl-seconds");
  if (!ttl_text) return text(400, "Bad Request");
  int ttl = 0;
  const std::string_view t = util::trim(*ttl_text);
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), ttl);
  if (ec != std::errc() || ptr != t.data() + t.size() || ttl < 1 || ttl > kMaxTokenTtlSeconds) {
    return text(400, "Bad Request");
  }
  util::SecretString token = new_imds_token();
  const util::MonotonicTime now = clock_.monotonic_now();
  {
    util::MutexLock lock(mu_);
    std::erase_if(tokens_, [&](const auto& item) { return item.second <= now; });
    tokens_[std::string(token.reveal())] = now + absl::Seconds(ttl);
  }
  SimResponse r = text(200, std::string(token.reveal()));
  r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
  return r;
}

bool ImdsService::token_valid(std::string_view token) const {
  const util::MonotonicTime now = clock_.monotonic_now();
  util::MutexLock lock(mu_);
  auto it = tokens_.find(std::string(token));
  return it != tokens_.end() && it->second > now;
}

std::optional<IssuedSession> ImdsService::instance_credentials(
    const InstanceProfileConfig& profile) {
  util::MutexLock lock(mu_);
  const absl::Time now = clock_.system_now();
  if (current_) {
    const absl::Duration life = current_->expiration - current_->issued_at;
    if (current_->expiration - now > life / 4) return current_;
  }
  auto session = issue_role_session(model_, store_, profile.role_arn, profile.instance_id,
                                    profile.credential_lifetime);
  if (!session.ok()) return std::nullopt;
  current_ = std::move(session).value();
  return current_;
}

SimResponse ImdsService::get(std::string_view path) {
  const std::optional<InstanceProfileConfig> profile = model_.instance_profile();
  if (!profile) return not_found();
  const std::string role_name = parse_role_arn(profile->role_arn)->name;
  const std::string account = arn_account(profile->arn);
  if (path == "/latest/meta-data/" || path == "/latest/meta-data") {
    return text(200, "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/");
  }
  if (path == "/latest/meta-data/instance-id") return text(200, profile->instance_id);
  if (path == "/latest/meta-data/instance-type") return text(200, "m5.large");
  if (path == "/latest/meta-data/ami-id") return text(200, "ami-0123456789abcdef0");
  if (path == "/latest/meta-data/placement/region") return text(200, profile->region);
  if (path == "/latest/meta-data/placement/availability-zone") {
    return text(200, profile->availability_zone);
  }
  if (path == "/latest/meta-data/iam/" || path == "/latest/meta-data/iam") {
    return text(200, "info\nsecurity-credentials/");
  }
  if (path == "/latest/meta-data/iam/info") {
    return text(200, imds_json({{"Code", "Success"},
                                {"LastUpdated", util::format_rfc3339(clock_.system_now())},
                                {"InstanceProfileArn", profile->arn},
                                {"InstanceProfileId", unique_id_for("AIPA", profile->arn)}}));
  }
  if (path == "/latest/meta-data/iam/security-credentials/" ||
      path == "/latest/meta-data/iam/security-credentials") {
    return text(200, role_name);
  }
  if (path == util::cat("/latest/meta-data/iam/security-credentials/", role_name)) {
    const std::optional<IssuedSession> creds = instance_credentials(*profile);
    if (!creds) return not_found();
    return text(200, imds_json({{"Code", "Success"},
                                {"LastUpdated", util::format_rfc3339(creds->issued_at)},
                                {"Type", "AWS-HMAC"},
                                {"AccessKeyId", creds->access_key_id},
                                {"SecretAccessKey", std::string(creds->secret_access_key.reveal())},
                                {"Token", std::string(creds->session_token.reveal())},
                                {"Expiration", util::format_rfc3339(creds->expiration)}}));
  }
  if (path == "/latest/dynamic/instance-identity/document") {
    return text(200, imds_json({{"accountId", account},
                                {"architecture", "x86_64"},
                                {"availabilityZone", profile->availability_zone},
                                {"imageId", "ami-0123456789abcdef0"},
                                {"instanceId", profile->instance_id},
                                {"instanceType", "m5.large"},
                                {"privateIp", "10.0.0.10"},
                                {"region", profile->region},
                                {"version", "2017-09-30"}}));
  }
  return not_found();
}

}  // namespace sim::aws
