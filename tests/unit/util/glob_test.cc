#include "pkg/util/glob.h"

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(GlobTest, StarMatchesAnyRunIncludingSlashesAndColons) {
  EXPECT_TRUE(glob_match("arn:aws:iam::1:role/team-*", "arn:aws:iam::1:role/team-a/b"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_TRUE(glob_match("*:role/x", "arn:aws:iam::1:role/x"));
  EXPECT_TRUE(glob_match("a**b", "ab"));
}

TEST(GlobTest, EverythingElseMatchesItself) {
  EXPECT_TRUE(glob_match("app", "app"));
  EXPECT_FALSE(glob_match("app", "app2"));
  EXPECT_FALSE(glob_match("app", "ap"));
  EXPECT_FALSE(glob_match("a?p", "abp")) << "no ? wildcard, as kube2iam";
  EXPECT_FALSE(glob_match("[a]", "a")) << "no character classes";
  EXPECT_FALSE(glob_match("a*c", "abcd"));
  EXPECT_FALSE(glob_match("", "a"));
}

TEST(GlobTest, TheIamPolicyDialectAlsoHasQuestionMarks) {
  EXPECT_TRUE(glob_match("a?p", "abp", GlobDialect::kIamPolicy));
  EXPECT_FALSE(glob_match("a?p", "ap", GlobDialect::kIamPolicy));
  EXPECT_TRUE(
      glob_match("arn:aws:iam::*:role/?*", "arn:aws:iam::1:role/x", GlobDialect::kIamPolicy));
}

TEST(GlobTest, ManyStarsOnALongTextStayFast) {
  // Would be exponential with naive backtracking.
  const std::string text(4096, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

}  // namespace
}  // namespace util
