#include "pkg/util/rfc3339.h"

#include <gtest/gtest.h>

namespace util {
namespace {

const absl::Time kWhole = absl::FromUnixSeconds(1795452296);  // 2026-11-23T16:44:56Z

TEST(Rfc3339Test, ParsesUtcWholeSeconds) {
  auto t = parse_rfc3339("2026-11-23T16:44:56Z");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, kWhole);
}

TEST(Rfc3339Test, ParsesFractionAndOffsetAndLowercase) {
  EXPECT_EQ(*parse_rfc3339("2026-11-23T16:44:56.800527Z"), kWhole + absl::Microseconds(800527));
  EXPECT_EQ(*parse_rfc3339("2026-11-23T18:44:56+02:00"), kWhole);
  EXPECT_EQ(*parse_rfc3339("2026-11-23T11:44:56-05:00"), kWhole);
  EXPECT_EQ(*parse_rfc3339("2026-11-23t16:44:56z"), kWhole);
}

TEST(Rfc3339Test, RejectsMalformed) {
  for (const char* bad :
       {"", "2026-11-23", "2026-11-23 16:44:56Z", "2026-11-23T16:44Z", "2026-13-23T16:44:56Z",
        "2026-11-23T16:44:56", "yesterday", "2026-11-23T16:44:56+0200"}) {
    auto t = parse_rfc3339(bad);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), util::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(Rfc3339Test, FormatsLikeGo) {
  const absl::Time t = kWhole + absl::Microseconds(800527);
  EXPECT_EQ(format_rfc3339(t), "2026-11-23T16:44:56Z");
  EXPECT_EQ(format_rfc3339_nano(t), "2026-11-23T16:44:56.800527Z");
  EXPECT_EQ(format_rfc3339_nano(kWhole), "2026-11-23T16:44:56Z");
  EXPECT_EQ(format_rfc3339_nano(kWhole + absl::Milliseconds(500)), "2026-11-23T16:44:56.5Z");
  EXPECT_EQ(format_rfc3339_micro(t), "2026-11-23T16:44:56.800527Z");
  EXPECT_EQ(format_rfc3339_micro(kWhole), "2026-11-23T16:44:56.000000Z");
  EXPECT_EQ(format_go_time(t), "2026-11-23 16:44:56.800527 +0000 UTC");
  EXPECT_EQ(format_go_time(kWhole), "2026-11-23 16:44:56 +0000 UTC");
}

TEST(Rfc3339Test, RoundTripsNano) {
  const absl::Time t = kWhole + absl::Nanoseconds(123456789);
  EXPECT_EQ(*parse_rfc3339(format_rfc3339_nano(t)), t);
}

TEST(Rfc3339Test, ParseSecondsReadsExactlyWhatFormatWrites) {
  const absl::Time t = absl::FromUnixSeconds(1796292000);
  EXPECT_EQ(parse_rfc3339_seconds(format_rfc3339(t)), t);
  EXPECT_EQ(parse_rfc3339_seconds("2026-11-23T16:44:56Z"), *parse_rfc3339("2026-11-23T16:44:56Z"));
  for (const char* other :
       {"2026-11-23T16:44:56.8Z", "2026-11-23T18:44:56+02:00", "2026-11-23t16:44:56z",
        "2026-02-30T16:44:56Z", "2026-11-23T16:44:60Z", "2026-11-23T16:4a:56Z", "", "soon"}) {
    EXPECT_EQ(parse_rfc3339_seconds(other), std::nullopt) << other;
  }
}

}  // namespace
}  // namespace util
