#include "pkg/util/percent_encoding.h"

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(PercentEncodingTest, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("a b/c~d+e="), "a%20b%2Fc~d%2Be%3D");
  EXPECT_EQ(percent_encode("a=b,c!=d e/f"), "a%3Db%2Cc%21%3Dd%20e%2Ff");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("\xe1\x88\xb4"), "%E1%88%B4");
}

TEST(PercentEncodingTest, KeepsSlashesOfAPathWhenAsked) {
  EXPECT_EQ(percent_encode("a b/c", /*keep_slash=*/true), "a%20b/c");
}

TEST(PercentEncodingTest, DecodesEitherCaseAndKeepsMalformedEscapes) {
  EXPECT_EQ(percent_decode("%E1%88%B4%2f+%zz%4"), "\xe1\x88\xb4/+%zz%4");
  EXPECT_EQ(percent_decode(percent_encode("a b/c~d+e=\xff")), "a b/c~d+e=\xff");
}

}  // namespace
}  // namespace util
