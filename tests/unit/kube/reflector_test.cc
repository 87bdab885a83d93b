// The reflector alone, against a scripted ListerWatcher (no HTTP, no
// apiserver): what it asks for, when it lists again and when it only resumes
// the watch, and how it waits after failures (on a fake clock).
#include "pkg/kube/reflector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <thread>

#include "pkg/util/strings.h"
#include "tests/support/util/fake_clock.h"
#include "tests/unit/kube/test_util.h"

namespace kube {
namespace {

using ::testing::ElementsAre;

Object secret_at(std::string_view name, std::string_view resource_version) {
  Object object = test::secret("n", name);
  object.set_resource_version(resource_version);
  return object;
}

WatchEvent bookmark(std::string_view resource_version) {
  Object object;
  object.set_resource_version(resource_version);
  return {WatchEventType::kBookmark, std::move(object)};
}

// In which order the source answered lists and the sink received objects.
class Journal {
 public:
  void add(std::string line) {
    util::MutexLock lock(mu_);
    lines_.push_back(std::move(line));
  }
  std::vector<std::string> lines() const {
    util::MutexLock lock(mu_);
    return lines_;
  }

 private:
  mutable util::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

// Answers lists and watches from a script, in order, and records what was
// asked. With its watch script used up, a watch stays open until stopped.
class ScriptedListerWatcher final : public ListerWatcher {
 public:
  explicit ScriptedListerWatcher(Journal& journal) : journal_(journal) {}

  struct Watch {
    std::vector<WatchEvent> events;
    util::Status end;  // how the watch ends after its events
  };

  void push_list(util::StatusOr<ObjectList> page) {
    util::MutexLock lock(mu_);
    lists_.push_back(std::move(page));
  }
  void push_watch(Watch watch) {
    util::MutexLock lock(mu_);
    watches_.push_back(std::move(watch));
  }

  util::StatusOr<ListMeta> list(const ListOptions& options,
                                const ObjectCallback& on_object) override {
    util::StatusOr<ObjectList> page = util::unavailable_error("no list scripted");
    {
      util::MutexLock lock(mu_);
      list_calls_.push_back(options);
      changed_.notify_all();
      if (!lists_.empty()) {
        page = std::move(lists_.front());
        lists_.pop_front();
      }
    }
    journal_.add("list");
    if (!page.ok()) return page.status();
    for (Object& object : page->items)
      on_object(std::move(object));
    return ListMeta{.resource_version = page->resource_version,
                    .continue_token = page->continue_token};
  }

  util::Status watch(const WatchOptions& options, const WatchCallback& on_event,
                     std::stop_token stop) override {
    Watch script;
    {
      util::MutexLock lock(mu_);
      watch_calls_.push_back(options);
      changed_.notify_all();
      if (watches_.empty()) {
        changed_.wait(mu_, stop, [] { return false; });  // until stopped
        return util::cancelled_error("stopped");
      }
      script = std::move(watches_.front());
      watches_.pop_front();
    }
    for (WatchEvent& event : script.events) {
      if (!on_event(std::move(event))) return util::ok_status();
    }
    return script.end;
  }

  // Blocks (bounded, in real time) until `n` watches were opened.
  bool await_watches(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    util::MutexLock lock(mu_);
    while (watch_calls_.size() < n) {
      if (changed_.wait_until(mu_, deadline) == std::cv_status::timeout) {
        return watch_calls_.size() >= n;
      }
    }
    return true;
  }
  std::vector<ListOptions> list_calls() const {
    util::MutexLock lock(mu_);
    return list_calls_;
  }
  std::vector<WatchOptions> watch_calls() const {
    util::MutexLock lock(mu_);
    return watch_calls_;
  }

 private:
  Journal& journal_;
  mutable util::Mutex mu_;
  // _any: the scripted watch waits for its stop token too.
  std::condition_variable_any changed_;
  std::deque<util::StatusOr<ObjectList>> lists_ ABSL_GUARDED_BY(mu_);
  std::deque<Watch> watches_ ABSL_GUARDED_BY(mu_);
  std::vector<ListOptions> list_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<WatchOptions> watch_calls_ ABSL_GUARDED_BY(mu_);
};

// What reached the sink, as "replace a@1 b@2" (a list's objects, once it is
// complete) / "ADDED c@3" lines; each listed object also in the journal.
class RecordingSink final : public ReflectorSink {
 public:
  explicit RecordingSink(Journal& journal) : journal_(journal) {}

