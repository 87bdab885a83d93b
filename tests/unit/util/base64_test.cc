#include "pkg/util/base64.h"

#include <gtest/gtest.h>

namespace util {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, DecodesAndRoundTripsBinary) {
  EXPECT_EQ(*base64_decode("Zm9vYmE="), "fooba");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*base64_decode(base64_encode(all)), all);
  // The Go original's `expire` value.
  EXPECT_EQ(*base64_decode("MjAyNi0xMS0yM1QxNjo0NDo1Nlo="), "2026-11-23T16:44:56Z");
}

TEST(Base64Test, RejectsMalformed) {
  for (const char* bad : {"Zm9", "Zm9v!", "Z===", "Zm=v", "Zm9v\n", "Zg==Zg=="}) {
    auto got = base64_decode(bad);
    EXPECT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), util::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace util
