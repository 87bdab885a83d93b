// STS's parameter validation, message for message.
#include <gtest/gtest.h>

#include "tests/sim/aws/test/sim_test_support.h"

namespace sim::aws::testing {
namespace {

struct ValidationCase {
  const char* name;
  ParamList params;  // added to Action=AssumeRole&Version=2011-06-15
  int status;
  const char* code;
  const char* message;
};

const std::string kName64(64, 's');
const std::string kName65(65, 's');

std::vector<ValidationCase> cases() {
  const std::string app(kAppRole);
  return {
      {"session-name-65-chars",
       {{"RoleArn", app}, {"RoleSessionName", kName65}},
       400,
       "ValidationError",
       "1 validation error detected: Value 'sssssssssssssssssssssssssssssssssssssssssssssssssssss"
       "ssssssssssss' at 'roleSessionName' failed to satisfy constraint: Member must have length "
       "less than or equal to 64"},
      {"session-name-64-chars-ok", {{"RoleArn", app}, {"RoleSessionName", kName64}}, 200, "", ""},
      {"session-name-bad-characters",
       {{"RoleArn", app}, {"RoleSessionName", "team/app:x"}},
       400,
       "ValidationError",
       "1 validation error detected: Value 'team/app:x' at 'roleSessionName' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"},
      {"session-name-all-allowed-characters",
       {{"RoleArn", app}, {"RoleSessionName", "aZ09_+=,.@-"}},
       200,
       "",
       ""},
      {"session-name-one-char",
       {{"RoleArn", app}, {"RoleSessionName", "a"}},
       400,
       "ValidationError",
       "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: "
       "Member must have length greater than or equal to 2"},
      {"session-name-two-errors",
       {{"RoleArn", app}, {"RoleSessionName", "/"}},
       400,
       "ValidationError",
       "2 validation errors detected: Value '/' at 'roleSessionName' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '/' at "
       "'roleSessionName' failed to satisfy constraint: Member must have length greater than or "
       "equal to 2"},
      {"session-name-missing",
       {{"RoleArn", app}},
       400,
       "ValidationError",
       "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
       "constraint: Member must not be null"},
      {"role-arn-missing",
       {{"RoleSessionName", "s1"}},
       400,
       "ValidationError",
       "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member "
       "must not be null"},
      {"role-arn-too-short",
       {{"RoleArn", "my-role"}, {"RoleSessionName", "s1"}},
       400,
       "ValidationError",
       "1 validation error detected: Value 'my-role' at 'roleArn' failed to satisfy constraint: "
       "Member must have length greater than or equal to 20"},
      {"role-arn-malformed",
       {{"RoleArn", "arn:aws:iam:123456789012:role"}, {"RoleSessionName", "s1"}},
       400,
       "ValidationError",
       "arn:aws:iam:123456789012:role is invalid"},
      {"duration-below-900",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"DurationSeconds", "899"}},
       400,
       "ValidationError",
       "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy "
       "constraint: Member must have value greater than or equal to 900"},
      {"duration-900-ok",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"DurationSeconds", "900"}},
       200,
       "",
       ""},
      {"duration-above-43200",
       {{"RoleArn", std::string(kLongRole)},
        {"RoleSessionName", "s1"},
        {"DurationSeconds", "43201"}},
       400,
       "ValidationError",
       "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
       "constraint: Member must have value less than or equal to 43200"},
      {"duration-43200-ok-for-12h-role",
       {{"RoleArn", std::string(kLongRole)},
        {"RoleSessionName", "s1"},
        {"DurationSeconds", "43200"}},
       200,
       "",
       ""},
      {"duration-above-role-max",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"DurationSeconds", "3601"}},
       400,
       "ValidationError",
       "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
      {"duration-not-a-number",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"DurationSeconds", "1h"}},
       400,
       "ValidationError",
       "1 validation error detected: Value '1h' at 'durationSeconds' failed to satisfy "
       "constraint: Member must be a number"},
      {"external-id-bad-characters",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"ExternalId", "a b"}},
       400,
       "ValidationError",
       "1 validation error detected: Value 'a b' at 'externalId' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*"},
      {"tag-key-too-long",
       {{"RoleArn", app},
        {"RoleSessionName", "s1"},
        {"Tags.member.1.Key", std::string(129, 'k')},
        {"Tags.member.1.Value", "v"}},
       400,
       "ValidationError",
       nullptr},
      {"policy-not-json",
       {{"RoleArn", app}, {"RoleSessionName", "s1"}, {"Policy", "{not json"}},
       400,
       "MalformedPolicyDocument",
       "The policy is not in the valid JSON format."},
      {"policy-too-large",
       {{"RoleArn", app},
        {"RoleSessionName", "s1"},
        {"Policy", "{\"Version\":\"2012-10-17\",\"Pad\":\"" + std::string(3000, 'x') + "\"}"}},
       400,
       "PackedPolicyTooLarge",
       nullptr},
  };
}

class StsValidationTest : public SimFixture,
                          public ::testing::WithParamInterface<ValidationCase> {};

TEST_P(StsValidationTest, AnswersAsSts) {
  const ValidationCase& c = GetParam();
  ParamList params = {{"Action", "AssumeRole"}, {"Version", "2011-06-15"}};
  params.insert(params.end(), c.params.begin(), c.params.end());
  const StsAnswer a = call(params, alice());
  EXPECT_EQ(a.status, c.status) << a.message();
  EXPECT_EQ(a.code(), c.code);
  if (c.message != nullptr) {
    EXPECT_EQ(a.message(), c.message);
  }
  EXPECT_EQ(sim_->calls().count("AssumeRole", c.status == 200 ? "Success" : c.code), 1);
}

INSTANTIATE_TEST_SUITE_P(Cases, StsValidationTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<ValidationCase>& param_info) {
                           std::string name = param_info.param.name;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

class StsActionTest : public SimFixture {};

TEST_F(StsActionTest, MissingActionIsMissingAction) {
  const StsAnswer a = call({{"Version", "2011-06-15"}}, alice());
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "MissingAction");
}

TEST_F(StsActionTest, UnknownActionIsInvalidAction) {
  const StsAnswer a = call({{"Action", "GetSessionTokens"}, {"Version", "2011-06-15"}}, alice());
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.code(), "InvalidAction");
  EXPECT_EQ(a.message(), "Could not find operation GetSessionTokens for version 2011-06-15");
}

TEST_F(StsActionTest, WrongVersionIsInvalidAction) {
  const StsAnswer a = call({{"Action", "GetCallerIdentity"}, {"Version", "2010-01-01"}}, alice());
  EXPECT_EQ(a.code(), "InvalidAction");
  EXPECT_EQ(a.message(), "Could not find operation GetCallerIdentity for version 2010-01-01");
}

TEST_F(StsActionTest, UnsignedRequestOfASignedActionIsRejectedBeforeValidation) {
  const StsAnswer a = read_answer(sim_->sts().handle(unsigned_sts_request(
      {{"Action", "AssumeRole"}, {"Version", "2011-06-15"}, {"RoleArn", "x"}})));
  EXPECT_EQ(a.code(), "MissingAuthenticationToken");
}

}  // namespace
}  // namespace sim::aws::testing
