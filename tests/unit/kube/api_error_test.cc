// Error mapping from the apiserver's verbatim Status responses.
#include "pkg/kube/api_error.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::HasSubstr;
using util::StatusCode;

http::Response response(int code, std::string body, http::Headers headers = {}) {
  return {code, std::move(headers), std::move(body)};
}

struct Case {
  const char* name;
  int http_code;
  const char* sample;
  StatusCode want_code;
  const char* want_message;
};

class StatusSampleTest : public ::testing::TestWithParam<Case> {};

TEST_P(StatusSampleTest, MapsCodeAndKeepsKubectlsMessage) {
  const Case& c = GetParam();
  const util::Status s = status_from_response(response(c.http_code, test::wire_sample(c.sample)),
                                              "create", "secrets", "s1");
  EXPECT_EQ(s.code(), c.want_code);
  EXPECT_THAT(s.message(), HasSubstr(c.want_message));
}

INSTANTIATE_TEST_SUITE_P(
    WireSamples, StatusSampleTest,
    ::testing::Values(
        Case{"not_found", 404, "status-404.json", StatusCode::kNotFound,
             "secrets \"nope\" not found"},
        Case{"already_exists", 409, "status-409-alreadyexists.json", StatusCode::kAlreadyExists,
             "secrets \"s1\" already exists"},
        Case{"conflict", 409, "status-409-conflict.json", StatusCode::kAborted,
             "Operation cannot be fulfilled on secrets \"s1\": the object has been modified"},
        Case{"invalid", 422, "status-422-invalid.json", StatusCode::kInvalidArgument,
             "spec.roleReference in body should be at least 3 chars long"},
        Case{"expired_list", 410, "list-410-exact-rv.json", StatusCode::kOutOfRange,
             "The resourceVersion for the provided list is too old."}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ApiErrorTest, InvalidKeepsCausesMissingFromTheMessage) {
  const std::string body =
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"Secret \"x\" is invalid",)"
      R"("reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid",)"
      R"("message":"Invalid value: \"a b\": a valid config key must consist of alphanumeric characters",)"
      R"("field":"data[a b]"}]},"code":422})";
  const util::Status s = status_from_response(response(422, body), "create", "secrets", "x");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Secret \"x\" is invalid; data[a b]: Invalid value: \"a b\": a valid config key must "
            "consist of alphanumeric characters");
}

TEST(ApiErrorTest, InStreamExpiredIsGone) {
  auto status = json::parse(
      R"j({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (380)","reason":"Expired","code":410})j");
  ASSERT_TRUE(status.ok());
  const util::Status s = status_from_status_object(*status);
  EXPECT_TRUE(is_gone(s));
  EXPECT_EQ(s.message(), "too old resource version: 5 (380)");
}

TEST(ApiErrorTest, ForbiddenAndUnauthorized) {
  const std::string forbidden =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets is forbidden: User \"system:serviceaccount:x:y\" cannot list resource \"secrets\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"secrets"},"code":403})";
  EXPECT_EQ(status_from_response(response(403, forbidden), "list", "secrets", "").code(),
            StatusCode::kPermissionDenied);
  const std::string unauthorized =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})";
  EXPECT_EQ(status_from_response(response(401, unauthorized), "list", "secrets", "").code(),
            StatusCode::kUnauthenticated);
}

TEST(ApiErrorTest, ThrottlingCarriesRetryAfter) {
  const std::string body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":3},"code":429})";
  const util::Status s =
      status_from_response(response(429, body, {{"Retry-After", "3"}}), "get", "secrets", "a");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_TRUE(util::is_retryable(s));
  EXPECT_EQ(retry_after(s), absl::Seconds(3));
  EXPECT_TRUE(is_too_many_requests(s));
  EXPECT_EQ(s.message(), "Too many requests, please try again later.");
  ASSERT_NE(s.detail(), nullptr);
  EXPECT_EQ(s.detail()->http_status, 429);
  EXPECT_EQ(s.detail()->reason, "TooManyRequests");
}

TEST(ApiErrorTest, RetryAfterFromTheBodyWhenTheHeaderIsMissing) {
  const std::string body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":2},"code":429})";
  EXPECT_EQ(retry_after(status_from_response(response(429, body), "get", "secrets", "a")),
            absl::Seconds(2));
  // A message that merely looks like one says nothing.
  EXPECT_EQ(retry_after(util::unavailable_error("x (retry after 5s)")), std::nullopt);
}

TEST(ApiErrorTest, NamespaceTerminatingIsACauseNotAMessage) {
  // Verbatim from a real apiserver (NamespaceLifecycle admission).
  const std::string body =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"s\" is forbidden: unable to create new content in namespace gone because it is being terminated","reason":"Forbidden","details":{"name":"s","kind":"secrets","causes":[{"reason":"NamespaceTerminating","message":"namespace gone is being terminated","field":"metadata.namespace"}]},"code":403})";
  const util::Status s = status_from_response(response(403, body), "create", "secrets", "s");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(is_namespace_terminating(s));
  // RBAC's 403 has the same code and no such cause.
  const std::string rbac =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"s\" is forbidden: User \"u\" cannot create resource \"secrets\" in API group \"\" in the namespace \"gone\"","reason":"Forbidden","details":{"name":"s","kind":"secrets"},"code":403})";
  EXPECT_FALSE(is_namespace_terminating(
      status_from_response(response(403, rbac), "create", "secrets", "s")));
}

TEST(ApiErrorTest, BodiesThatAreNotStatusReadLikeKubectl) {
  const util::Status bad_gateway =
      status_from_response(response(502, "<html>bad gateway</html>"), "get", "secrets", "a");
  EXPECT_EQ(bad_gateway.code(), StatusCode::kUnavailable);
  EXPECT_EQ(bad_gateway.message(),
            "the server responded with the status code 502 but did not return more information "
            "(get secrets a)");
  EXPECT_EQ(retry_after(bad_gateway), std::nullopt);
  const util::Status not_found =
      status_from_response(response(404, "404 page not found"), "list", "awsiamroles", "");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(),
            "the server could not find the requested resource (list awsiamroles)");
  EXPECT_EQ(status_from_response(response(504, ""), "get", "secrets", "a").code(),
            StatusCode::kDeadlineExceeded);
  EXPECT_EQ(status_from_response(response(410, ""), "get", "secrets", "a").code(),
            StatusCode::kOutOfRange);
}

TEST(ApiErrorTest, ParsesRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after(" 12 "), absl::Seconds(12));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
}

}  // namespace
}  // namespace kube
