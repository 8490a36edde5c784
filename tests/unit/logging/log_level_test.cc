#include "operator/logging/log_level.h"

#include <gtest/gtest.h>

namespace cop::logging {
namespace {

TEST(ParseLogLevel, NamesAndVerbosities) {
  EXPECT_EQ(*parseLogLevel("debug"), kDebugLevel);
  EXPECT_EQ(*parseLogLevel("info"), kInfoLevel);
  EXPECT_EQ(*parseLogLevel("warn"), kWarnLevel);
  EXPECT_EQ(*parseLogLevel("error"), kErrorLevel);
  EXPECT_EQ(*parseLogLevel("0"), kInfoLevel);
  EXPECT_EQ(*parseLogLevel("1"), kDebugLevel);
  EXPECT_EQ(*parseLogLevel("4"), -4);
}

TEST(ParseLogLevel, RejectsOtherValues) {
  for (const char* bad : {"", "DEBUG", "verbose", "-1", "1.5", "4x", "128", "99999999999"}) {
    EXPECT_FALSE(parseLogLevel(bad)) << bad;
  }
}

TEST(LevelName, AsZapWritesIt) {
  EXPECT_EQ(levelName(kDebugLevel), "debug");
  EXPECT_EQ(levelName(kInfoLevel), "info");
  EXPECT_EQ(levelName(kWarnLevel), "warn");
  EXPECT_EQ(levelName(kErrorLevel), "error");
  EXPECT_EQ(levelName(-2), "Level(-2)");
}

}  // namespace
}  // namespace cop::logging
