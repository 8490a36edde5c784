// Status and event text: one printable line of valid UTF-8, bounded on a character boundary;
// times in the API server's own form.

#include "operator/stack/status_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cop::stack {
namespace {

// nlohmann's dump() refuses invalid UTF-8, as the API server does.
bool validUtf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

TEST(stack_status_StatusText, OneLineTurnsBreaksAndControlsIntoSingleSpaces) {
  EXPECT_EQ(oneLine("  panic: boom\n\tat main.go:10\r\n\x01\x7f end  "),
            "panic: boom at main.go:10 end");
  EXPECT_EQ(oneLine("a\u2028b\u2029c\ufeffd\u0085e"), "a b c d e");
  EXPECT_EQ(oneLine("caf\u00e9 \u65e5\u672c"), "caf\u00e9 \u65e5\u672c");
  EXPECT_EQ(oneLine(""), "");
}

TEST(stack_status_StatusText, OneLineReplacesInvalidUtf8) {
  // A stray continuation byte, a truncated sequence, an overlong '/', a surrogate.
  const std::string out = oneLine("a\x80 b\xE6\x97 c\xC0\xAF d\xED\xA0\x80");
  EXPECT_TRUE(validUtf8(out));
  EXPECT_EQ(out.find('\x80'), std::string::npos);
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(out.substr(0, 1), "a");
}

TEST(stack_status_StatusText, BoundedKeepsShortTextAndCutsLongTextOnACharacter) {
  EXPECT_EQ(bounded("short", 10), "short");
  EXPECT_EQ(bounded("0123456789", 10), "0123456789");
  EXPECT_EQ(bounded("0123456789A", 10), "0123456...");
  // Each CJK character is 3 bytes: a cut inside one backs up to its first byte.
  const std::string cjk = "\u65e5\u65e5\u65e5\u65e5";  // 12 bytes
  const std::string cut = bounded(cjk, 10);
  EXPECT_LE(cut.size(), 10u);
  EXPECT_TRUE(validUtf8(cut));
  EXPECT_EQ(cut, "\u65e5\u65e5...");
  EXPECT_EQ(bounded("abcdef", 2), "..");
}

TEST(stack_status_StatusText, BoundedLineIsOneLineAndWithinBound) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "line \u00e9\u00e9\n";
  }
  const std::string line = boundedLine(text, 100);
  EXPECT_LE(line.size(), 100u);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_TRUE(validUtf8(line));
  EXPECT_TRUE(line.ends_with("..."));
}

TEST(stack_status_StatusText, CanonicalTimeIsUtcWholeSeconds) {
  EXPECT_EQ(canonicalTime("2026-05-01T10:00:00Z"), "2026-05-01T10:00:00Z");
  EXPECT_EQ(canonicalTime("2026-05-01t10:00:00.999999z"), "2026-05-01T10:00:00Z");
  EXPECT_EQ(canonicalTime("2026-05-01T12:30:00+02:30"), "2026-05-01T10:00:00Z");
  EXPECT_EQ(canonicalTime("2026-12-31T23:00:00-01:00"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(canonicalTime("2024-03-01T00:30:00+01:00"), "2024-02-29T23:30:00Z");
}

TEST(stack_status_StatusText, CanonicalTimeRefusesWhatIsNotRfc3339) {
  for (const char* text :
       {"", "now", "2026-05-01", "2026-05-01T10:00:00", "2026-13-01T10:00:00Z",
        "2026-02-30T10:00:00Z", "2026-05-01T24:00:00Z", "2026-05-01T10:00:60Z",
        "2026-05-01T10:00:00.Z", "2026-05-01T10:00:00+0200", "2026-05-01T10:00:00Zjunk",
        "2026-05-01 10:00:00Z", "20x6-05-01T10:00:00Z"}) {
    EXPECT_EQ(canonicalTime(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace cop::stack
