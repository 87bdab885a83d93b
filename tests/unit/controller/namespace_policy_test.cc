// Which roles a namespace may use: kube2iam's and kiam's annotations, the
// default, other accounts, and malformed or hostile annotations.
#include "controller/domain/namespace_policy.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>

#include "controller/domain/views.h"
#include "pkg/util/glob.h"

namespace controller {
namespace {

const char* const kBase = "arn:aws:iam::123456789012:role/";

aws::RoleArn role(const std::string& arn) {
  return *aws::RoleArn::parse(arn);
}

struct Annotations {
  std::optional<std::string> allowed_roles;  // kube2iam
  std::optional<std::string> permitted;      // kiam
  std::vector<std::string> defaults;
  bool with_base = true;
};

NamespacePolicy compile(const Annotations& a) {
  std::optional<aws::BaseRoleArn> base;
  if (a.with_base) base = *aws::BaseRoleArn::parse(kBase);
  return NamespacePolicy::compile("team-a", a.allowed_roles, a.permitted, a.defaults, base);
}

struct Case {
  std::string name;
  Annotations annotations;
  std::string role_arn;
  bool allowed;
};

class NamespacePolicyTable : public testing::TestWithParam<Case> {};

TEST_P(NamespacePolicyTable, Decides) {
  const Case& c = GetParam();
  const auto refusal = compile(c.annotations).refusal(role(c.role_arn));
  EXPECT_EQ(!refusal.has_value(), c.allowed) << c.role_arn << ": " << refusal.value_or("allowed");
}

// Role ARNs in the controller's own account and in another one.
std::string own(const std::string& name) {
  return "arn:aws:iam::123456789012:role/" + name;
}
std::string other(const std::string& name) {
  return "arn:aws:iam::210987654321:role/" + name;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, NamespacePolicyTable,
    testing::Values(
        // kube2iam: names, paths and ARNs of one role are alike.
        Case{"Kube2iamName", {.allowed_roles = R"(["app"])"}, own("app"), true},
        Case{"Kube2iamNameIsNotAPrefix", {.allowed_roles = R"(["app"])"}, own("app2"), false},
        Case{"Kube2iamPath", {.allowed_roles = R"(["team/app"])"}, own("team/app"), true},
        Case{"Kube2iamArn",
             {.allowed_roles = R"(["arn:aws:iam::123456789012:role/app"])"},
             own("app"),
             true},
        Case{"Kube2iamGlob", {.allowed_roles = R"(["team-a-*"])"}, own("team-a-db"), true},
        Case{"Kube2iamGlobCrossesPaths", {.allowed_roles = R"(["team/*"])"}, own("team/x/y"), true},
        Case{"Kube2iamGlobMisses", {.allowed_roles = R"(["team-a-*"])"}, own("team-b-db"), false},
        Case{"Kube2iamSecondEntry", {.allowed_roles = R"(["x", "y"])"}, own("y"), true},
        Case{"Kube2iamEmptyList", {.allowed_roles = "[]"}, own("app"), false},
        // kiam: the whole ARN must match.
        Case{"KiamArn",
             {.permitted = "arn:aws:iam::123456789012:role/team-a-.*"},
             own("team-a-db"),
             true},
        Case{"KiamAnyPrefix", {.permitted = ".*:role/team-a-.*"}, own("team-a-db"), true},
        Case{"KiamIsAnchored", {.permitted = "team-a-.*"}, own("team-a-db"), false},
        Case{"KiamExplicitAnchors", {.permitted = "^.*/team-a-db$"}, own("team-a-db"), true},
        Case{"KiamMisses", {.permitted = ".*/team-a-.*"}, own("team-b-db"), false},
        // Either annotation may allow.
        Case{"EitherAllows",
             {.allowed_roles = R"(["x"])", .permitted = ".*/team-a-.*"},
             own("team-a-db"),
             true},
        // The default applies only without annotations; empty denies.
        Case{"NoAnnotationNoDefault", {}, own("app"), false},
        Case{"DefaultAllows", {.defaults = {"shared-*"}}, own("shared-logs"), true},
        Case{"AnnotationOverridesDefault",
             {.allowed_roles = R"(["x"])", .defaults = {"shared-*"}},
             own("shared-logs"),
             false},
        // Other accounts only when spelled out.
        Case{"OtherAccountByName", {.allowed_roles = R"(["app"])"}, other("app"), false},
        Case{"OtherAccountByStarGlob",
             {.allowed_roles = R"(["arn:aws:iam::*:role/app"])"},
             other("app"),
             false},
        Case{"StarGlobStillOwnAccount",
             {.allowed_roles = R"(["arn:aws:iam::*:role/app"])"},
             own("app"),
             true},
        Case{"OtherAccountExplicit",
             {.allowed_roles = R"(["arn:aws:iam::210987654321:role/app"])"},
             other("app"),
             true},
        Case{"OtherAccountRegexAll", {.permitted = ".*"}, other("app"), false},
        Case{"OtherAccountRegexExplicit",
             {.permitted = "^arn:aws:iam::210987654321:role/.*"},
             other("app"),
             true},
        Case{"OtherPartition",
             {.allowed_roles = R"(["*"])"},
             "arn:aws-cn:iam::123456789012:role/app",
             false},
        // Without a base role ARN names resolve to nothing; explicit ARNs work.
        Case{"NoBaseName", {.allowed_roles = R"(["app"])", .with_base = false}, own("app"), false},
        Case{"NoBaseExplicitArn",
             {.allowed_roles = R"(["arn:aws:iam::123456789012:role/app"])", .with_base = false},
             own("app"),
             true},
        // Malformed annotations refuse everything (fail closed).
        Case{"NotJson", {.allowed_roles = "app", .permitted = ".*"}, own("app"), false},
        Case{"NotAnArray", {.allowed_roles = R"({"a":1})"}, own("app"), false},
        Case{"NotStrings", {.allowed_roles = R"(["app", 3])"}, own("app"), false},
        Case{"BadRegex", {.allowed_roles = R"(["app"])", .permitted = "(app"}, own("app"), false},
        Case{"Backreference", {.permitted = R"((a)\1)"}, own("aa"), false},
        Case{"Oversized",
             {.permitted = ".*" + std::string(kMaxPolicyAnnotationBytes, 'a')},
             own("app"),
             false}),
    [](const testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(NamespacePolicyTest, RefusalNamesTheAnnotationToChange) {
  const aws::RoleArn r = role(own("db"));
  EXPECT_EQ(compile({.allowed_roles = R"(["app"])"}).refusal(r).value(),
            "role arn:aws:iam::123456789012:role/db is not permitted in namespace team-a: add it "
            "to the Namespace's annotation iam.amazonaws.com/allowed-roles (a JSON array of role "
            "names, paths or ARNs; * matches any characters)");
  EXPECT_EQ(compile({.permitted = "x"}).refusal(r).value(),
            "role arn:aws:iam::123456789012:role/db is not permitted in namespace team-a: change "
            "the Namespace's annotation iam.amazonaws.com/permitted (a regular expression the "
            "whole role ARN must match)");
  EXPECT_NE(compile({}).refusal(r).value().find(
                "has no iam.amazonaws.com/allowed-roles or iam.amazonaws.com/permitted annotation "
                "and --default-allowed-roles does not allow it"),
            std::string::npos);
}

TEST(NamespacePolicyTest, RefusalExplainsOtherAccounts) {
  EXPECT_NE(compile({.permitted = ".*"})
                .refusal(role(other("app")))
                .value()
                .find("roles of account 210987654321 are allowed only by patterns that begin "
                      "with arn:aws:iam::210987654321:"),
            std::string::npos);
}

TEST(NamespacePolicyTest, InvalidAnnotationsSayWhatIsWrong) {
  const aws::RoleArn r = role(own("app"));
  EXPECT_NE(
      compile({.permitted = "(app"})
          .refusal(r)
          .value()
          .find("the Namespace's annotation iam.amazonaws.com/permitted is not a valid regular "
                "expression: missing ): (app"),
      std::string::npos);
  EXPECT_NE(
      compile({.allowed_roles = "app"})
          .refusal(r)
          .value()
          .find("iam.amazonaws.com/allowed-roles is not a JSON array of role names, paths or ARNs"),
      std::string::npos);
  EXPECT_NE(compile({.allowed_roles = R"(["a", ""])"})
                .refusal(r)
                .value()
                .find("entry 2 is not a role name, path or ARN"),
            std::string::npos);
  EXPECT_NE(compile({.permitted = std::string(kMaxPolicyAnnotationBytes + 1, 'a')})
                .refusal(r)
                .value()
                .find("is longer than 16384 bytes"),
            std::string::npos);
}

TEST(NamespacePolicyTest, UnknownNamespaceRefusesEverything) {
  const auto refusal = NamespacePolicy::unknown_namespace("gone").refusal(role(own("app")));
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("the Namespace gone is not known (yet)"), std::string::npos);
}

TEST(NamespacePolicyTest, TheNamespaceViewCarriesItsCompiledPolicy) {
  kube::Object ns;
  ns.set_name("team-a");
  ns.set_resource_version("1");
  ns.set_annotation(kAllowedRolesAnnotation, R"(["app"])");
  const NamespacePolicyOptions restrictions{.base = *aws::BaseRoleArn::parse(kBase)};
  const aws::RoleArn r = role(own("app"));
  const NamespaceView view = namespace_view(ns, &restrictions);
  ASSERT_NE(view.policy, nullptr);
  EXPECT_FALSE(view.policy->refusal(r));
  EXPECT_FALSE(view.terminating);
  ns.set_annotation(kAllowedRolesAnnotation, R"(["other"])");
  const NamespaceView changed = namespace_view(ns, &restrictions);
  EXPECT_TRUE(changed.policy->refusal(r));
  EXPECT_FALSE(changed.same_policy(view));
  EXPECT_EQ(namespace_view(ns, nullptr).policy, nullptr) << "no restrictions, nothing compiled";
}

// The glob matcher against RE2 on the same pattern (each '*' as ".*", the
// rest quoted): random patterns and texts over a small alphabet, so stars,
// near-misses and long runs all occur. Deterministic seed; bounded count.
TEST(NamespacePolicyFuzzTest, GlobAgreesWithRegularExpressions) {
  std::mt19937 random(20261202);
  const std::string alphabet = "ab/*:";
  auto draw = [&](size_t max_length, bool stars) {
    std::string s(std::uniform_int_distribution<size_t>(0, max_length)(random), 'a');
    for (char& c : s) {
      c = alphabet[std::uniform_int_distribution<size_t>(
          0, alphabet.size() - (stars ? 1 : 2))(random)];
    }
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    const std::string pattern = draw(12, true);
    const std::string text = draw(16, false);
    std::string regex;
    for (const char c : pattern) {
      regex += c == '*' ? std::string(".*") : RE2::QuoteMeta(std::string(1, c));
    }
    ASSERT_EQ(util::glob_match(pattern, text), RE2::FullMatch(text, RE2(regex)))
        << "pattern '" << pattern << "' text '" << text << "'";
  }
}

// Hostile annotations: random bytes as either annotation never crash, never
// allow a role of another account, and stay fast (RE2, bounded memory).
TEST(NamespacePolicyFuzzTest, ArbitraryAnnotationsNeverAllowOtherAccounts) {
  std::mt19937 random(7);
  const std::string pieces[] = {"*",
                                ".*",
                                "(",
                                ")",
                                "[",
                                "]",
                                "\\",
                                "|",
                                "{1000}",
                                "+",
                                "?",
                                "\"",
                                ",",
                                "arn:aws:iam::",
                                "210987654321",
                                ":role/",
                                "app",
                                "[\"",
                                "\"]",
                                "^",
                                "$",
                                "\xff",
                                std::string(1, '\0')};
  auto draw = [&] {
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 12)(random);
    for (int i = 0; i < n; ++i) {
      s += pieces[std::uniform_int_distribution<size_t>(0, std::size(pieces) - 1)(random)];
    }
    return s;
  };
  const aws::RoleArn foreign = role(other("app"));
  for (int i = 0; i < 5000; ++i) {
    const std::string allowed = draw();
    const std::string permitted = draw();
    const NamespacePolicy policy = compile({.allowed_roles = allowed, .permitted = permitted});
    if (!policy.refusal(foreign)) {
      // Only a pattern that spells out the account may allow it.
      const bool spelled_out = allowed.find("arn:aws:iam::210987654321:") != std::string::npos ||
                               permitted.find("arn:aws:iam::210987654321:") != std::string::npos;
      ASSERT_TRUE(spelled_out) << "allowed-roles '" << allowed << "' permitted '" << permitted
                               << "'";
    }
  }
}

}  // namespace
}  // namespace controller
