#include "operator/load/scalar_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>

namespace cop::load {

namespace {

// Go's %v prints a float in exponent form below 1e-4 and from 1e21 on (fmt, verb 'v').
constexpr int kMinFixedExponent = -4;
constexpr int kMaxFixedExponent = 21;
// The longest YAML timestamp ("2001-12-14 21:59:43.123456789 +05:30" and a little slack): the
// regex below only ever sees short text.
constexpr std::size_t kMaxTimestampLength = 64;

std::optional<bool> plainBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  return std::nullopt;
}

// go-yaml reads an integer with Go's base-0 rules once underscores are dropped: 0x hex, 0o and
// a leading 0 octal, 0b binary, an optional sign.
std::optional<std::string> plainInteger(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') {
      digits += c;
    }
  }
  if (digits.empty()) {
    return std::nullopt;
  }
  bool negative = false;
  std::string_view body = digits;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) {
    return std::nullopt;
  }
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    body.remove_prefix(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
    base = 8;
    body.remove_prefix(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
    base = 2;
    body.remove_prefix(2);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8;
    body.remove_prefix(1);
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(body.data(), body.data() + body.size(), value, base);
  if (error != std::errc() || end != body.data() + body.size()) {
    return std::nullopt;
  }
  if (negative && value == 0) {
    return std::nullopt;  // "-0" is a float to go-yaml, printed "-0": see plainFloat
  }
  return (negative ? "-" : "") + std::to_string(value);
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, scanned by hand: values can be long
// (a regex engine that recurses per character would not survive a megabyte of digits).
bool looksLikeFloat(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&text, &i] {
    const std::size_t start = i;
    while (i < text.size() && isDigit(text[i])) {
      ++i;
    }
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    ++i;
  }
  const std::size_t whole = digits();
  std::size_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole == 0 && fraction == 0) {
    return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == text.size();
}

// A YAML float (YAML 1.2 core schema, as go-yaml accepts it), printed as Go's %v prints it.
std::optional<std::string> plainFloat(std::string_view text) {
  if (!looksLikeFloat(text)) {
    return std::nullopt;
  }
  std::string_view number = text;
  if (number.front() == '+') {
    number.remove_prefix(1);
  }
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || end != number.data() + number.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  std::array<char, 64> buffer{};
  // The shortest digits that read back as the same double, in scientific form, to learn the
  // exponent; then Go's choice between fixed and exponent form.
  auto scientific = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                  std::chars_format::scientific);
  std::string sci(buffer.data(), scientific.ptr);
  const std::size_t e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  if (value != 0 && (exponent < kMinFixedExponent || exponent >= kMaxFixedExponent)) {
    // Go writes at least two exponent digits: 1e+21, 1e-05.
    std::string mantissa = sci.substr(0, e);
    const std::string sign = exponent < 0 ? "-" : "+";
    std::string digits = std::to_string(std::abs(exponent));
    if (digits.size() < 2) {
      digits = "0" + digits;
    }
    return mantissa + "e" + sign + digits;
  }
  auto fixed =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  return std::string(buffer.data(), fixed.ptr);
}

// A date alone (YYYY-MM-DD) is a timestamp at midnight UTC, which Go prints with its time.
std::optional<std::string> plainDate(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-dd";
  if (text.size() != kShape.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kShape[i] == 'd' ? !isDigit(text[i]) : text[i] != '-') {
      return std::nullopt;
    }
  }
  return std::string(text) + " 00:00:00 +0000 UTC";
}

bool plainTimestamp(std::string_view text) {
  if (text.size() > kMaxTimestampLength) {
    return false;
  }
  static const std::regex kTimestamp(
      R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?)"
      R"(([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)");
  return std::regex_match(text.begin(), text.end(), kTimestamp);
}

}  // namespace

ComposeString composeStringOf(const Node& scalar) {
  const std::string& text = scalar.text();
  if (scalar.quoted() || text.empty()) {
    return {text, false};
  }
  if (auto flag = plainBool(text)) {
    return {*flag ? "true" : "false", false};
  }
  if (auto integer = plainInteger(text)) {
    return {*integer, false};
  }
  if (auto number = plainFloat(text)) {
    return {*number, false};
  }
  if (auto date = plainDate(text)) {
    return {*date, false};
  }
  if (plainTimestamp(text)) {
    return {text, true};
  }
  return {text, false};
}

bool isPlainNonString(const Node& scalar) {
  if (!scalar.isScalar() || scalar.quoted() || scalar.text().empty()) {
    return false;
  }
  const std::string& text = scalar.text();
  return plainBool(text) || plainInteger(text) || plainFloat(text);
}

}  // namespace cop::load
