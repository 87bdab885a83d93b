// Which work goes first, judged from the one view in hand: AWSIAMRoles with
// the status the controller itself writes (issued_status / failed_status) and
// Secrets as it renders them.
#include "controller/domain/urgency.h"

#include <gtest/gtest.h>

#include "controller/domain/awsiamrole.h"
#include "controller/domain/plan.h"
#include "controller/domain/secret_data.h"
#include "pkg/kube/secret.h"

namespace controller {
namespace {

constexpr absl::Time kAt = absl::FromUnixSeconds(1'800'000'000);

// An AWSIAMRole at `generation` whose status is `status` as the controller
// writes it (none when nullopt).
kube::Object role_object(int64_t generation, const std::optional<AwsIamRoleStatus>& status) {
  std::string status_json = "{}";
  if (status) {
    kube::JsonAllocator allocator;
    status_json = kube::json::serialize(status_to_json(*status, allocator));
  }
  auto object = kube::Object::parse(
      R"({"apiVersion":"zalando.org/v1","kind":"AWSIAMRole","metadata":{"name":"app",)"
      R"("namespace":"demo","uid":"uid-1","generation":)" +
      std::to_string(generation) + R"(},"spec":{"roleReference":"team/app/my-role"},"status":)" +
      status_json + "}");
  EXPECT_TRUE(object.ok()) << object.status();
  return *object;
}

AwsIamRole parsed(const kube::Object& object) {
  auto role = parse_awsiamrole(object.json());
  EXPECT_TRUE(role.ok()) << role.status();
  return *role;
}

const aws::RoleArn& arn() {
  static const aws::RoleArn kArn =
      *aws::RoleArn::parse("arn:aws:iam::123456789012:role/team/app/my-role");
  return kArn;
}

// The status after credentials expiring at `expiration` were written for the
// role at `generation`.
AwsIamRoleStatus issued(int64_t generation, absl::Time expiration) {
  return issued_status(parsed(role_object(generation, std::nullopt)), arn(), expiration,
                       kAt - absl::Minutes(5), RefreshPolicy{});
}

TEST(UrgencyTest, ARoleNeverIssuedLacksCredentials) {
  EXPECT_TRUE(role_lacks_credentials(role_view(role_object(1, std::nullopt)), kAt));
}

TEST(UrgencyTest, ARoleWithValidCredentialsForItsSpecDoesNot) {
  EXPECT_FALSE(
      role_lacks_credentials(role_view(role_object(1, issued(1, kAt + absl::Hours(1)))), kAt));
}

TEST(UrgencyTest, ARoleWhoseSpecChangedSinceOrWhoseCredentialsExpiredLacksThem) {
  EXPECT_TRUE(
      role_lacks_credentials(role_view(role_object(2, issued(1, kAt + absl::Hours(1)))), kAt));
  EXPECT_TRUE(role_lacks_credentials(role_view(role_object(1, issued(1, kAt))), kAt));
}

TEST(UrgencyTest, AFailedRefreshKeepsTheRoleServedWhileItsCredentialsAreValid) {
  const kube::Object served = role_object(1, issued(1, kAt + absl::Hours(1)));
  const AwsIamRoleStatus failed =
      failed_status(parsed(served), kReasonGetCredentialsFailed, "AccessDenied", kAt);
  EXPECT_FALSE(role_lacks_credentials(role_view(role_object(1, failed)), kAt));
  EXPECT_TRUE(role_lacks_credentials(role_view(role_object(1, failed)), kAt + absl::Hours(1)));
}

kube::Object secret_expiring(absl::Time expiration) {
  RoleCredentials credentials{.role_arn = arn().str(),
                              .access_key_id = "ASIAEXAMPLE",
                              .secret_access_key = util::SecretString("secret"),
                              .session_token = util::SecretString("token"),
                              .expiration = expiration};
  kube::SecretBuilder builder("demo", "app");
  for (const auto& [key, value] : render_secret_data(credentials, 1, kDefaultMountPath)) {
    builder.data(key, value);
  }
  return std::move(builder).build();
}

TEST(UrgencyTest, ASecretLacksCredentialsWhenItsExpireIsPastOrMissing) {
  const absl::Time expiration = absl::FromUnixSeconds(absl::ToUnixSeconds(kAt + absl::Hours(1)));
  const kube::Object secret = secret_expiring(expiration);
  EXPECT_EQ(secret_view(secret).data.expire, expiration);
  EXPECT_FALSE(secret_lacks_credentials(secret_view(secret), kAt));
  EXPECT_TRUE(secret_lacks_credentials(secret_view(secret), expiration));
  const kube::Object foreign =
      kube::SecretBuilder("demo", "app").data("other", util::SecretString("x")).build();
  EXPECT_FALSE(secret_view(foreign).data.expire);
  EXPECT_TRUE(secret_lacks_credentials(secret_view(foreign), kAt));
}

}  // namespace
}  // namespace controller