  void list_started() override {
    util::MutexLock lock(mu_);
    listing_ = "replace";
  }
  void list_object(Object object) override {
    const std::string name = util::cat(object.name(), "@", object.resource_version());
    journal_.add(name);
    util::MutexLock lock(mu_);
    listing_ += util::cat(" ", name);
  }
  void list_complete() override {
    util::MutexLock lock(mu_);
    lines_.push_back(std::move(listing_));
  }
  void apply(WatchEventType type, Object object) override {
    record(
        util::cat(watch_event_type_name(type), " ", object.name(), "@", object.resource_version()));
  }
  std::vector<std::string> lines() const {
    util::MutexLock lock(mu_);
    return lines_;
  }

 private:
  void record(std::string line) {
    util::MutexLock lock(mu_);
    lines_.push_back(std::move(line));
  }
  Journal& journal_;
  mutable util::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  std::string listing_ ABSL_GUARDED_BY(mu_);
};

class ReflectorTest : public ::testing::Test {
 protected:
  ~ReflectorTest() override { stop(); }

  void start(ReflectorOptions options = {}) {
    reflector_ = std::make_unique<Reflector>(source_, sink_, clock_, std::move(options));
    thread_ = std::jthread([this](std::stop_token stop) { reflector_->run(std::move(stop)); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
  }

  Journal journal_;
  ScriptedListerWatcher source_{journal_};
  RecordingSink sink_{journal_};
  util::testing::FakeClock clock_;
  std::unique_ptr<Reflector> reflector_;
  std::jthread thread_;
};

TEST_F(ReflectorTest, ObjectsReachTheSinkAsListedAndTheWatchStartsWhereTheListEnded) {
  source_.push_list(ObjectList{
      .items = {secret_at("a", "5")}, .resource_version = "9", .continue_token = "page2"});
  source_.push_list(ObjectList{.items = {secret_at("b", "7")}, .resource_version = "9"});
  start({.label_selector = "type=x", .field_selector = "metadata.name=a", .page_size = 1});
  ASSERT_TRUE(source_.await_watches(1));
  stop();

  EXPECT_THAT(sink_.lines(), ElementsAre("replace a@5 b@7"));
  // Each object before the next page is asked for: never the whole list at once.
  EXPECT_THAT(journal_.lines(), ElementsAre("list", "a@5", "list", "b@7"));
  const std::vector<ListOptions> lists = source_.list_calls();
  ASSERT_EQ(lists.size(), 2u);
  EXPECT_EQ(lists[0].limit, 1);
  EXPECT_EQ(lists[0].label_selector, "type=x");
  EXPECT_EQ(lists[0].continue_token, "");
  EXPECT_EQ(lists[1].continue_token, "page2");
  const WatchOptions watch = source_.watch_calls().at(0);
  EXPECT_EQ(watch.resource_version, "9");
  EXPECT_EQ(watch.label_selector, "type=x");
  EXPECT_EQ(watch.field_selector, "metadata.name=a");
  EXPECT_TRUE(watch.allow_watch_bookmarks);
  EXPECT_GE(watch.timeout_seconds, 300);  // [5 min, 10 min], spread
  EXPECT_LE(watch.timeout_seconds, 600);
}

TEST_F(ReflectorTest, AnExpiredContinueTokenStartsTheListOverOnce) {
  source_.push_list(ObjectList{
      .items = {secret_at("a", "5")}, .resource_version = "9", .continue_token = "page2"});
  source_.push_list(util::Status(util::StatusCode::kOutOfRange, "continue token expired"));
  source_.push_list(
      ObjectList{.items = {secret_at("a", "12"), secret_at("c", "11")}, .resource_version = "12"});
  start({.page_size = 1});
  ASSERT_TRUE(source_.await_watches(1));
  stop();

  EXPECT_THAT(sink_.lines(), ElementsAre("replace a@12 c@11"));  // nothing of the first try
  EXPECT_EQ(source_.list_calls().at(2).continue_token, "");
  EXPECT_EQ(reflector_->list_count(), 1);
}

TEST_F(ReflectorTest, AnEndedWatchResumesFromTheLastVersionSeenBookmarksIncluded) {
  source_.push_list(ObjectList{.items = {}, .resource_version = "10"});
  source_.push_watch({.events = {{WatchEventType::kAdded, secret_at("a", "11")}, bookmark("15")},
                      .end = util::ok_status()});  // the server's timeout
  start();
  ASSERT_TRUE(source_.await_watches(2));
  stop();

  EXPECT_THAT(sink_.lines(), ElementsAre("replace", "ADDED a@11"));  // no bookmark
  EXPECT_EQ(source_.watch_calls().at(1).resource_version, "15");
  EXPECT_EQ(source_.list_calls().size(), 1u);  // resumed, not relisted
  EXPECT_EQ(clock_.waiters(), 0u);             // and at once
}

TEST_F(ReflectorTest, GoneDuringTheWatchRelists) {
  source_.push_list(ObjectList{.items = {secret_at("a", "3")}, .resource_version = "10"});
  source_.push_watch({.events = {}, .end = util::Status(util::StatusCode::kOutOfRange, "too old")});
  source_.push_list(ObjectList{.items = {secret_at("b", "40")}, .resource_version = "41"});
  start();
  ASSERT_TRUE(source_.await_watches(2));
  stop();

  EXPECT_THAT(sink_.lines(), ElementsAre("replace a@3", "replace b@40"));
  EXPECT_EQ(source_.watch_calls().at(1).resource_version, "41");
  EXPECT_EQ(reflector_->list_count(), 2);
}

TEST_F(ReflectorTest, ADroppedWatchWaitsOutTheBackoffThenResumesWithoutRelisting) {
  source_.push_list(ObjectList{.items = {}, .resource_version = "10"});
  source_.push_watch({.events = {}, .end = util::unavailable_error("connection reset")});
  start({.backoff = {absl::Seconds(1), absl::Seconds(30), 2.0, 0.0}});
  ASSERT_TRUE(clock_.await_waiters(1));  // backing off: nothing asked meanwhile
  EXPECT_EQ(source_.watch_calls().size(), 1u);
  clock_.step(absl::Seconds(1));
  ASSERT_TRUE(source_.await_watches(2));
  stop();

  EXPECT_EQ(source_.watch_calls().at(1).resource_version, "10");
  EXPECT_EQ(source_.list_calls().size(), 1u);
}

TEST_F(ReflectorTest, FailedListsAndWatchesAreReportedAnExpiredWatchIsNot) {
  util::Mutex mu;
  std::vector<std::string> errors;
  source_.push_list(util::unavailable_error("connect timed out"));
  source_.push_list(ObjectList{.items = {}, .resource_version = "10"});
  source_.push_watch({.events = {}, .end = util::Status(util::StatusCode::kOutOfRange, "too old")});
  source_.push_list(ObjectList{.items = {}, .resource_version = "20"});
  source_.push_watch({.events = {}, .end = util::unavailable_error("connection reset")});
  start({.backoff = {absl::Seconds(1), absl::Seconds(30), 2.0, 0.0},
         .on_error = [&](const util::Status& error) {
           util::MutexLock lock(mu);
           errors.emplace_back(error.message());
         }});
  ASSERT_TRUE(clock_.await_waiters(1));  // after the failed list
  clock_.step(absl::Seconds(1));
  ASSERT_TRUE(source_.await_watches(2));
  ASSERT_TRUE(clock_.await_waiters(1));  // after the dropped watch
  stop();

  util::MutexLock lock(mu);
  EXPECT_THAT(errors, ElementsAre("connect timed out", "connection reset"));
}

TEST_F(ReflectorTest, StopEndsABackoffWait) {
  start();  // nothing scripted: every list fails, the reflector backs off
  ASSERT_TRUE(clock_.await_waiters(1));
  stop();  // returns although the clock never moves
  EXPECT_EQ(reflector_->list_count(), 0);
  EXPECT_TRUE(sink_.lines().empty());
}

}  // namespace
}  // namespace kube
