#include "controller/process/logging.h"

#include <gtest/gtest.h>

namespace controller {
namespace {

TEST(LoggingTest, JsonLineIsOneEscapedObject) {
  EXPECT_EQ(json_log_line("warning", "2026-11-23T16:44:56.000001Z", "reconciler.cc", 42,
                          "role \"a\"\nfailed\t\x01"),
            "{\"time\":\"2026-11-23T16:44:56.000001Z\",\"level\":\"warning\",\"caller\":"
            "\"reconciler.cc:42\",\"msg\":\"role \\\"a\\\"\\nfailed\\t\\u0001\"}");
}

}  // namespace
}  // namespace controller
