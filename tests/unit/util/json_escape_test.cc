#include "pkg/util/json_escape.h"
#include "pkg/util/strings.h"

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(StringsTest, JsonEscapeKeepsDocumentsValid) {
  EXPECT_EQ(json_escape("plain/base64+=="), "plain/base64+==");
  EXPECT_EQ(json_escape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(json_escape("line\nfeed\r\ttab"), "line\\nfeed\\r\\ttab");
  EXPECT_EQ(json_escape(std::string_view("\x01\x1f", 2)), "\\u0001\\u001f");
  EXPECT_EQ(json_escape("ünïcode"), "ünïcode");
  EXPECT_EQ(json_quote("x\"y"), "\"x\\\"y\"");
}

TEST(StringsTest, SplitJoinTrim) {
  const std::vector<std::string_view> parts = split("a,b,,c", ',');
  EXPECT_EQ(join(std::vector<std::string>(parts.begin(), parts.end()), "|"), "a|b||c");
  EXPECT_EQ(trim("  x y\t\n"), "x y");
  EXPECT_TRUE(equals_ignore_case("Content-Type", "content-type"));
  EXPECT_FALSE(equals_ignore_case("abc", "abd"));
  EXPECT_EQ(to_lower("AbC"), "abc");
}

}  // namespace
}  // namespace util
