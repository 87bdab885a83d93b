// Query parameters as kube-apiserver reads them: every client library's
// spelling of a boolean (Python's watch=True, Go's watch=true, curl's
// watch=1), integers as strconv.ParseInt — units, then over HTTP.
#include "tests/sim/kube/query_params.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sim/kube/test/fixtures.h"
#include "tests/sim/kube/test/test_client.h"

namespace sim::kube {
namespace {

using ::testing::HasSubstr;
using testing::namespace_object;
using testing::secret;
using testing::secrets_path;
using testing::TestClient;

TEST(QueryParamsTest, BooleansAreFalseOnlyForZeroAndFalse) {
  for (const char* value : {"true", "True", "TRUE", "1", "t", "yes", "", "anything"}) {
    EXPECT_TRUE(query_bool(value)) << value;
  }
  for (const char* value : {"false", "False", "FALSE", "fAlSe", "0"}) {
    EXPECT_FALSE(query_bool(value)) << value;
  }
}

TEST(QueryParamsTest, IntegersAsStrconvParseInt) {
  EXPECT_EQ(*query_int("500"), 500);
  EXPECT_EQ(*query_int("+5"), 5);
  EXPECT_EQ(*query_int("-7"), -7);
  EXPECT_EQ(*query_int("007"), 7);
  EXPECT_EQ(*query_int("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(*query_int("-9223372036854775808"), INT64_MIN);
  for (const char* bad : {"", "+", "-", "abc", "1.5", " 1", "1 ", "0x10", "1e3"}) {
    util::StatusOr<int64_t> parsed = query_int(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(),
              std::string("strconv.ParseInt: parsing \"") + bad + "\": invalid syntax");
  }
  for (const char* huge : {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    util::StatusOr<int64_t> parsed = query_int(huge);
    ASSERT_FALSE(parsed.ok()) << huge;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("value out of range"));
  }
}

class QueryParamsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::start_server();
    ASSERT_NE(server_, nullptr);
    client_ = std::make_unique<TestClient>(*server_);
    ASSERT_EQ(client_->post("/api/v1/namespaces", namespace_object("q")).status, 201);
    for (const char* name : {"s1", "s2", "s3"}) {
      ASSERT_EQ(client_->post(secrets_path("q"), secret("q", name, "{}")).status, 201);
    }
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(QueryParamsHttpTest, EverySpellingOfWatchTrueWatches) {
  for (const char* value : {"true", "True", "1", "yes", ""}) {
    auto w = client_->watch(secrets_path("q") + "?watch=" + value);
    ASSERT_EQ(w->status(), 200) << value;
    std::optional<std::string> first = w->next();
    ASSERT_TRUE(first.has_value()) << "watch=" << value << " streamed nothing";
    EXPECT_THAT(*first, HasSubstr(R"("type":"ADDED")")) << value;
  }
}

TEST_F(QueryParamsHttpTest, WatchFalseOrZeroLists) {
  for (const char* value : {"false", "False", "0"}) {
    testing::Reply r = client_->get(secrets_path("q") + "?watch=" + value);
    ASSERT_EQ(r.status, 200) << value;
    EXPECT_THAT(r.body, HasSubstr(R"("kind":"SecretList")")) << value;
  }
}

TEST_F(QueryParamsHttpTest, LimitIsParsedLikeTheApiserverOrRejected) {
  testing::Reply two = client_->get(secrets_path("q") + "?limit=%2B2");  // "+2"
  ASSERT_EQ(two.status, 200) << two.body;
  EXPECT_THAT(two.body, HasSubstr(R"("continue":)"));
  testing::Reply bad = client_->get(secrets_path("q") + "?limit=abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr(R"(strconv.ParseInt: parsing \"abc\": invalid syntax)"));
  auto w = client_->watch(secrets_path("q") + "?watch=1&timeoutSeconds=soon");
  EXPECT_EQ(w->status(), 400);
}

}  // namespace
}  // namespace sim::kube
