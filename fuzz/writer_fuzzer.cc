// libFuzzer target for the YAML writer: the fuzz input describes an arbitrary JSON value
// (objects, arrays, strings and keys of any valid UTF-8, with the characters that break YAML
// readers made likely, integers, floats, booleans, null). It is written with toYamlStream and
// read back with yaml-cpp; any difference from the value, or a stream yaml-cpp cannot read,
// aborts. (tests/yamldiff/run checks kubectl's Go YAML and PyYAML on what convert emits.)

#include <fuzzer/FuzzedDataProvider.h>
#include <yaml-cpp/exceptions.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "operator/common/utf8.h"
#include "operator/emit/writers.h"
#include "tests/support/test_support.h"

namespace {

using Object = cop::emit::Object;

// Bounds that keep one input fast; shapes deeper or longer than this add nothing.
constexpr int kMaxDepth = 6;
constexpr std::size_t kMaxItems = 8;
constexpr std::size_t kMaxChars = 1200;  // past the 1,024-character simple-key limit

// Characters that YAML readers treat specially: line breaks, BOM, non-characters, the edges
// of the printable ranges, and the YAML indicators.
constexpr char32_t kInteresting[] = {
    0x0A,   0x0D,   0x09,   0x00,   0x1B,   0x7F,   0x85,    0x9F,     0xA0, 0x2028, 0x2029,
    0xFEFF, 0xFFFE, 0xFFFF, 0xFFFD, 0xD7FF, 0xE000, 0x1F600, 0x10FFFF, ' ',  '#',    ':',
    '-',    '"',    '\'',   '\\',   '|',    '>',    '&',     '*',      '!',  '%',    '@',
    '`',    '{',    '[',    ',',    '?',    '~',    '.',     '=',      '<'};

char32_t nextCodePoint(FuzzedDataProvider& input) {
  const auto selector = input.ConsumeIntegral<std::uint8_t>();
  if (selector < 0x80) {
    return selector;  // ASCII, so that words and numbers (no, 0755, 1e3) come up often
  }
  if (selector < 0xE0) {
    return kInteresting[selector % std::size(kInteresting)];
  }
  const auto value = input.ConsumeIntegralInRange<char32_t>(0x80, 0x10FFFF);
  return value >= 0xD800 && value <= 0xDFFF ? value + 0x800 : value;  // never a surrogate
}

std::string nextString(FuzzedDataProvider& input) {
  constexpr std::size_t kShort = 12;
  std::string unit;
  const auto length = input.ConsumeIntegralInRange<std::size_t>(0, kShort);
  for (std::size_t i = 0; i < length && input.remaining_bytes() > 0; ++i) {
    cop::appendUtf8(unit, nextCodePoint(input));
  }
  // Sometimes repeated into a long string, so that long keys come up without long inputs.
  std::string out = unit;
  if (!unit.empty() && input.ConsumeIntegralInRange<int>(0, 15) == 0) {
    const auto times = input.ConsumeIntegralInRange<std::size_t>(1, kMaxChars / unit.size());
    for (std::size_t i = 1; i < times; ++i) {
      out += unit;
    }
  }
  return out;
}

Object nextValue(FuzzedDataProvider& input, int depth) {
  switch (input.ConsumeIntegralInRange<int>(0, depth >= kMaxDepth ? 5 : 7)) {
    case 0:
      return nullptr;
    case 1:
      return input.ConsumeBool();
    case 2:
      return input.ConsumeIntegral<std::int64_t>();
    case 3: {
      const double value = input.ConsumeFloatingPoint<double>();
      // JSON has no NaN or infinity; subnormals are out of range for the reader's stod.
      return std::isnormal(value) || value == 0 ? Object(value) : Object(0.5);
    }
    case 4:
    case 5:
      return nextString(input);
    case 6: {
      Object array = Object::array();
      const auto size = input.ConsumeIntegralInRange<std::size_t>(0, kMaxItems);
      for (std::size_t i = 0; i < size && input.remaining_bytes() > 0; ++i) {
        array.push_back(nextValue(input, depth + 1));
      }
      return array;
    }
    default: {
      Object object = Object::object();
      const auto size = input.ConsumeIntegralInRange<std::size_t>(0, kMaxItems);
      for (std::size_t i = 0; i < size && input.remaining_bytes() > 0; ++i) {
        object[nextString(input)] = nextValue(input, depth + 1);
      }
      return object;
    }
  }
}

// The writer's output holds only characters that every YAML reader takes literally: '\n' as
// the one line break, tab, and printable characters other than U+2028, U+2029 and the BOM
// (YAML 1.1 readers such as kubectl's go-yaml break lines at U+2028, U+2029 and U+0085).
bool onlyUnambiguousCharacters(const std::string& yaml) {
  for (std::size_t pos = 0; pos < yaml.size();) {
    const cop::Utf8Char c = cop::decodeUtf8(yaml, pos);
    if (!c.valid) {
      return false;
    }
    pos += c.length;
    const char32_t v = c.value;
    const bool ok = v == '\n' || v == '\t' || (v >= 0x20 && v <= 0x7E) ||
                    (v >= 0xA0 && v <= 0xD7FF && v != 0x2028 && v != 0x2029) ||
                    (v >= 0xE000 && v <= 0xFFFD && v != 0xFEFF) || (v >= 0x10000 && v <= 0x10FFFF);
    if (!ok) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  // The emitter writes objects; the value sits under a key, so that a null is still a document.
  const Object value = Object{{"v", nextValue(input, 0)}};
  const std::string yaml = cop::emit::toYamlStream({value});
  if (!onlyUnambiguousCharacters(yaml)) {
    std::fprintf(stderr,
                 "the writer's output holds a raw non-printable or line-breaking "
                 "character:\n%s\n",
                 yaml.c_str());
    std::abort();
  }
  const nlohmann::json expected = nlohmann::json::parse(value.dump());
  std::vector<nlohmann::json> parsed;
  try {
    parsed = cop::testing::yamlStreamToJson(yaml);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "yaml-cpp cannot read the writer's output: %s\n%s\n", e.what(),
                 yaml.c_str());
    std::abort();
  }
  if (parsed.size() != 1 || parsed[0] != expected) {
    std::fprintf(stderr, "the writer's output reads back differently\nexpected: %s\nyaml:\n%s\n",
                 expected.dump().c_str(), yaml.c_str());
    std::abort();
  }
  return 0;
}
