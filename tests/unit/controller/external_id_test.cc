#include "controller/domain/external_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace controller {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view text, std::string_view cluster = "") {
  auto parsed = ExternalIdTemplate::parse(text, cluster);
  EXPECT_FALSE(parsed.ok()) << text;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), util::StatusCode::kInvalidArgument);
  return parsed.status().message();
}

TEST(ExternalIdTest, RendersThePlaceholdersFromWhereTheRoleLives) {
  auto id = ExternalIdTemplate::parse("{cluster}/{namespace}/{name}", "prod-eu");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->render("payments", "api.v2"), "prod-eu/payments/api.v2");
  EXPECT_EQ(id->text(), "{cluster}/{namespace}/{name}");
}

TEST(ExternalIdTest, LiteralsAndRepeatedPlaceholdersAreKept) {
  auto id = ExternalIdTemplate::parse("k8s:{namespace}:{namespace}@x=1,y+2", "");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->render("a", "ignored"), "k8s:a:a@x=1,y+2");
}

TEST(ExternalIdTest, RefusesWhatStsWouldRefuse) {
  EXPECT_THAT(error_of("ns {namespace}"), HasSubstr("' ' is not allowed in an ExternalId"));
  EXPECT_THAT(error_of("{namespace}#1"), HasSubstr("'#' is not allowed"));
  // A one-letter namespace would make a one-character ExternalId.
  EXPECT_THAT(error_of("{namespace}"), HasSubstr("shorter than STS's minimum of 2"));
  EXPECT_THAT(error_of(""), HasSubstr("shorter than STS's minimum of 2"));
  EXPECT_THAT(error_of(std::string(1000, 'x') + "{name}"),
              HasSubstr("longer than STS's maximum of 1224"));
}

TEST(ExternalIdTest, PlaceholdersMustBeKnownAndClosed) {
  EXPECT_THAT(error_of("k8s:{pod}"),
              HasSubstr("unknown placeholder {pod} (known: {namespace}, {name}, {cluster})"));
  EXPECT_THAT(error_of("k8s:{namespace"), HasSubstr("unclosed placeholder at \"{namespace\""));
}

TEST(ExternalIdTest, ClusterNeedsAClusterNameStsAccepts) {
  EXPECT_THAT(error_of("{cluster}/{namespace}"), HasSubstr("{cluster} needs --cluster-name"));
  EXPECT_THAT(error_of("{cluster}/{namespace}", "my cluster"),
              HasSubstr("the cluster name \"my cluster\" has characters"));
}

}  // namespace
}  // namespace controller
