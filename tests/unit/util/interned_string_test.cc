#include "pkg/util/interned_string.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pkg/util/strings.h"

namespace util {
namespace {

constexpr std::string_view kArn = "arn:aws:iam::123456789012:role/team/app/my-role";

TEST(InternedStringTest, EqualTextsShareOneBlock) {
  const size_t before = InternedString::distinct();
  const InternedString from_view(kArn);
  const InternedString from_string(std::string{kArn});  // another buffer, the same text
  const InternedString other("arn:aws:iam::123456789012:role/other");

  EXPECT_EQ(from_view, from_string);
  EXPECT_EQ(from_view.view().data(), from_string.view().data());
  EXPECT_EQ(from_view.view(), kArn);
  EXPECT_FALSE(from_view == other);
  EXPECT_EQ(InternedString::distinct(), before + 2);
}

TEST(InternedStringTest, TheLastOneFreesItsText) {
  const size_t before = InternedString::distinct();
  {
    InternedString first("CredentialsIssued");
    InternedString copy = first;
    InternedString assigned;
    assigned = copy;
    const InternedString moved = std::move(copy);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from one is empty
    const InternedString& alias = first;
    first = alias;  // self-assignment keeps it
    EXPECT_EQ(first, "CredentialsIssued");
    EXPECT_EQ(InternedString::distinct(), before + 1);

    first = "InvalidSpec";  // another text: the first is still held by assigned and moved
    EXPECT_EQ(InternedString::distinct(), before + 2);
    assigned.clear();
    EXPECT_EQ(moved, "CredentialsIssued");
  }
  EXPECT_EQ(InternedString::distinct(), before);
  // Made again after it was freed: a block of its own again.
  const InternedString again("CredentialsIssued");
  EXPECT_EQ(again.view(), "CredentialsIssued");
  EXPECT_EQ(InternedString::distinct(), before + 1);
}

TEST(InternedStringTest, TheEmptyTextHoldsNothing) {
  const size_t before = InternedString::distinct();
  const InternedString none;
  const InternedString empty("");
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(none, empty);
  EXPECT_EQ(empty, "");
  EXPECT_EQ(empty.view(), std::string_view());
  EXPECT_EQ(InternedString::distinct(), before);
}

TEST(InternedStringTest, ComparesAndPrintsAsText) {
  const InternedString ready("Ready");
  EXPECT_EQ(ready, "Ready");
  EXPECT_EQ("Ready", ready);
  EXPECT_EQ(ready, std::string("Ready"));
  EXPECT_EQ(ready, std::string_view("Ready"));
  EXPECT_NE(ready, "ready");
  EXPECT_NE(ready, "Read");
  EXPECT_EQ(ready.str(), "Ready");
  EXPECT_EQ(cat("condition ", ready, ": True"), "condition Ready: True");
  std::ostringstream out;
  out << ready;
  EXPECT_EQ(out.str(), "Ready");
}

// Threads make, copy and drop the same few texts at once (the informers and
// the workers do): every one reads its own text throughout, and the table is
// empty of them at the end (run under ThreadSanitizer and AddressSanitizer
// in CI).
TEST(InternedStringTest, ThreadsShareAndFreeTheSameTexts) {
  const size_t before = InternedString::distinct();
  const std::vector<std::string> texts = {"True", "False", "credentials are in the Secret",
                                          std::string(kArn)};
  std::vector<std::thread> threads;
  std::vector<int> mismatches(8, 0);
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&texts, &mismatches, t] {
      std::vector<InternedString> held;
      for (size_t i = 0; i < 20000; ++i) {
        const std::string& text = texts[(i + t) % texts.size()];
        InternedString made(text);
        if (made != text) ++mismatches[t];
        if (i % 3 == 0) held.push_back(made);  // some outlive this round
        if (held.size() > 16) held.erase(held.begin(), held.begin() + 8);
      }
      for (size_t i = 0; i < held.size(); ++i) {
        if (held[i].empty()) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (size_t t = 0; t < mismatches.size(); ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  EXPECT_EQ(InternedString::distinct(), before);
}

}  // namespace
}  // namespace util
