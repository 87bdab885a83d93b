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
  Store<Object> store;
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

TEST(StoreTest, KeepsEveryFieldAndHandsOutTheImmutableViewItself) {
  Store<Object> store;
  Object object = test::secret("ns", "app");
  object.set_owner_references({{"zalando.org/v1", "AWSIAMRole", "app", "uid-1", true, true}});
  object.set_annotation("note", "ünïcode \"quoted\"");
  json::set_int(object.mutable_json(), "replicas", 42);
  store.upsert(share(Object(object)));
  const ObjectPtr first = store.get("ns/app");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, object);              // JSON-equal, member order included
  EXPECT_EQ(store.get("ns/app"), first);  // no copy: a reference count
  store.upsert(secret("ns", "app", "9"));
  EXPECT_EQ(*first, object) << "a view handed out stays as it was";
}

std::vector<std::string> owner_uids(const Object& o) {
  std::vector<std::string> out;
  for (const OwnerReference& ref : o.owner_references()) {
    if (!ref.uid.empty()) out.push_back(ref.uid);
  }
  return out;
}

std::vector<std::string> type_label(const Object& o) {
  std::vector<std::string> out;
  if (auto value = o.label("type")) out.emplace_back(*value);
  return out;
}

TEST(StoreTest, IndexersFollowUpdatesAndRemovals) {
  Store<Object> store;
  ASSERT_TRUE(store.add_indexer("owner", owner_uids).ok());
  store.upsert(secret("a", "x", "1", "uid-1", "awsiamrole"));
  store.upsert(secret("a", "y", "2", "uid-2"));
  ASSERT_TRUE(store.add_indexer("type", type_label).ok());  // indexes existing ones
  EXPECT_EQ(store.add_indexer("owner", owner_uids).code(), util::StatusCode::kAlreadyExists);
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

// Views of any type: what the controller's informers keep.
struct Reading {
  std::string ns;
  std::string name;
  std::string rv;
  int value = 0;
  std::string key() const { return object_key(ns, name); }
  std::string_view resource_version() const { return rv; }
};

TEST(StoreTest, TypedViewsAreVisitedInKeyOrderAndListedByNamespace) {
  Store<Reading> store;
  store.upsert(std::make_shared<const Reading>(Reading{"b", "x", "1", 5}));
  store.upsert(std::make_shared<const Reading>(Reading{"a", "y", "2", 7}));
  store.upsert(std::make_shared<const Reading>(Reading{"a", "x", "3", 11}));
  std::vector<std::string> visited;
  int sum = 0;
  store.for_each([&](const Reading& r) {
    visited.push_back(r.key());
    sum += r.value;
  });
  EXPECT_THAT(visited, ElementsAre("a/x", "a/y", "b/x"));
  EXPECT_EQ(sum, 23);
  EXPECT_EQ(store.list_by_namespace("a").size(), 2u);
  EXPECT_EQ(store.remove("a/x")->value, 11);
  EXPECT_EQ(store.list_by_namespace("a").size(), 1u);
  // Namespaces whose names begin alike stay apart.
  store.upsert(std::make_shared<const Reading>(Reading{"a-b", "x", "4", 1}));
  store.upsert(std::make_shared<const Reading>(Reading{"ab", "x", "5", 1}));
  store.upsert(std::make_shared<const Reading>(Reading{"", "a", "6", 1}));  // cluster-scoped
  ASSERT_EQ(store.list_by_namespace("a").size(), 1u);
  EXPECT_EQ(store.list_by_namespace("a")[0]->key(), "a/y");
  EXPECT_EQ(store.list_by_namespace("a-b").size(), 1u);
}

}  // namespace
}  // namespace kube
