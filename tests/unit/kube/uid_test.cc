// Uid: the apiserver's UIDs kept as 16 bytes give back their exact text;
// anything else is kept as text.
#include "pkg/kube/uid.h"

#include <sstream>

#include "gtest/gtest.h"
#include "pkg/kube/object.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

TEST(UidTest, TheApiserversUidsComeBackExactly) {
  std::vector<std::string> uids;
  const Object secret = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  uids.emplace_back(secret.uid());
  std::istringstream watch(test::wire_sample("watch-stream-with-bookmark.jsonl"));
  for (std::string line; std::getline(watch, line);) {
    const Object event = test::parse_or_die(line);
    const JsonValue* uid = json::find_path(event.json(), {"object", "metadata", "uid"});
    if (uid != nullptr) uids.emplace_back(json::as_string(*uid));
  }
  ASSERT_GE(uids.size(), 3u);
  for (const std::string& text : uids) {
    const Uid uid(text);
    EXPECT_EQ(uid.str(), text);
    EXPECT_EQ(uid, text);
    EXPECT_FALSE(uid.empty());
    std::ostringstream printed;
    printed << uid;
    EXPECT_EQ(printed.str(), text);
  }
  EXPECT_EQ(Uid(uids[0]), Uid(uids[0]));
  EXPECT_NE(Uid(uids[0]), Uid(uids.back()));
}

TEST(UidTest, OtherTextIsKeptAsItIs) {
  for (const std::string text :
       {"uid-1", "20001486-9112-4294-992F-5E8A53DCC8F8", "20001486-9112-4294-992f-5e8a53dcc8f",
        "20001486-9112-4294-992f-5e8a53dcc8f8x", "20001486+9112-4294-992f-5e8a53dcc8f8",
        "00000000-0000-0000-0000-000000000000"}) {
    const Uid uid(text);
    EXPECT_EQ(uid.str(), text);
    EXPECT_FALSE(uid.empty()) << text;
  }
  // The same UUID in upper case is a different text, so a different UID.
  EXPECT_NE(Uid("20001486-9112-4294-992f-5e8a53dcc8f8"),
            Uid("20001486-9112-4294-992F-5E8A53DCC8F8"));
  EXPECT_NE(Uid("uid-1"), Uid("uid-2"));
}

TEST(UidTest, EmptyCopiesAndMoves) {
  EXPECT_TRUE(Uid().empty());
  EXPECT_TRUE(Uid("").empty());
  EXPECT_EQ(Uid().str(), "");
  EXPECT_EQ(Uid(), Uid(""));
  EXPECT_NE(Uid(), Uid("uid-1"));

  Uid text("uid-1");
  Uid copy = text;
  EXPECT_EQ(copy, "uid-1");
  copy = Uid("20001486-9112-4294-992f-5e8a53dcc8f8");
  EXPECT_EQ(copy.str(), "20001486-9112-4294-992f-5e8a53dcc8f8");
  copy = text;
  EXPECT_EQ(copy.str(), "uid-1");
  Uid moved = std::move(copy);
  EXPECT_EQ(moved.str(), "uid-1");
  EXPECT_EQ(text.str(), "uid-1");
}

}  // namespace
}  // namespace kube
