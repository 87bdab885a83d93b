#include "tests/sim/aws/test/sim_test_support.h"

#include <pugixml.hpp>

#include "pkg/aws/sigv4.h"
#include "pkg/util/percent_encoding.h"
#include "pkg/util/strings.h"

namespace sim::aws::testing {
namespace {

std::string form_encode(const ParamList& params) {
  std::vector<std::string> pairs;
  for (const auto& [key, value] : params) {
    pairs.push_back(util::cat(util::percent_encode(key), "=", util::percent_encode(value)));
  }
  return util::join(pairs, "&");
}

void collect(const pugi::xml_node& node, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string path = prefix.empty() ? child.name() : prefix + "/" + child.name();
    if (child.first_child().type() == pugi::node_pcdata || !child.first_child()) {
      out[path] = child.text().get();
    } else {
      collect(child, path, out);
    }
  }
}

}  // namespace

IamConfig test_config() {
  IamConfig c;
  c.accounts = {std::string(kAccount)};
  c.regions = {"us-east-1", "eu-*"};
  c.users.push_back({std::string(kAliceArn), std::string(kAliceKeyId),
                     util::SecretString(std::string(kAliceSecret))});
  c.users.push_back(
      {std::string(kBobArn), std::string(kBobKeyId), util::SecretString(std::string(kBobSecret))});
  auto role = [&](std::string_view arn, std::vector<std::string> trust,
                  absl::Duration max = absl::Hours(1)) {
    RoleConfig r;
    r.arn = std::string(arn);
    r.trust = std::move(trust);
    r.max_session_duration = max;
    c.roles.push_back(r);
    return &c.roles.back();
  };
  const std::string a(kAliceArn);
  role(kAppRole, {a});
  role(kPathRole, {a});
  role(kLongRole, {a}, absl::Hours(12));
  role(kChainedRole, {std::string(kLongRole)}, absl::Hours(12));
  role(kExternalIdRole, {a})->external_id = "ext-123";
  role(kTaggedRole, {a})->required_session_tags = {{"team", "payments"}};
  role(kDeniedRole, {std::string(kBobArn)});
  role("arn:aws:iam::123456789012:role/load/*", {a, std::string(kLongRole)}, absl::Hours(12));
  role(kInstanceRole, {"arn:aws:iam::123456789012:root"}, absl::Hours(12));
  role(kPodRole, {a});
  role(kWebRole, {"web-identity"}, absl::Hours(2));

  InstanceProfileConfig ip;
  ip.arn = "arn:aws:iam::123456789012:instance-profile/node";
  ip.role_arn = std::string(kInstanceRole);
  c.instance_profile = ip;
  ContainerCredentialsConfig cc;
  cc.path = "/v1/credentials";
  cc.authorization_token = util::SecretString(std::string(kPodToken));
  cc.role_arn = std::string(kPodRole);
  c.container_credentials = cc;
  WebIdentityTokenConfig web;
  web.token = util::SecretString(std::string(kWebToken));
  web.subject = "system:serviceaccount:kube-system:kaic";
  c.web_identity_tokens.push_back(web);
  return c;
}

::aws::Credentials user_credentials(std::string_view key_id, std::string_view secret) {
  ::aws::Credentials creds;
  creds.access_key_id = std::string(key_id);
  creds.secret_access_key = util::SecretString(std::string(secret));
  creds.source = "test";
  return creds;
}
::aws::Credentials alice() {
  return user_credentials(kAliceKeyId, kAliceSecret);
}
::aws::Credentials bob() {
  return user_credentials(kBobKeyId, kBobSecret);
}

SimRequest unsigned_sts_request(const ParamList& params) {
  SimRequest r;
  r.method = "POST";
  r.raw_path = "/";
  r.headers = {{"Host", "sts.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = form_encode(params);
  return r;
}

SimRequest signed_sts_request(const ParamList& params, const ::aws::Credentials& credentials,
                              absl::Time when, std::string_view region, std::string_view service) {
  SimRequest r = unsigned_sts_request(params);
  ::aws::sigv4::SignableRequest signable;
  signable.method = r.method;
  signable.path = r.raw_path;
  signable.headers = r.headers;
  signable.payload_hash = ::aws::sigv4::hex_sha256(r.body);
  ::aws::sigv4::SigningOptions options;
  options.region = std::string(region);
  options.service = std::string(service);
  auto signed_result = ::aws::sigv4::sign(signable, credentials, when, options);
  EXPECT_TRUE(signed_result.ok()) << signed_result.status();
  if (signed_result.ok()) {
    for (auto& header : signed_result->headers)
      r.headers.push_back(header);
  }
  return r;
}

StsAnswer read_answer(const SimResponse& response) {
  StsAnswer answer;
  answer.status = response.status;
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_string(response.body.c_str());
  EXPECT_TRUE(parsed) << "not XML: " << response.body;
  const pugi::xml_node root = doc.document_element();
  answer.root = root.name();
  answer.xmlns = root.attribute("xmlns").value();
  const std::string result_name = answer.root.ends_with("Response")
                                      ? answer.root.substr(0, answer.root.size() - 8) + "Result"
                                      : "";
  for (const pugi::xml_node& child : root.children()) {
    if (child.type() != pugi::node_element) continue;
    if (child.name() == result_name) {
      collect(child, "", answer.fields);
    } else if (!child.first_child() || child.first_child().type() == pugi::node_pcdata) {
      answer.fields[child.name()] = child.text().get();
    } else {
      collect(child, child.name(), answer.fields);
    }
  }
  return answer;
}

::aws::Credentials credentials_from(const StsAnswer& answer) {
  ::aws::Credentials creds;
  creds.access_key_id = answer.get("Credentials/AccessKeyId");
  creds.secret_access_key = util::SecretString(answer.get("Credentials/SecretAccessKey"));
  creds.session_token = util::SecretString(answer.get("Credentials/SessionToken"));
  creds.source = "sts:AssumeRole";
  return creds;
}

SimFixture::SimFixture() {
  AwsSimulator::Options options;
  options.config = test_config();
  auto sim = AwsSimulator::create(std::move(options), clock_);
  EXPECT_TRUE(sim.ok()) << sim.status();
  if (sim.ok()) sim_ = std::move(sim).value();
}

StsAnswer SimFixture::call(const ParamList& params, const ::aws::Credentials& creds) {
  return read_answer(sim_->sts().handle(signed_sts_request(params, creds, clock_.system_now())));
}

StsAnswer SimFixture::assume(std::string_view role_arn, std::string_view session,
                             const ::aws::Credentials& creds, ParamList extra) {
  ParamList params = {{"Action", "AssumeRole"},
                      {"Version", "2011-06-15"},
                      {"RoleArn", std::string(role_arn)},
                      {"RoleSessionName", std::string(session)}};
  params.insert(params.end(), extra.begin(), extra.end());
  return call(params, creds);
}

StsAnswer SimFixture::caller_identity(const ::aws::Credentials& creds) {
  return call({{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, creds);
}

}  // namespace sim::aws::testing
