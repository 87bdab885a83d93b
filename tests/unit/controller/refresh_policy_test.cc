#include "controller/domain/refresh_policy.h"

#include <gtest/gtest.h>

namespace controller {
namespace {

TEST(RefreshPolicyTest, OneHourSessionsRefreshEarlyEnoughForSdks) {
  const RefreshPolicy policy;  // 15m limit, 20m validity, 2m propagation
  EXPECT_EQ(policy.lead_time(absl::Hours(1)), absl::Minutes(22));
  EXPECT_EQ(policy.worst_case_validity(absl::Hours(1)), absl::Minutes(20));
  EXPECT_FALSE(policy.short_session_note(absl::Hours(1)).has_value());
}

TEST(RefreshPolicyTest, LargerRefreshLimitWins) {
  const RefreshPolicy policy{.refresh_limit = absl::Minutes(40)};
  EXPECT_EQ(policy.lead_time(absl::Hours(12)), absl::Minutes(40));
}

TEST(RefreshPolicyTest, ShortSessionsRefreshAtHalfLifeAndSaySo) {
  const RefreshPolicy policy;
  EXPECT_EQ(policy.lead_time(absl::Seconds(900)), absl::Seconds(450));
  EXPECT_EQ(policy.worst_case_validity(absl::Seconds(900)), absl::Seconds(330));
  const auto note = policy.short_session_note(absl::Seconds(900));
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(*note,
            "session duration 15m0s is too short to guarantee 20m0s of validity: credentials are "
            "refreshed at half-life and pods may read credentials with about 5m30s left (SDKs "
            "then re-read them often)");
}

TEST(RefreshPolicyTest, NeverRefreshesContinuously) {
  // The Go original with --refresh-limit=15m and 900 s sessions refreshed on
  // every 10 s loop; half-life keeps a positive interval for any session.
  const RefreshPolicy policy{.refresh_limit = absl::Hours(2)};
  for (int seconds : {900, 1800, 3600, 43200}) {
    EXPECT_LT(policy.lead_time(absl::Seconds(seconds)), absl::Seconds(seconds)) << seconds;
  }
}

}  // namespace
}  // namespace controller
