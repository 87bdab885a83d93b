// boto3 (Debian's /usr/bin/python3) against the STS simulator.
#include <gtest/gtest.h>

#include "tests/integration/aws/real_client_fixture.h"

namespace integration::aws {
namespace {

constexpr char kAssumeAndIdentify[] = R"(
import json, sys, boto3
endpoint, role = sys.argv[1], sys.argv[2]
sts = boto3.client('sts', endpoint_url=endpoint)
r = sts.assume_role(RoleArn=role, RoleSessionName='boto3-session', DurationSeconds=3600)
c = r['Credentials']
session = boto3.client('sts', endpoint_url=endpoint, aws_access_key_id=c['AccessKeyId'],
                       aws_secret_access_key=c['SecretAccessKey'],
                       aws_session_token=c['SessionToken'])
who = session.get_caller_identity()
print(json.dumps({'assumed': r['AssumedRoleUser']['Arn'],
                  'assumed_id': r['AssumedRoleUser']['AssumedRoleId'],
                  'expiration': c['Expiration'].isoformat(), 'key': c['AccessKeyId'],
                  'who': who['Arn'], 'user_id': who['UserId'], 'account': who['Account']}))
)";

constexpr char kCallerIdentityError[] = R"(
import json, sys, boto3, botocore
sts = boto3.client('sts', endpoint_url=sys.argv[1])
try:
    sts.get_caller_identity()
    print(json.dumps({'code': None}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'],
                      'type': e.response['Error'].get('Type'),
                      'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                      'request_id': e.response['ResponseMetadata'].get('RequestId')}))
)";

constexpr char kRetried[] = R"(
import json, sys, boto3, botocore.config
config = botocore.config.Config(retries={'mode': 'standard', 'max_attempts': 3})
sts = boto3.client('sts', endpoint_url=sys.argv[1], config=config)
r = sts.get_caller_identity()
print(json.dumps({'arn': r['Arn'], 'retries': r['ResponseMetadata']['RetryAttempts']}))
)";

class Boto3StsTest : public Boto3Test {};

TEST_F(Boto3StsTest, AssumeRoleThenTheSessionIdentifiesAsTheRole) {
  const ::aws::Credentials user = bootstrap();
  const ProcessResult r =
      python(kAssumeAndIdentify, {sim_->sts_endpoint(), kBaseRole}, client_env(&user));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const rapidjson::Document d = parse_json(r.out);
  const std::string arn =
      "arn:aws:sts::123456789012:assumed-role/kube-aws-iam-controller/boto3-session";
  EXPECT_EQ(std::string(d["assumed"].GetString()), arn);
  EXPECT_EQ(std::string(d["who"].GetString()), arn);
  EXPECT_STREQ(d["account"].GetString(), "123456789012");
  EXPECT_STREQ(d["user_id"].GetString(), d["assumed_id"].GetString());
  // botocore parsed the Expiration: one hour after the simulator's now, whole seconds.
  const absl::Time expected =
      absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.system_now()) + 3600);
  EXPECT_EQ(std::string(d["expiration"].GetString()),
            absl::FormatTime("%Y-%m-%dT%H:%M:%S+00:00", expected, absl::UTCTimeZone()));
  EXPECT_EQ(sim_->calls().count("AssumeRole", "Success"), 1);
  EXPECT_EQ(sim_->calls().calls_of("GetCallerIdentity").at(0).caller_access_key_id,
            std::string(d["key"].GetString()));
}

TEST_F(Boto3StsTest, CorruptedSecretIsSignatureDoesNotMatch) {
  ::aws::Credentials corrupted = bootstrap();
  corrupted.secret_access_key = util::SecretString(std::string(kBootstrapSecret).substr(1) + "A");
  const ProcessResult r =
      python(kCallerIdentityError, {sim_->sts_endpoint()}, client_env(&corrupted));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const rapidjson::Document d = parse_json(r.out);
  ASSERT_TRUE(d["code"].IsString()) << r.out;
  EXPECT_STREQ(d["code"].GetString(), "SignatureDoesNotMatch");
  EXPECT_STREQ(d["type"].GetString(), "Sender");
  EXPECT_EQ(d["status"].GetInt(), 403);
  EXPECT_EQ(std::string(d["request_id"].GetString()).size(), 36u);
}

TEST_F(Boto3StsTest, RegionDisabledIsReportedAsSuch) {
  sim_->faults().set_region_disabled("us-east-1", true);
  const ::aws::Credentials user = bootstrap();
  const ProcessResult r = python(kCallerIdentityError, {sim_->sts_endpoint()}, client_env(&user));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const rapidjson::Document d = parse_json(r.out);
  ASSERT_TRUE(d["code"].IsString()) << r.out;
  EXPECT_STREQ(d["code"].GetString(), "RegionDisabledException");
  EXPECT_EQ(d["status"].GetInt(), 403);
}

TEST_F(Boto3StsTest, ThrottlingAndOutagesAreRetried) {
  sim_->faults().throttle_next(2);
  const ::aws::Credentials user = bootstrap();
  const ProcessResult r = python(kRetried, {sim_->sts_endpoint()}, client_env(&user));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const rapidjson::Document d = parse_json(r.out);
  EXPECT_STREQ(d["arn"].GetString(), kBootstrapArn);
  EXPECT_EQ(d["retries"].GetInt(), 2);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Throttling"), 2);
  EXPECT_EQ(sim_->calls().count("GetCallerIdentity", "Success"), 1);
}

}  // namespace
}  // namespace integration::aws
