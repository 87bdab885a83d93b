// json::parse_list, the relist's parser: a page's items one at a time, fed a
// list assembled as the apiserver sends it from a verbatim apiserver Secret.
#include "pkg/kube/json.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/kube/object.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;

// A SecretList page as the apiserver writes it: kind, apiVersion and
// metadata first, then items that carry no kind or apiVersion.
std::string secret_list(const std::vector<std::string>& names) {
  Object secret = test::parse_or_die(test::wire_sample("secret-create-201.json"));
  JsonValue& json = secret.mutable_json();
  json::remove(json, "kind");
  json::remove(json, "apiVersion");
  std::string items;
  for (const std::string& name : names) {
    json::set_string(json::ensure_object(json, "metadata"), "name", name);
    items += (items.empty() ? "" : ",") + json::serialize(json);
  }
  return R"({"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"4711",)"
         R"("continue":"next"},"items":[)" +
         items + "]}";
}

struct Received {
  std::vector<std::string> names;
  std::vector<std::string> list_kinds;  // the list's kind as each item came
};

json::ListItemCallback record(Received& received) {
  return [&received](JsonValue&& item, const JsonValue& list_so_far) {
    received.names.emplace_back(json::get_string(*json::find(item, "metadata"), "name"));
    received.list_kinds.emplace_back(json::get_string(list_so_far, "kind"));
  };
}

TEST(JsonListTest, HandsOverEachItemWithTheListsMembersReadBeforeIt) {
  const std::string page = secret_list({"s1", "s2", "s3"});
  Received received;
  auto list = json::parse_list(page, record(received));
  ASSERT_TRUE(list.ok()) << list.status();

  EXPECT_THAT(received.names, ElementsAre("s1", "s2", "s3"));
  EXPECT_THAT(received.list_kinds, ElementsAre("SecretList", "SecretList", "SecretList"));
  EXPECT_EQ(json::find(*list, "items"), nullptr);  // handed over, not kept
  EXPECT_EQ(json::get_string(*json::find(*list, "metadata"), "resourceVersion"), "4711");
  EXPECT_EQ(json::get_string(*json::find(*list, "metadata"), "continue"), "next");
  // Each item is the whole object, as parse() reads it from the whole page.
  auto whole = json::parse(page);
  ASSERT_TRUE(whole.ok());
  Received again;
  (void)json::parse_list(page, [&](JsonValue&& item, const JsonValue&) {
    EXPECT_EQ(item,
              (*json::find(*whole, "items"))[static_cast<rapidjson::SizeType>(again.names.size())]);
    again.names.emplace_back("seen");
  });
  EXPECT_EQ(again.names.size(), 3u);
}

TEST(JsonListTest, EmptyAndAbsentItemsAndOtherRootsHandOverNothing) {
  for (const std::string text :
       {R"({"kind":"SecretList","items":[]})", R"( { "items" : [ ] , "metadata" : { } } )",
        R"({"kind":"SecretList","items":null})", R"({})", R"([{"a":1}])", R"("text")"}) {
    Received received;
    auto list = json::parse_list(text, record(received));
    ASSERT_TRUE(list.ok()) << text << ": " << list.status();
    EXPECT_TRUE(received.names.empty()) << text;
    auto whole = json::parse(text);
    ASSERT_TRUE(whole.ok());
    if (!whole->IsObject()) {
      EXPECT_EQ(*list, *whole) << text;  // returned as parsed
    }
  }
}

TEST(JsonListTest, AMalformedPageFailsAsParseDoesAfterHandingOverTheItemsBeforeTheFault) {
  const std::string page = secret_list({"s1", "s2"});
  const size_t second = page.find("},{") + 2;
  const std::vector<std::string> malformed = {
      page.substr(0, second + 40),                             // cut inside the second item
      page.substr(0, page.size() - 1),                         // the list's closing brace missing
      page + " {}",                                            // something after the list
      page.substr(0, second - 1) + " " + page.substr(second),  // no comma between items
      R"({"kind" "SecretList"})",                              // no colon
      R"({"kind":"SecretList" "items":[]})",                   // no comma between members
      R"({kind:"SecretList"})",                                // a name without quotes
      "",                                                      // nothing at all
  };
  for (const std::string& text : malformed) {
    Received received;
    auto list = json::parse_list(text, record(received));
    auto whole = json::parse(text);
    ASSERT_FALSE(whole.ok()) << text;
    ASSERT_FALSE(list.ok()) << text;
    EXPECT_EQ(list.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_EQ(list.status().message(), whole.status().message()) << text;
  }
  Received received;
  (void)json::parse_list(malformed[0], record(received));
  EXPECT_THAT(received.names, ElementsAre("s1"));
}

}  // namespace
}  // namespace kube
