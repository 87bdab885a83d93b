// Read-your-writes over the informer's cache.
#include "pkg/kube/mutation_cache.h"

#include "gtest/gtest.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

ObjectPtr secret(std::string_view rv, std::string_view marker = {}) {
  Object o = test::secret("ns", "s");
  o.set_resource_version(rv);
  if (!marker.empty()) o.set_label("written-by", marker);
  return share(std::move(o));
}

TEST(MutationCacheTest, ServesTheCacheWhenNothingWasWritten) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  EXPECT_EQ(cache.get("ns/s"), nullptr);
  store.upsert(secret("5"));
  EXPECT_EQ(cache.get("ns/s")->resource_version(), "5");
}

TEST(MutationCacheTest, OwnWriteWinsUntilTheCacheCatchesUp) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  store.upsert(secret("5"));
  cache.record(secret("7", "us"));
  EXPECT_EQ(cache.get("ns/s")->label("written-by"), "us");  // the cache lags at 5
  store.upsert(secret("6"));
  EXPECT_EQ(cache.get("ns/s")->resource_version(), "7");
  store.upsert(secret("7"));
  EXPECT_EQ(cache.get("ns/s")->resource_version(), "7");
  EXPECT_EQ(cache.size(), 0u);  // caught up: the entry is gone
}

TEST(MutationCacheTest, AWriteOfANewObjectIsServedBeforeItIsCached) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  cache.record(secret("3", "us"));
  ASSERT_NE(cache.get("ns/s"), nullptr);
  EXPECT_EQ(cache.get("ns/s")->label("written-by"), "us");
}

TEST(MutationCacheTest, WithoutIncludeAddsOnlyCachedObjectsAreOverlaid) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/false);
  cache.record(secret("3", "us"));
  EXPECT_EQ(cache.get("ns/s"), nullptr);  // e.g. deleted since: the write does not revive it
  store.upsert(secret("2"));
  EXPECT_EQ(cache.get("ns/s")->label("written-by"), "us");
}

TEST(MutationCacheTest, IsOwnEchoTellsTheEchoOfOwnWritesFromOtherChanges) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  cache.record(secret("7", "us"));
  EXPECT_FALSE(cache.is_own_echo(*secret("6")));  // older: not caught up, entry kept
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.is_own_echo(*secret("7")));  // our own write coming back
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.is_own_echo(*secret("8")));  // nothing recorded: somebody else's

  cache.record(secret("9", "us"));
  EXPECT_FALSE(cache.is_own_echo(*secret("10")));  // somebody changed it after us
  EXPECT_EQ(cache.size(), 0u);
}

TEST(MutationCacheTest, AWriteTheCacheHasAlreadySeenIsNotKept) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  store.upsert(secret("5"));
  cache.record(secret("7", "us"));
  store.upsert(secret("8"));              // the watch was quicker than the next writer's answer
  cache.record(secret("8", "us again"));  // ... which holds what the cache already has
  EXPECT_EQ(cache.size(), 0u);            // nothing left to overlay, nothing kept
  EXPECT_EQ(cache.get("ns/s")->resource_version(), "8");
  EXPECT_FALSE(cache.get("ns/s")->label("written-by").has_value());
}

TEST(MutationCacheTest, ForgetServesTheCacheAgain) {
  Store<Object> store;
  MutationCache<Object> cache(store, /*include_adds=*/true);
  store.upsert(secret("5"));
  cache.record(secret("7", "us"));
  cache.forget("ns/s");
  EXPECT_EQ(cache.get("ns/s")->resource_version(), "5");
}

}  // namespace
}  // namespace kube
