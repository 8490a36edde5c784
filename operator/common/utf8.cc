#include "operator/common/utf8.h"

#include <algorithm>

namespace cop {

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kFirstSurrogate = 0xD800;
constexpr char32_t kLastSurrogate = 0xDFFF;

bool isContinuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

}  // namespace

Utf8Char decodeUtf8(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    return {lead, 1, true};
  }
  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;  // below this, the sequence is an overlong form
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
    smallest = 0x10000;
  } else {
    return {};  // a stray continuation byte or 0xF8..0xFF
  }
  if (pos + length > text.size()) {
    return {};
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(text[pos + k]);
    if (!isContinuation(byte)) {
      return {};
    }
    value = (value << 6) | (byte & 0x3F);
  }
  if (value < smallest || value > kMaxCodePoint ||
      (value >= kFirstSurrogate && value <= kLastSurrogate)) {
    return {};
  }
  return {value, length, true};
}

std::optional<std::size_t> firstInvalidUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;  // the common case, kept cheap
      continue;
    }
    const Utf8Char c = decodeUtf8(text, pos);
    if (!c.valid) {
      return pos;
    }
    pos += c.length;
  }
  return std::nullopt;
}

void appendUtf8(std::string& out, char32_t value) {
  if (value < 0x80) {
    out += static_cast<char>(value);
  } else if (value < 0x800) {
    out += static_cast<char>(0xC0 | (value >> 6));
    out += static_cast<char>(0x80 | (value & 0x3F));
  } else if (value < 0x10000) {
    out += static_cast<char>(0xE0 | (value >> 12));
    out += static_cast<char>(0x80 | ((value >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (value & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (value >> 18));
    out += static_cast<char>(0x80 | ((value >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((value >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (value & 0x3F));
  }
}

std::optional<int> firstInvalidUtf8Line(std::string_view text) {
  const auto offset = firstInvalidUtf8(text);
  if (!offset) {
    return std::nullopt;
  }
  return 1 + static_cast<int>(std::ranges::count(text.substr(0, *offset), '\n'));
}

}  // namespace cop
