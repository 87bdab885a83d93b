// How the informer's cache packs objects: exactly the same object back, in a
// fraction of its JSON for objects of one kind.
#include "pkg/kube/object_packer.h"

#include "gtest/gtest.h"
#include "pkg/util/strings.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

Object role_secret(int i) {
  Object o = test::secret(util::cat("team-", i % 100), util::cat("app-", i));
  o.set_resource_version(util::cat(1000 + i));
  o.set_label("heritage", "kube-aws-iam-controller");
  o.set_label("type", "awsiamrole");
  o.set_annotation("kube-aws-iam-controller/issued-at",
                   util::cat("2026-12-03T08:", i % 60, ":00Z"));
  o.set_owner_references({{"zalando.org/v1", "AWSIAMRole", util::cat("app-", i),
                           util::cat("5f2b8c1e-0d4a-4f6e-9b3a-", 100000000000 + i), true, true}});
  json::set_string(json::ensure_object(o.mutable_json(), "data"), "role-arn",
                   util::cat("YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjpyb2xlL3RlYW0vYXBw", i));
  return o;
}

TEST(ObjectPackerTest, UnpacksExactlyWhatWasPacked) {
  ObjectPacker packer;
  const Object first = role_secret(1);
  const std::string packed_first(packer.pack(first).value());
  Object unusual = test::secret("other", "unlike-the-first");
  unusual.set_annotation("note", "ünïcode, \"quotes\", \\ and a\nnewline");
  json::set_int(unusual.mutable_json(), "replicas", -42);
  const std::string packed_unusual(packer.pack(unusual).value());
  EXPECT_EQ(packer.unpack(packed_first).value(), first);  // member order included
  EXPECT_EQ(packer.unpack(packed_unusual).value(), unusual);
}

TEST(ObjectPackerTest, ObjectsLikeTheFirstPackToAFractionOfTheirJson) {
  ObjectPacker packer;
  ASSERT_TRUE(packer.pack(role_secret(0)).ok());
  const Object similar = role_secret(4711);
  const size_t json_size = similar.to_json().size();
  const size_t packed_size = packer.pack(similar).value().size();
  EXPECT_LT(packed_size * 3, json_size) << packed_size << " of " << json_size << " bytes";
}

TEST(ObjectPackerTest, ObjectsLargerThanTheWindowRoundTrip) {
  ObjectPacker packer;
  ASSERT_TRUE(packer.pack(role_secret(0)).ok());
  Object large = role_secret(1);
  std::string value;
  for (int i = 0; i < 20000; ++i)
    value += static_cast<char>('a' + (i * 7919) % 26);
  large.set_annotation("large", value);
  const std::string packed(packer.pack(large).value());
  EXPECT_EQ(packer.unpack(packed).value(), large);
}

TEST(ObjectPackerTest, ALargeFirstObjectStillServesAsDictionary) {
  ObjectPacker packer;
  Object large = role_secret(0);
  large.set_annotation("large", std::string(100000, 'x'));
  const std::string packed_large(packer.pack(large).value());
  const Object small = role_secret(1);
  const std::string packed_small(packer.pack(small).value());
  EXPECT_EQ(packer.unpack(packed_large).value(), large);
  EXPECT_EQ(packer.unpack(packed_small).value(), small);
}

TEST(ObjectPackerTest, BytesItDidNotMakeAreAnInternalError) {
  ObjectPacker packer;
  EXPECT_EQ(packer.unpack("garbage").status().code(),
            util::StatusCode::kInternal);  // no dictionary yet
  ASSERT_TRUE(packer.pack(role_secret(0)).ok());
  std::string packed(packer.pack(role_secret(1)).value());
  EXPECT_EQ(packer.unpack(packed.substr(0, packed.size() / 2)).status().code(),
            util::StatusCode::kInternal);
  EXPECT_EQ(packer.unpack("ab").status().code(), util::StatusCode::kInternal);
}

}  // namespace
}  // namespace kube
