// Timestamp: the apiserver's timestamps kept as seconds give back their exact
// text and time; anything else is kept as text.
#include "pkg/kube/timestamp.h"

#include <sstream>

#include "gtest/gtest.h"
#include "pkg/kube/object.h"
#include "pkg/util/rfc3339.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

TEST(TimestampTest, TheApiserversTimestampsComeBackExactly) {
  std::vector<std::string> texts;
  const Object secret = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  const JsonValue* created = json::find_path(secret.json(), {"metadata", "creationTimestamp"});
  ASSERT_NE(created, nullptr);
  texts.emplace_back(json::as_string(*created));
  std::istringstream watch(test::wire_sample("watch-stream-with-bookmark.jsonl"));
  for (std::string line; std::getline(watch, line);) {
    const Object event = test::parse_or_die(line);
    const JsonValue* at =
        json::find_path(event.json(), {"object", "metadata", "creationTimestamp"});
    if (at != nullptr && at->IsString())
      texts.emplace_back(json::as_string(*at));  // a bookmark: null
  }
  ASSERT_GE(texts.size(), 3u);
  for (const std::string& text : texts) {
    const Timestamp timestamp(text);
    EXPECT_EQ(timestamp.str(), text);
    EXPECT_EQ(timestamp, text);
    EXPECT_FALSE(timestamp.empty());
    ASSERT_TRUE(timestamp.time().has_value()) << text;
    EXPECT_EQ(*timestamp.time(), *util::parse_rfc3339(text));
    std::ostringstream printed;
    printed << timestamp;
    EXPECT_EQ(printed.str(), text);
  }
}

TEST(TimestampTest, AtWritesWhatFormatRfc3339Writes) {
  const absl::Time t = absl::FromUnixSeconds(1796292000) + absl::Milliseconds(800);
  const Timestamp timestamp = Timestamp::at(t);
  EXPECT_EQ(timestamp.str(), util::format_rfc3339(t));
  EXPECT_EQ(timestamp, util::format_rfc3339(t));
  EXPECT_EQ(*timestamp.time(), absl::FromUnixSeconds(1796292000));
}

TEST(TimestampTest, OtherTextIsKeptAsItIs) {
  for (const std::string text :
       {"2026-11-23T16:44:56.800527Z", "2026-11-23T18:44:56+02:00", "2026-11-23t16:44:56z",
        "2026-02-30T16:44:56Z", "2026-11-23T16:44:60Z", "2026-11-23T16:4a:56Z", "soon"}) {
    const Timestamp timestamp(text);
    EXPECT_EQ(timestamp.str(), text);
    EXPECT_EQ(timestamp, text);
    EXPECT_FALSE(timestamp.empty());
  }
  // The same instant in other text is other text.
  EXPECT_NE(Timestamp("2026-11-23T18:44:56+02:00"), Timestamp("2026-11-23T16:44:56Z"));
  EXPECT_EQ(*Timestamp("2026-11-23T18:44:56+02:00").time(),
            *Timestamp("2026-11-23T16:44:56Z").time());
  EXPECT_EQ(*Timestamp("2026-11-23T16:44:56.800527Z").time(),
            *util::parse_rfc3339("2026-11-23T16:44:56.800527Z"));
  EXPECT_FALSE(Timestamp("soon").time().has_value());
  EXPECT_FALSE(Timestamp("2026-02-30T16:44:56Z").time().has_value());
}

TEST(TimestampTest, EmptyCopiesAndMoves) {
  const Timestamp none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.str(), "");
  EXPECT_EQ(none, "");
  EXPECT_FALSE(none.time().has_value());
  EXPECT_NE(none, Timestamp("2026-11-23T16:44:56Z"));

  Timestamp seconds("2026-11-23T16:44:56Z");
  Timestamp text("2026-11-23T16:44:56.5Z");
  Timestamp copy = text;
  EXPECT_EQ(copy, text);
  copy = seconds;
  EXPECT_EQ(copy, seconds);
  Timestamp moved = std::move(text);
  EXPECT_EQ(moved, "2026-11-23T16:44:56.5Z");
  moved = Timestamp();
  EXPECT_TRUE(moved.empty());
}

}  // namespace
}  // namespace kube
