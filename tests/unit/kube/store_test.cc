// The informer's indexed cache.
#include "pkg/kube/store.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ObjectPtr secret(std::string_view ns, std::string_view name, std::string_view rv,
                 std::string_view owner_uid = {}, std::string_view type_label = {}) {
  Object o = test::secret(ns, name);
  o.set_resource_version(rv);
  if (!owner_uid.empty())
    o.set_owner_references({{"zalando.org/v1", "AWSIAMRole", name.data(), std::string(owner_uid)}});
  if (!type_label.empty()) o.set_label("type", type_label);
  return share(std::move(o));
}

std::vector<std::string> keys(const std::vector<ObjectPtr>& objects) {
  std::vector<std::string> out;
  for (const ObjectPtr& o : objects)
    out.push_back(o->key() + "@" + std::string(o->resource_version()));
  return out;
}

TEST(StoreTest, GetListAndListByNamespace) {
  Store store;
  EXPECT_EQ(store.upsert(secret("b", "x", "1")), nullptr);
  store.upsert(secret("a", "y", "2"));
  store.upsert(secret("a", "x", "3"));
  const ObjectPtr previous = store.upsert(secret("a", "x", "4"));
  ASSERT_NE(previous, nullptr);
  EXPECT_EQ(previous->resource_version(), "3");
  EXPECT_EQ(store.get("a/x")->resource_version(), "4");
  EXPECT_EQ(store.get("a/z"), nullptr);
  EXPECT_THAT(keys(store.list()), ElementsAre("a/x@4", "a/y@2", "b/x@1"));
  EXPECT_THAT(keys(store.list_by_namespace("a")), ElementsAre("a/x@4", "a/y@2"));
  EXPECT_THAT(store.keys(), ElementsAre("a/x", "a/y", "b/x"));
  EXPECT_EQ(store.remove("a/y")->resource_version(), "2");
  EXPECT_EQ(store.remove("a/y"), nullptr);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_THAT(store.list_by_namespace("c"), IsEmpty());
}

TEST(StoreTest, KeepsEveryFieldAndHandsOutIndependentCopies) {
  Store store;
  Object object = test::secret("ns", "app");
  object.set_owner_references({{"zalando.org/v1", "AWSIAMRole", "app", "uid-1", true, true}});
  object.set_annotation("note", "ünïcode \"quoted\"");
  json::set_int(object.mutable_json(), "replicas", 42);
  store.upsert(share(Object(object)));
  const ObjectPtr first = store.get("ns/app");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, object);  // JSON-equal, member order included
  EXPECT_NE(store.get("ns/app"), first);
}

TEST(StoreTest, IndexersFollowUpdatesAndRemovals) {
  Store store;
  ASSERT_TRUE(store.add_indexer("owner", index_by_owner_uid()).ok());
  store.upsert(secret("a", "x", "1", "uid-1", "awsiamrole"));
  store.upsert(secret("a", "y", "2", "uid-2"));
  ASSERT_TRUE(store.add_indexer("type", index_by_label("type")).ok());  // indexes existing ones
  EXPECT_EQ(store.add_indexer("owner", index_by_owner_uid()).code(),
            util::StatusCode::kAlreadyExists);
  EXPECT_THAT(keys(store.by_index("owner", "uid-1").value()), ElementsAre("a/x@1"));
  EXPECT_THAT(keys(store.by_index("type", "awsiamrole").value()), ElementsAre("a/x@1"));
  store.upsert(secret("a", "x", "3", "uid-2"));  // owner changed, label gone
  EXPECT_THAT(store.by_index("owner", "uid-1").value(), IsEmpty());
  EXPECT_THAT(keys(store.by_index("owner", "uid-2").value()), ElementsAre("a/x@3", "a/y@2"));
  EXPECT_THAT(store.by_index("type", "awsiamrole").value(), IsEmpty());
  store.remove("a/y");
  EXPECT_THAT(keys(store.by_index("owner", "uid-2").value()), ElementsAre("a/x@3"));
  EXPECT_EQ(store.by_index("nope", "x").status().code(), util::StatusCode::kNotFound);
}

TEST(StoreTest, CountsAndEntriesComeFromTheIndexAlone) {
  Store store;
  ASSERT_TRUE(store.add_indexer("owner", index_by_owner_uid()).ok());
  store.upsert(secret("b", "x", "1", "uid-2"));
  store.upsert(secret("a", "y", "2", "uid-1"));
  store.upsert(secret("a", "z", "3", "uid-2"));
  store.upsert(secret("a", "w", "4"));  // no owner: not in the index
  EXPECT_EQ(store.count_by_index("owner", "uid-2").value(), 2u);
  EXPECT_EQ(store.count_by_index("owner", "uid-9").value(), 0u);
  EXPECT_THAT(store.index_entries("owner").value(),
              ElementsAre(std::pair<std::string, std::string>{"uid-1", "a/y"},
                          std::pair<std::string, std::string>{"uid-2", "a/z"},
                          std::pair<std::string, std::string>{"uid-2", "b/x"}));
  store.remove("a/z");
  EXPECT_EQ(store.count_by_index("owner", "uid-2").value(), 1u);
  EXPECT_EQ(store.count_by_index("nope", "x").status().code(), util::StatusCode::kNotFound);
  EXPECT_EQ(store.index_entries("nope").status().code(), util::StatusCode::kNotFound);
}

TEST(StoreTest, ReplaceReportsExactlyWhatChanged) {
  Store store;
  ASSERT_TRUE(store.add_indexer("owner", index_by_owner_uid()).ok());
  store.upsert(secret("n", "kept", "1"));
  store.upsert(secret("n", "changed", "2", "uid-old"));
  store.upsert(secret("n", "gone", "3", "uid-gone"));
  const ObjectPtr kept = store.get("n/kept");
  const Store::Diff diff = store.replace(
      {secret("n", "kept", "1"), secret("n", "changed", "5", "uid-new"), secret("n", "new", "6")});
  EXPECT_THAT(keys(diff.added), ElementsAre("n/new@6"));
  ASSERT_EQ(diff.updated.size(), 1u);
  EXPECT_EQ(diff.updated[0].first->resource_version(), "2");
  EXPECT_EQ(diff.updated[0].second->resource_version(), "5");
  EXPECT_THAT(keys(diff.removed), ElementsAre("n/gone@3"));
  EXPECT_EQ(*store.get("n/kept"), *kept);
  EXPECT_THAT(keys(store.list()), ElementsAre("n/changed@5", "n/kept@1", "n/new@6"));
  EXPECT_THAT(store.by_index("owner", "uid-gone").value(), IsEmpty());
  EXPECT_THAT(store.by_index("owner", "uid-old").value(), IsEmpty());
  EXPECT_THAT(keys(store.by_index("owner", "uid-new").value()), ElementsAre("n/changed@5"));
}

}  // namespace
}  // namespace kube
