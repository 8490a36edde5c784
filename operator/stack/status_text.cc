#include "operator/stack/status_text.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "operator/common/utf8.h"

namespace cop::stack {
namespace {

// U+FFFD REPLACEMENT CHARACTER, what a JSON encoder (Go's included) writes for invalid bytes.
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Characters that would break the line or are invisible noise in a one-line message.
bool isBlank(char32_t c) {
  return c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         c == 0xFEFF;
}

// Parses exactly `width` decimal digits at text[pos].
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::string oneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pendingSpace = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = decodeUtf8(text, pos);
    if (c.valid && isBlank(c.value)) {
      pendingSpace = !out.empty();
    } else {
      if (pendingSpace) {
        out += ' ';
        pendingSpace = false;
      }
      if (!c.valid) {
        out += kReplacementCharacter;
      } else {
        out.append(text.substr(pos, c.length));
      }
    }
    pos += c.length;
  }
  return out;
}

std::string bounded(std::string text, std::size_t maxBytes) {
  if (text.size() <= maxBytes) {
    return text;
  }
  if (maxBytes < kCutMarker.size()) {
    return std::string(kCutMarker.substr(0, maxBytes));
  }
  std::size_t cut = maxBytes - kCutMarker.size();
  // Back up to the first byte of a character: continuation bytes are 10xxxxxx.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  text.resize(cut);
  // A cut right after a space would leave "word ...": drop the dangling space.
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  text += kCutMarker;
  return text;
}

std::optional<std::string> canonicalTime(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), RFC 3339 §5.6.
  constexpr std::size_t kSecondsEnd = 19;
  if (text.size() < kSecondsEnd + 1 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  std::size_t pos = kSecondsEnd;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == first) {
      return std::nullopt;
    }
  }
  int offsetMinutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const auto offsetHour = digits(text, pos + 1, 2);
    const auto offsetMinute = digits(text, pos + 4, 2);
    if (!offsetHour || !offsetMinute || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        *offsetHour > 23 || *offsetMinute > 59) {
      return std::nullopt;
    }
    offsetMinutes = (*offsetHour * 60 + *offsetMinute) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }

  using namespace std::chrono;
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{unsigned(*month)},
                            std::chrono::day{unsigned(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  // Local time minus its offset is UTC.
  const sys_seconds utc =
      sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second} - minutes{offsetMinutes};
  const sys_days utcDay = floor<days>(utc);
  const year_month_day utcDate{utcDay};
  const hh_mm_ss<seconds> utcTime{utc - utcDay};
  const int utcYear = static_cast<int>(utcDate.year());
  if (utcYear < 0 || utcYear > 9999) {
    return std::nullopt;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02dZ", utcYear,
                static_cast<unsigned>(utcDate.month()), static_cast<unsigned>(utcDate.day()),
                static_cast<int>(utcTime.hours().count()),
                static_cast<int>(utcTime.minutes().count()),
                static_cast<int>(utcTime.seconds().count()));
  return std::string(buffer);
}

}  // namespace cop::stack
