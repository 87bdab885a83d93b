// The log lines as a log pipeline reads them: glog's text format and one JSON
// object per line, each message one whole line on stderr.
#include "pkg/util/log.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace util::log {
namespace {

using ::testing::MatchesRegex;

TEST(LogTest, JsonLineIsOneEscapedObject) {
  EXPECT_EQ(json_line("warning", "2026-11-23T16:44:56.000001Z", "reconciler.cc", 42,
                      "role \"a\"\nfailed\t\x01"),
            "{\"time\":\"2026-11-23T16:44:56.000001Z\",\"level\":\"warning\",\"caller\":"
            "\"reconciler.cc:42\",\"msg\":\"role \\\"a\\\"\\nfailed\\t\\u0001\"}");
}

TEST(LogTest, TextLineIsGlogsFormatInUtc) {
  // 2026-12-07T08:26:07.049107Z
  EXPECT_EQ(text_line(Severity::kInfo, 1796631967049107, 16890, "main.cc", 578, "started"),
            "I20261207 08:26:07.049107 16890 main.cc:578] started");
  EXPECT_EQ(text_line(Severity::kWarning, 1796631967000000, 7, "a.cc", 1, "x"),
            "W20261207 08:26:07.000000     7 a.cc:1] x");
  EXPECT_EQ(text_line(Severity::kError, 0, 1, "a.cc", 1, ""),
            "E19700101 00:00:00.000000     1 a.cc:1] ");
}

// What the statements write to stderr, captured through a pipe.
class LogStatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(pipe2(pipe_, O_NONBLOCK), 0);
    saved_stderr_ = dup(STDERR_FILENO);
    ASSERT_GE(saved_stderr_, 0);
    ASSERT_GE(dup2(pipe_[1], STDERR_FILENO), 0);
  }
  void TearDown() override {
    dup2(saved_stderr_, STDERR_FILENO);
    close(saved_stderr_);
    close(pipe_[0]);
    close(pipe_[1]);
    configure({});
  }
  std::string written() {
    std::string out;
    char buf[4096];
    ssize_t n = 0;
    while ((n = read(pipe_[0], buf, sizeof(buf))) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }

  int pipe_[2] = {-1, -1};
  int saved_stderr_ = -1;
};

TEST_F(LogStatementTest, EachMessageIsOneLine) {
  configure({});
  LOG(INFO) << "issued " << 3 << " roles";
  LOG(WARNING) << "ends with its own newline\n";
  EXPECT_THAT(written(),
              MatchesRegex("I[0-9]{8} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6} +[0-9]+ "
                           "log_test\\.cc:[0-9]+\\] issued 3 roles\n"
                           "W[0-9]{8} [0-9:.]{15} +[0-9]+ log_test\\.cc:[0-9]+\\] ends with its "
                           "own newline\n"));
}

TEST_F(LogStatementTest, JsonFormatWritesOneObjectPerLine) {
  configure({.format = Format::kJson});
  LOG(ERROR) << "failed: \"x\"";
  EXPECT_THAT(written(), MatchesRegex("\\{\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{15}Z\","
                                      "\"level\":\"error\",\"caller\":\"log_test\\.cc:[0-9]+\","
                                      "\"msg\":\"failed: \\\\\"x\\\\\"\"\\}\n"));
}

TEST_F(LogStatementTest, DisabledStatementsWriteAndEvaluateNothing) {
  int evaluated = 0;
  auto count = [&] { return ++evaluated; };
  configure({.min_severity = Severity::kWarning});
  LOG(INFO) << count();
  VLOG(1) << count();
  LOG(WARNING) << "kept " << count();
  configure({.verbosity = 1});
  VLOG(2) << count();
  VLOG(1) << "verbose " << count();
  const std::string out = written();
  EXPECT_EQ(evaluated, 2);
  EXPECT_THAT(out, MatchesRegex("W[^\n]*\\] kept 1\nI[^\n]*\\] verbose 2\n"));
}

}  // namespace
}  // namespace util::log
