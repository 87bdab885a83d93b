// Label and field selector parsing and matching (pure functions).
#include "tests/sim/kube/selector.h"

#include "gtest/gtest.h"

namespace sim::kube {
namespace {

bool label_match(const std::string& selector, StringPairs labels) {
  std::sort(labels.begin(), labels.end());
  auto s = LabelSelector::parse(selector);
  EXPECT_TRUE(s.ok()) << selector << ": " << s.status();
  return s.ok() && s->matches(labels);
}

TEST(LabelSelectorTest, Semantics) {
  StringPairs labels = {
      {"heritage", "kube-aws-iam-controller"}, {"type", "awsiamrole"}, {"n", "5"}};
  EXPECT_TRUE(label_match("", labels));
  EXPECT_TRUE(label_match("heritage=kube-aws-iam-controller", labels));
  EXPECT_TRUE(label_match(" heritage == kube-aws-iam-controller , type=awsiamrole ", labels));
  EXPECT_FALSE(label_match("heritage=kube-aws-iam-controller,type=other", labels));
  EXPECT_TRUE(label_match("missing!=x", labels)) << "!= matches objects without the key";
  EXPECT_TRUE(label_match("missing notin (x)", labels));
  EXPECT_FALSE(label_match("missing in (x)", labels));
  EXPECT_TRUE(label_match("type in (awsiamrole,other)", labels));
  EXPECT_TRUE(label_match("heritage", labels));
  EXPECT_FALSE(label_match("!heritage", labels));
  EXPECT_TRUE(label_match("n>4,n<6", labels));
  EXPECT_TRUE(label_match("example.com/key!=v", labels));
}

TEST(LabelSelectorTest, ErrorsReadLikeTheApiserver) {
  for (const char* bad :
       {"a=b=c", "a in b", "in", "a notin (b", "x=(", ",", "a b", "k/=v", "a>b"}) {
    EXPECT_FALSE(LabelSelector::parse(bad).ok()) << bad;
  }
  EXPECT_EQ(LabelSelector::parse("a=b=c").status().message(),
            "found '=', expected: ',' or 'end of string'");
  EXPECT_EQ(LabelSelector::parse("a=b c").status().message(),
            "found 'c', expected: ',' or 'end of string'");
}

TEST(FieldSelectorTest, EqualityAndEscapes) {
  auto s = FieldSelector::parse("metadata.name=a\\,b,type!=Opaque");
  ASSERT_TRUE(s.ok());
  StringPairs fields = {{"metadata.name", "a,b"}, {"type", "kubernetes.io/tls"}};
  EXPECT_TRUE(s->matches(fields));
  ASSERT_NE(s->exact_value("metadata.name"), nullptr);
  EXPECT_EQ(*s->exact_value("metadata.name"), "a,b");
  EXPECT_FALSE(FieldSelector::parse("metadata.name").ok());
  EXPECT_TRUE(FieldSelector::parse("").ok());
}

}  // namespace
}  // namespace sim::kube
