#include "pkg/util/secret_string.h"

#include <sstream>

#include <gtest/gtest.h>


namespace util {
namespace {

TEST(SecretStringTest, NeverPrintsItsValue) {
  SecretString s("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_EQ(s.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

TEST(SecretStringTest, CopiesAndMovesKeepValue) {
  SecretString a("token");
  SecretString b = a;
  SecretString c = std::move(a);
  EXPECT_EQ(b.reveal(), "token");
  EXPECT_EQ(c.reveal(), "token");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped
  EXPECT_EQ(b, c);
}

}  // namespace
}  // namespace util
