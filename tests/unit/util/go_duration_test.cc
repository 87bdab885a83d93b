#include "pkg/util/go_duration.h"

#include <gtest/gtest.h>

namespace util {
namespace {

struct ParseCase {
  const char* text;
  absl::Duration want;
};

class ParseGoDurationTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseGoDurationTest, ParsesLikeGo) {
  auto got = parse_go_duration(GetParam().text);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Valid, ParseGoDurationTest,
    ::testing::Values(ParseCase{"0", absl::ZeroDuration()}, ParseCase{"10s", absl::Seconds(10)},
                      ParseCase{"15m", absl::Minutes(15)},
                      ParseCase{"1h30m", absl::Minutes(90)},
                      ParseCase{"500ms", absl::Milliseconds(500)},
                      ParseCase{"1.5h", absl::Minutes(90)}, ParseCase{"-2s", absl::Seconds(-2)},
                      ParseCase{"+3m", absl::Minutes(3)}, ParseCase{".5s", absl::Milliseconds(500)},
                      ParseCase{"1h2m3s4ms5us6ns", absl::Hours(1) + absl::Minutes(2) +
                                                       absl::Seconds(3) + absl::Milliseconds(4) +
                                                       absl::Microseconds(5) + absl::Nanoseconds(6)},
                      ParseCase{"2\xC2\xB5s", absl::Microseconds(2)},
                      ParseCase{"90s", absl::Seconds(90)}));

struct BadCase {
  const char* text;
  const char* message;
};

class ParseGoDurationErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseGoDurationErrorTest, RejectsWithGoMessage) {
  auto got = parse_go_duration(GetParam().text);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Invalid, ParseGoDurationErrorTest,
    ::testing::Values(BadCase{"", "time: invalid duration \"\""},
                      BadCase{"10", "time: missing unit in duration \"10\""},
                      BadCase{"abc", "time: invalid duration \"abc\""},
                      BadCase{"10x", "time: unknown unit \"x\" in duration \"10x\""},
                      BadCase{"1h-5m", "time: unknown unit \"h-\" in duration \"1h-5m\""},
                      BadCase{".s", "time: invalid duration \".s\""},
                      BadCase{"-", "time: invalid duration \"-\""},
                      BadCase{"9999999999h", "time: invalid duration \"9999999999h\""}));

TEST(FormatGoDurationTest, MatchesGoString) {
  EXPECT_EQ(format_go_duration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(format_go_duration(absl::Minutes(15)), "15m0s");
  EXPECT_EQ(format_go_duration(absl::Minutes(90)), "1h30m0s");
  EXPECT_EQ(format_go_duration(absl::Seconds(10)), "10s");
  EXPECT_EQ(format_go_duration(absl::Milliseconds(500)), "500ms");
  EXPECT_EQ(format_go_duration(absl::Milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_go_duration(absl::Microseconds(1500)), "1.5ms");
  EXPECT_EQ(format_go_duration(absl::Nanoseconds(7)), "7ns");
  EXPECT_EQ(format_go_duration(-absl::Seconds(3)), "-3s");
}

TEST(FormatGoDurationTest, RoundTrips) {
  for (absl::Duration d : {absl::Hours(12), absl::Seconds(61), absl::Milliseconds(1234)}) {
    auto parsed = parse_go_duration(format_go_duration(d));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, d);
  }
}

}  // namespace
}  // namespace util
