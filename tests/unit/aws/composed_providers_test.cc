// The decorators: CachingProvider (refresh timing, single flight, stale-but-
// valid on failure) and ChainProvider (order, skipping, stickiness, messages).
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pkg/aws/providers/caching_provider.h"
#include "pkg/aws/providers/chain_provider.h"
#include "tests/support/aws/fake_credentials_provider.h"
#include "tests/support/util/fake_clock.h"

namespace aws {
namespace {

using testing::FakeCredentialsProvider;
using ::testing::HasSubstr;
using testing::test_credentials;
using util::StatusCode;

constexpr absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class CachingProviderTest : public ::testing::Test {
 protected:
  CachingProviderTest() {
    auto fake = std::make_unique<FakeCredentialsProvider>("source");
    fake_ = fake.get();
    cache_ = std::make_unique<CachingProvider>(std::move(fake), clock_);
  }

  // Whether `n` callers are waiting for the fetch in flight within 10 s of
  // real time (they block on the cache, which tells no one, so this looks).
  bool callers_wait(size_t n) const {
    util::RealClock real;
    const util::MonotonicTime deadline = real.monotonic_now() + absl::Seconds(10);
    while (cache_->waiting_callers() < n) {
      if (real.monotonic_now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  util::testing::FakeClock clock_{kStart};
  FakeCredentialsProvider* fake_;
  std::unique_ptr<CachingProvider> cache_;
};

TEST_F(CachingProviderTest, RefreshesFiveMinutesBeforeExpiration) {
  fake_->push(test_credentials("ONE", kStart + absl::Hours(1)));
  fake_->push(test_credentials("TWO", kStart + absl::Hours(2)));
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");
  clock_.step(absl::Minutes(54) + absl::Seconds(59));
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");
  EXPECT_EQ(fake_->calls(), 1);
  clock_.step(absl::Seconds(1));  // exactly 5 min before expiration
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDTWO");
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachingProviderTest, ConfigurableRefreshWindow) {
  auto fake = std::make_unique<FakeCredentialsProvider>();
  FakeCredentialsProvider* source = fake.get();
  CachingProvider cache(std::move(fake), clock_, {.refresh_early = absl::Minutes(20)});
  source->push(test_credentials("ONE", kStart + absl::Hours(1)));
  source->push(test_credentials("TWO", kStart + absl::Hours(2)));
  EXPECT_EQ(cache.credentials()->access_key_id, "AKIDONE");
  clock_.step(absl::Minutes(40));
  EXPECT_EQ(cache.credentials()->access_key_id, "AKIDTWO");
}

TEST_F(CachingProviderTest, CredentialsWithoutExpirationAreFetchedOnce) {
  fake_->set(test_credentials("STATIC"));
  EXPECT_TRUE(cache_->credentials().ok());
  clock_.step(absl::Hours(1000));
  EXPECT_TRUE(cache_->credentials().ok());
  EXPECT_EQ(fake_->calls(), 1);
  cache_->invalidate();
  EXPECT_TRUE(cache_->credentials().ok());
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachingProviderTest, KeepsServingValidCredentialsWhenRefreshFails) {
  fake_->push(test_credentials("ONE", kStart + absl::Hours(1)));
  fake_->set(util::unavailable_error("imds: connect failed"));
  ASSERT_TRUE(cache_->credentials().ok());
  clock_.step(absl::Minutes(56));  // inside the window: refresh fails, old ones still valid
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");
  EXPECT_EQ(fake_->calls(), 2);
  // Not retried on every call: at most every 30 s.
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");
  EXPECT_EQ(fake_->calls(), 2);
  clock_.step(absl::Seconds(30));
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");
  EXPECT_EQ(fake_->calls(), 3);
  // Expired and the source still fails: the error says both.
  clock_.step(absl::Minutes(4));
  const util::Status status = cache_->credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("imds: connect failed"));
  EXPECT_THAT(status.message(), HasSubstr("cached credentials from test ONE expired at"));
}

TEST_F(CachingProviderTest, RejectsAlreadyExpiredCredentials) {
  fake_->set(test_credentials("OLD", kStart - absl::Minutes(1)));
  const util::Status status = cache_->credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("credentials from test OLD expired at"));
}

TEST_F(CachingProviderTest, ShortLivedCredentialsAreNotRefetchedOnEveryCall) {
  // Valid for 2 more minutes, already inside the 5 min window.
  fake_->set(test_credentials("SHORT", kStart + absl::Minutes(2)));
  ASSERT_TRUE(cache_->credentials().ok());
  ASSERT_TRUE(cache_->credentials().ok());
  EXPECT_EQ(fake_->calls(), 1);
  clock_.step(absl::Seconds(30));
  ASSERT_TRUE(cache_->credentials().ok());
  EXPECT_EQ(fake_->calls(), 2);
}

TEST_F(CachingProviderTest, ConcurrentCallersShareOneFetch) {
  fake_->hold();
  fake_->set(test_credentials("SHARED", kStart + absl::Hours(1)));
  constexpr int kThreads = 16;
  std::vector<util::StatusOr<Credentials>> results(kThreads, util::unknown_error("not run"));
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([this, &results, i] { results[i] = cache_->credentials(); });
    }
    ASSERT_TRUE(fake_->await_calls(1));
    ASSERT_TRUE(callers_wait(kThreads - 1));
    fake_->release();
  }
  EXPECT_EQ(fake_->calls(), 1);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->access_key_id, "AKIDSHARED");
  }
}

TEST_F(CachingProviderTest, ConcurrentCallersShareOneFailure) {
  fake_->hold();
  fake_->push(util::permission_denied_error("AccessDenied: no"));
  fake_->set(test_credentials("LATER", kStart + absl::Hours(1)));
  constexpr int kThreads = 8;
  std::vector<util::StatusOr<Credentials>> results(kThreads, util::unknown_error("not run"));
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([this, &results, i] { results[i] = cache_->credentials(); });
    }
    ASSERT_TRUE(fake_->await_calls(1));
    ASSERT_TRUE(callers_wait(kThreads - 1));
    fake_->release();
  }
  // Every caller got the one fetch's answer; none started its own fetch.
  EXPECT_EQ(fake_->calls(), 1);
  for (const auto& r : results)
    EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(CachingProviderTest, ValidCredentialsAreServedDuringARefresh) {
  fake_->push(test_credentials("ONE", kStart + absl::Hours(1)));
  ASSERT_TRUE(cache_->credentials().ok());
  clock_.step(absl::Minutes(56));
  fake_->hold();
  fake_->set(test_credentials("TWO", kStart + absl::Hours(2)));
  std::jthread refresher([this] { EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDTWO"); });
  ASSERT_TRUE(fake_->await_calls(2));
  EXPECT_EQ(cache_->credentials()->access_key_id, "AKIDONE");  // not blocked by the refresh
  fake_->release();
}

TEST(ChainProviderTest, FirstConfiguredSourceWinsAndSticks) {
  auto env = std::make_unique<FakeCredentialsProvider>("environment");
  auto files = std::make_unique<FakeCredentialsProvider>("shared files");
  auto imds = std::make_unique<FakeCredentialsProvider>("imds");
  FakeCredentialsProvider* env_p = env.get();
  FakeCredentialsProvider* files_p = files.get();
  FakeCredentialsProvider* imds_p = imds.get();
  env->set(util::not_found_error("AWS_ACCESS_KEY_ID not set"));
  files->push(test_credentials("FILES"));
  files->set(util::unavailable_error("credential_process exited with status 1"));
  imds->set(test_credentials("IMDS"));
  std::vector<CredentialsProviderPtr> sources;
  sources.push_back(std::move(env));
  sources.push_back(std::move(files));
  sources.push_back(std::move(imds));
  ChainProvider chain(std::move(sources));

  EXPECT_EQ(chain.credentials()->access_key_id, "AKIDFILES");
  EXPECT_EQ(chain.chosen(), "shared files");
  // The chosen source fails later: no silent switch to IMDS.
  const util::Status status = chain.credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "shared files: credential_process exited with status 1");
  EXPECT_EQ(env_p->calls(), 1);
  EXPECT_EQ(files_p->calls(), 2);
  EXPECT_EQ(imds_p->calls(), 0);
}

TEST(ChainProviderTest, ExplainsEverySourceTried) {
  std::vector<CredentialsProviderPtr> sources;
  for (auto [name, status] :
       {std::pair{"environment", util::not_found_error("AWS_ACCESS_KEY_ID not set")},
        std::pair{"shared files",
                  util::not_found_error("neither ~/.aws/credentials nor ~/.aws/config exists")},
        std::pair{"imds", util::unavailable_error("connect to 169.254.169.254:80 failed")}}) {
    auto p = std::make_unique<FakeCredentialsProvider>(name);
    p->set(status);
    sources.push_back(std::move(p));
  }
  ChainProvider chain(std::move(sources));
  const util::Status status = chain.credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "no credentials: environment: AWS_ACCESS_KEY_ID not set; shared files: neither "
            "~/.aws/credentials nor ~/.aws/config exists; imds: connect to 169.254.169.254:80 "
            "failed");
  EXPECT_EQ(chain.chosen(), "");
}

TEST(ChainProviderTest, StopsAtAConfiguredSourceThatFails) {
  auto web = std::make_unique<FakeCredentialsProvider>("web identity");
  auto imds = std::make_unique<FakeCredentialsProvider>("imds");
  FakeCredentialsProvider* imds_p = imds.get();
  web->set(util::failed_precondition_error("cannot read web identity token file /t: No such file"));
  imds->set(test_credentials("IMDS"));
  std::vector<CredentialsProviderPtr> sources;
  sources.push_back(std::move(web));
  sources.push_back(std::move(imds));
  ChainProvider chain(std::move(sources));
  const util::Status status = chain.credentials().status();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("no credentials: web identity: cannot read"));
  EXPECT_EQ(imds_p->calls(), 0);
}

TEST(ChainProviderTest, NothingConfigured) {
  auto only = std::make_unique<FakeCredentialsProvider>("environment");
  only->set(util::not_found_error("AWS_ACCESS_KEY_ID not set"));
  std::vector<CredentialsProviderPtr> sources;
  sources.push_back(std::move(only));
  ChainProvider chain(std::move(sources));
  EXPECT_EQ(chain.credentials().status(),
            util::not_found_error("no credentials: environment: AWS_ACCESS_KEY_ID not set"));
}

TEST(CredentialsTest, StreamsWithoutSecrets) {
  Credentials c = test_credentials("ABCD1234", absl::FromUnixSeconds(1767323045));
  std::ostringstream os;
  os << c;
  EXPECT_EQ(os.str(),
            "Credentials{key id ...1234, session token: yes, expires 2026-01-02T03:04:05Z, "
            "source test ABCD1234}");
  EXPECT_EQ(redact_key_id("ABC"), "...");
}

}  // namespace
}  // namespace aws
